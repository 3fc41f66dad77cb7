import type { ResourceValidationPolicy } from "@pulumi/policy";
import { eksClusterSettings } from "../lib/eks.ts";

export const awsEksClusterRequireSecretsEncryption: ResourceValidationPolicy = {
  name: "aws-eks-cluster-require-secrets-encryption",
  description: "EKS clusters envelope-encrypt Kubernetes Secrets with a KMS key.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: (args, reportViolation) => {
    const cluster = eksClusterSettings(args);
    if (cluster && !cluster.secretsKeyArn) {
      reportViolation("EKS Secrets are not encrypted with KMS: set encryptionConfigKeyArn (or encryptionConfig for 'secrets').");
    }
  },
};
