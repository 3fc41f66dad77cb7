import type { ResourceValidationPolicy } from "@pulumi/policy";
import { appliesToResource, environmentsSchema } from "../lib/environment.ts";
import { describe } from "../lib/resources.ts";

const configSchema = { properties: { environments: environmentsSchema(["staging", "prod"]) } };

/** Resources a replacement would empty: the database and the queues' Redis. */
const STATEFUL = ["aws:rds/instance:Instance", "aws:rds/cluster:Cluster", "aws:elasticache/replicationGroup:ReplicationGroup"];

export const pulumiStatefulResourceRequireProtect: ResourceValidationPolicy = {
  name: "pulumi-stateful-resource-require-protect",
  description:
    "Databases and Redis carry Pulumi's `protect` in the environments listed: a later `pulumi up` that would replace them (a changed immutable property) " +
    "or a `pulumi destroy` stops instead of starting from empty.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema,
  validateResource: (args, reportViolation) => {
    if (STATEFUL.includes(args.type) && appliesToResource(configSchema, args) && !args.opts.protect) {
      reportViolation(`${describe(args)} is not protected: set its config key protect to true (mlts:database.protect / mlts:redis.protect).`);
    }
  },
};
