import { expect, test } from "bun:test";
import { pulumiStatefulResourceRequireProtect as policy } from "../../../infra/policy/policies/pulumi-stateful-resource-require-protect.ts";
import { check, resource } from "../harness.ts";

const rds = (stack: string, protect?: boolean) => resource("aws:rds/instance:Instance", { multiAz: true }, { stack, name: "db", protect });
const redis = (stack: string, protect?: boolean) =>
  resource("aws:elasticache/replicationGroup:ReplicationGroup", {}, { stack, name: "redis", protect });

test("passes protected databases and Redis in staging and prod, and unprotected ones in dev", async () => {
  expect(await check(policy, [rds("prod", true), redis("prod", true)])).toEqual([]);
  expect(await check(policy, [rds("staging", true), redis("staging", true)])).toEqual([]);
  expect(await check(policy, [rds("dev"), redis("dev")])).toEqual([]);
  expect(await check(policy, resource("aws:s3/bucket:Bucket", {}, { stack: "prod" }))).toEqual([]);
});

test("rejects unprotected databases and Redis in prod and staging", async () => {
  expect(await check(policy, [rds("prod"), redis("prod", false)])).toEqual([
    'aws:rds/instance:Instance "db" is not protected: set its config key protect to true (mlts:database.protect / mlts:redis.protect).',
    'aws:elasticache/replicationGroup:ReplicationGroup "redis" is not protected: set its config key protect to true (mlts:database.protect / mlts:redis.protect).',
  ]);
  expect(await check(policy, resource("aws:rds/cluster:Cluster", {}, { stack: "staging", name: "aurora" }))).toEqual([
    expect.stringContaining('aws:rds/cluster:Cluster "aurora" is not protected'),
  ]);
});

test("honours the configured environments and the stack's environment tag", async () => {
  const config = { [policy.name]: { environments: ["dev"] } };
  expect(await check(policy, rds("dev"), { config })).toHaveLength(1);
  expect(await check(policy, rds("prod"), { config })).toEqual([]);
  expect(await check(policy, rds("prod-eu"), { stackTags: { environment: "prod" } })).toHaveLength(1);
});
