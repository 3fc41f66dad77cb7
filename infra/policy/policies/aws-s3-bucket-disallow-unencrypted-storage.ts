import type { StackValidationPolicy } from "@pulumi/policy";
import { isAttachedToBucket, s3BucketTypes } from "../lib/aws.ts";
import { configOf } from "../lib/config.ts";
import { describe } from "../lib/resources.ts";

interface Config {
  requireKms: boolean;
}

const configSchema = {
  properties: {
    requireKms: { type: "boolean" as const, default: false, description: "Require SSE-KMS (aws:kms) rather than SSE-S3 (AES256)." },
  },
};

const encryptionTypes = [
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
];

interface EncryptionRules {
  rules?: { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } }[];
  rule?: { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } };
}

function algorithmsOf(config: EncryptionRules | undefined): string[] {
  const rules = [...(config?.rules ?? []), ...(config?.rule ? [config.rule] : [])];
  return rules.flatMap((rule) => rule.applyServerSideEncryptionByDefault?.sseAlgorithm ?? []);
}

export const awsS3BucketDisallowUnencryptedStorage: StackValidationPolicy = {
  name: "aws-s3-bucket-disallow-unencrypted-storage",
  description: "S3 buckets declare default server-side encryption (inline or a BucketServerSideEncryptionConfiguration).",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema,
  validateStack: (args, reportViolation) => {
    const { requireKms } = configOf<Config>(configSchema, args);
    for (const bucket of args.resources.filter((resource) => s3BucketTypes.includes(resource.type))) {
      const algorithms = [
        ...algorithmsOf(bucket.props.serverSideEncryptionConfiguration as EncryptionRules | undefined),
        ...args.resources
          .filter((resource) => encryptionTypes.includes(resource.type) && isAttachedToBucket(resource, bucket))
          .flatMap((resource) => algorithmsOf(resource.props as EncryptionRules)),
      ];
      const accepted = algorithms.filter((algorithm) => (requireKms ? algorithm.startsWith("aws:kms") : true));
      if (accepted.length === 0) {
        reportViolation(
          `${describe(bucket)} declares no ${requireKms ? "SSE-KMS " : ""}default encryption: add a BucketServerSideEncryptionConfiguration.`,
          bucket.urn,
        );
      }
    }
  },
};
