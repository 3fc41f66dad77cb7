import type { ResourceValidationPolicy } from "@pulumi/policy";
import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { configOf } from "../lib/config.ts";
import { appliesToResource, environmentsSchema } from "../lib/environment.ts";
import { validateTypes } from "../lib/resources.ts";

interface Config {
  minimumDays: number;
}

const configSchema = {
  properties: {
    environments: environmentsSchema(["prod"]),
    minimumDays: { type: "integer" as const, minimum: 1, maximum: 35, default: 7, description: "Minimum automated backup retention in days." },
  },
};

export const awsRdsInstanceRequireBackupRetention: ResourceValidationPolicy = {
  name: "aws-rds-instance-require-backup-retention",
  description: "RDS instances and clusters keep automated backups for at least the configured number of days (7) in prod.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema,
  validateResource: validateTypes<Unwrap<aws.rds.InstanceArgs | aws.rds.ClusterArgs>>(
    ["aws:rds/instance:Instance", "aws:rds/cluster:Cluster"],
    (props, args, reportViolation) => {
      if (!appliesToResource(configSchema, args)) return;
      const { minimumDays } = configOf<Config>(configSchema, args);
      const days = props.backupRetentionPeriod ?? 0;
      if (days < minimumDays) {
        reportViolation(`RDS backup retention is ${days} day(s); at least ${minimumDays} required (backupRetentionPeriod).`);
      }
    },
  ),
};
