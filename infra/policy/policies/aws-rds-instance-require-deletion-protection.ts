import type { ResourceValidationPolicy } from "@pulumi/policy";
import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { appliesToResource, environmentsSchema } from "../lib/environment.ts";
import { validateTypes } from "../lib/resources.ts";

const configSchema = { properties: { environments: environmentsSchema(["prod"]) } };

export const awsRdsInstanceRequireDeletionProtection: ResourceValidationPolicy = {
  name: "aws-rds-instance-require-deletion-protection",
  description: "RDS instances and clusters have deletion protection on in prod.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema,
  validateResource: validateTypes<Unwrap<aws.rds.InstanceArgs | aws.rds.ClusterArgs>>(
    ["aws:rds/instance:Instance", "aws:rds/cluster:Cluster"],
    (props, args, reportViolation) => {
      if (appliesToResource(configSchema, args) && props.deletionProtection !== true) {
        reportViolation("RDS deletion protection is off: set deletionProtection to true.");
      }
    },
  ),
};
