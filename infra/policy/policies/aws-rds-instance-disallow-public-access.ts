import type { ResourceValidationPolicy } from "@pulumi/policy";
import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { validateTypes } from "../lib/resources.ts";

export const awsRdsInstanceDisallowPublicAccess: ResourceValidationPolicy = {
  name: "aws-rds-instance-disallow-public-access",
  description: "RDS instances must not be publicly accessible.",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: validateTypes<Unwrap<aws.rds.InstanceArgs>>(
    ["aws:rds/instance:Instance", "aws:rds/clusterInstance:ClusterInstance"],
    (props, _args, reportViolation) => {
      if (props.publiclyAccessible === true) {
        reportViolation("RDS instance is publicly accessible: set publiclyAccessible to false.");
      }
    },
  ),
};
