import { expect, test } from "bun:test";
import { awsRdsInstanceDisallowUnencryptedStorage as policy } from "../../../infra/policy/policies/aws-rds-instance-disallow-unencrypted-storage.ts";
import { check, resource } from "../harness.ts";

test("passes an encrypted instance", async () => {
  expect(await check(policy, resource("aws:rds/instance:Instance", { storageEncrypted: true }))).toEqual([]);
});

test("rejects an unencrypted instance or Aurora cluster", async () => {
  expect(await check(policy, resource("aws:rds/instance:Instance", { storageEncrypted: false }))).toEqual([
    expect.stringContaining("storageEncrypted"),
  ]);
  expect(await check(policy, resource("aws:rds/cluster:Cluster", {}))).toHaveLength(1);
});
