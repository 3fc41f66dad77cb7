import { expect, test } from "bun:test";
import { awsElasticacheReplicationGroupDisallowUnencryptedTransit as policy } from "../../../infra/policy/policies/aws-elasticache-replicationgroup-disallow-unencrypted-transit.ts";
import { check, resource } from "../harness.ts";

const group = (inputs: Record<string, unknown>) => resource("aws:elasticache/replicationGroup:ReplicationGroup", inputs);

test("passes TLS-only Redis", async () => {
  expect(await check(policy, group({ transitEncryptionEnabled: true }))).toEqual([]);
  expect(await check(policy, group({ transitEncryptionEnabled: true, transitEncryptionMode: "required" }))).toEqual([]);
});

test("rejects plaintext and the 'preferred' migration mode", async () => {
  expect(await check(policy, group({}))).toEqual([expect.stringContaining("transitEncryptionEnabled")]);
  expect(await check(policy, group({ transitEncryptionEnabled: true, transitEncryptionMode: "preferred" }))).toEqual([
    expect.stringContaining("preferred"),
  ]);
});
