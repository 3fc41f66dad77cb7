import { expect, test } from "bun:test";
import { awsRdsInstanceRequireBackupRetention as policy } from "../../../infra/policy/policies/aws-rds-instance-require-backup-retention.ts";
import { check, resource } from "../harness.ts";

const rds = (backupRetentionPeriod: number, stack: string) => resource("aws:rds/instance:Instance", { backupRetentionPeriod }, { stack });

test("passes 7 days in prod and any retention in dev", async () => {
  expect(await check(policy, rds(7, "prod"))).toEqual([]);
  expect(await check(policy, rds(1, "dev"))).toEqual([]);
});

test("rejects less than 7 days in prod, and honours configured minimum and environments", async () => {
  expect(await check(policy, rds(3, "prod"))).toEqual([expect.stringContaining("3 day(s); at least 7")]);
  const config = { [policy.name]: { minimumDays: 14, environments: ["staging", "prod"] } };
  expect(await check(policy, rds(7, "staging"), { config })).toEqual([expect.stringContaining("at least 14")]);
});

test("the environment tag of the stack wins over the stack name", async () => {
  expect(await check(policy, rds(1, "prod-eu"), { stackTags: { environment: "prod" } })).toHaveLength(1);
});
