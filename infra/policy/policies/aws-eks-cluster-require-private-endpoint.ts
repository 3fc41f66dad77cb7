import type { ResourceValidationPolicy } from "@pulumi/policy";
import { eksClusterSettings } from "../lib/eks.ts";

export const awsEksClusterRequirePrivateEndpoint: ResourceValidationPolicy = {
  name: "aws-eks-cluster-require-private-endpoint",
  description: "EKS clusters enable the private API endpoint, so nodes and in-VPC tooling never leave the VPC.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: (args, reportViolation) => {
    const cluster = eksClusterSettings(args);
    if (cluster && !cluster.privateEndpoint) {
      reportViolation("EKS private API endpoint is off: set endpointPrivateAccess to true.");
    }
  },
};
