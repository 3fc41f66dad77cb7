import type { ResourceValidationPolicy } from "@pulumi/policy";
import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { validateTypes } from "../lib/resources.ts";

export const awsElasticacheReplicationGroupDisallowUnencryptedStorage: ResourceValidationPolicy = {
  name: "aws-elasticache-replicationgroup-disallow-unencrypted-storage",
  description: "ElastiCache Redis encrypts data at rest (replication groups; standalone cache clusters cannot).",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: [
    validateTypes<Unwrap<aws.elasticache.ReplicationGroupArgs>>(
      ["aws:elasticache/replicationGroup:ReplicationGroup"],
      (props, _args, reportViolation) => {
        if (props.atRestEncryptionEnabled !== true) {
          reportViolation("ElastiCache data is not encrypted at rest: set atRestEncryptionEnabled to true.");
        }
      },
    ),
    validateTypes<Unwrap<aws.elasticache.ClusterArgs>>(["aws:elasticache/cluster:Cluster"], (props, _args, reportViolation) => {
      // A cluster that joins a replication group inherits the group's encryption.
      if (props.replicationGroupId === undefined && props.engine !== "memcached") {
        reportViolation("A standalone ElastiCache cluster cannot encrypt at rest: use a replication group.");
      }
    }),
  ],
};
