import type { ResourceValidationPolicy } from "@pulumi/policy";
import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { validateTypes } from "../lib/resources.ts";

export const awsElasticacheReplicationGroupDisallowUnencryptedTransit: ResourceValidationPolicy = {
  name: "aws-elasticache-replicationgroup-disallow-unencrypted-transit",
  description: "ElastiCache Redis accepts TLS connections only (in-transit encryption, mode 'required').",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: validateTypes<Unwrap<aws.elasticache.ReplicationGroupArgs | aws.elasticache.ClusterArgs>>(
    ["aws:elasticache/replicationGroup:ReplicationGroup", "aws:elasticache/cluster:Cluster"],
    (props, _args, reportViolation) => {
      // A cluster that joins a replication group takes the group's setting.
      if ("replicationGroupId" in props && props.replicationGroupId !== undefined) return;
      if (props.transitEncryptionEnabled !== true) {
        reportViolation("ElastiCache traffic is not encrypted in transit: set transitEncryptionEnabled to true.");
      } else if ("transitEncryptionMode" in props && props.transitEncryptionMode === "preferred") {
        // "preferred" is the migration mode: plaintext clients are still accepted.
        reportViolation("ElastiCache transitEncryptionMode is 'preferred', which still accepts plaintext: use 'required'.");
      }
    },
  ),
};
