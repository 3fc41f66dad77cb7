import { expect, test } from "bun:test";
import { awsElasticacheReplicationGroupDisallowUnencryptedStorage as policy } from "../../../infra/policy/policies/aws-elasticache-replicationgroup-disallow-unencrypted-storage.ts";
import { check, resource } from "../harness.ts";

test("passes an encrypted replication group and a cluster that joins one", async () => {
  expect(await check(policy, resource("aws:elasticache/replicationGroup:ReplicationGroup", { atRestEncryptionEnabled: true }))).toEqual([]);
  expect(await check(policy, resource("aws:elasticache/cluster:Cluster", { replicationGroupId: "redis" }))).toEqual([]);
});

test("rejects an unencrypted group and a standalone Redis cluster", async () => {
  expect(await check(policy, resource("aws:elasticache/replicationGroup:ReplicationGroup", {}))).toEqual([
    expect.stringContaining("atRestEncryptionEnabled"),
  ]);
  expect(await check(policy, resource("aws:elasticache/cluster:Cluster", { engine: "redis" }))).toEqual([
    expect.stringContaining("replication group"),
  ]);
});
