import type { ResourceValidationPolicy } from "@pulumi/policy";
import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { validateTypes } from "../lib/resources.ts";

export const awsRdsInstanceDisallowUnencryptedStorage: ResourceValidationPolicy = {
  name: "aws-rds-instance-disallow-unencrypted-storage",
  description: "RDS instances and Aurora clusters must encrypt their storage at rest.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: validateTypes<Unwrap<aws.rds.InstanceArgs | aws.rds.ClusterArgs>>(
    ["aws:rds/instance:Instance", "aws:rds/cluster:Cluster"],
    (props, _args, reportViolation) => {
      if (props.storageEncrypted !== true) {
        reportViolation("RDS storage is not encrypted: set storageEncrypted to true (optionally with a kmsKeyId).");
      }
    },
  ),
};
