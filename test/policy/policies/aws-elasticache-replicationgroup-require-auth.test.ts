import { expect, test } from "bun:test";
import { awsElasticacheReplicationGroupRequireAuth as policy } from "../../../infra/policy/policies/aws-elasticache-replicationgroup-require-auth.ts";
import { check, resource } from "../harness.ts";

const group = (inputs: Record<string, unknown>) => resource("aws:elasticache/replicationGroup:ReplicationGroup", inputs);

test("passes an AUTH token or RBAC user groups", async () => {
  expect(await check(policy, group({ authToken: "s3cr3t-token-of-length-16+" }))).toEqual([]);
  expect(await check(policy, group({ userGroupIds: ["mlts"] }))).toEqual([]);
});

test("rejects Redis without authentication", async () => {
  expect(await check(policy, group({ authToken: "" }))).toEqual([expect.stringContaining("unauthenticated")]);
});
