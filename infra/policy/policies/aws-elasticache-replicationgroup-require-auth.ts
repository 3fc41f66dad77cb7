import type { ResourceValidationPolicy } from "@pulumi/policy";
import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { validateTypes } from "../lib/resources.ts";

export const awsElasticacheReplicationGroupRequireAuth: ResourceValidationPolicy = {
  name: "aws-elasticache-replicationgroup-require-auth",
  description: "ElastiCache Redis requires clients to authenticate (an AUTH token or RBAC user groups).",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: validateTypes<Unwrap<aws.elasticache.ReplicationGroupArgs>>(
    ["aws:elasticache/replicationGroup:ReplicationGroup"],
    (props, _args, reportViolation) => {
      const hasToken = typeof props.authToken === "string" && props.authToken.length > 0;
      const hasUserGroups = (props.userGroupIds ?? []).length > 0;
      if (!hasToken && !hasUserGroups) {
        reportViolation("ElastiCache accepts unauthenticated clients: set authToken or userGroupIds.");
      }
    },
  ),
};
