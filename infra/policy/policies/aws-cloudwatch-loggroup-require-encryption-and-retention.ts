import type { ResourceValidationPolicy } from "@pulumi/policy";
import { logGroupGaps } from "../lib/aws.ts";
import { describe, validateTypes } from "../lib/resources.ts";

export const awsCloudwatchLogGroupRequireEncryptionAndRetention: ResourceValidationPolicy = {
  name: "aws-cloudwatch-loggroup-require-encryption-and-retention",
  description: "Every CloudWatch log group is encrypted with a customer-managed KMS key and expires: logs hold request details and client addresses, and never-expiring groups grow the bill forever.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: validateTypes<Record<string, unknown>>(["aws:cloudwatch/logGroup:LogGroup"], (props, args, reportViolation) => {
    const gaps = logGroupGaps(props);
    if (gaps.unencrypted) reportViolation(`${describe(args)} is not encrypted with a KMS key of ours (kmsKeyId).`);
    if (gaps.neverExpires) reportViolation(`${describe(args)} never expires (retentionInDays).`);
  }),
};
