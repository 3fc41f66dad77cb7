import type { ResourceValidationPolicy } from "@pulumi/policy";
import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { appliesToResource, environmentsSchema } from "../lib/environment.ts";
import { validateTypes } from "../lib/resources.ts";

const configSchema = { properties: { environments: environmentsSchema(["staging", "prod"]) } };

export const awsRdsInstanceRequireMultiAz: ResourceValidationPolicy = {
  name: "aws-rds-instance-require-multi-az",
  description: "RDS instances run Multi-AZ in staging (to rehearse failover) and prod, so a zone failure is a failover rather than an outage.",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema,
  validateResource: validateTypes<Unwrap<aws.rds.InstanceArgs>>(["aws:rds/instance:Instance"], (props, args, reportViolation) => {
    if (appliesToResource(configSchema, args) && props.multiAz !== true) {
      reportViolation("RDS instance is single-AZ: set multiAz to true.");
    }
  }),
};
