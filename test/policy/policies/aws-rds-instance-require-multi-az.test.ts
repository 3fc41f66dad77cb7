import { expect, test } from "bun:test";
import { awsRdsInstanceRequireMultiAz as policy } from "../../../infra/policy/policies/aws-rds-instance-require-multi-az.ts";
import { check, resource } from "../harness.ts";

const rds = (stack: string, multiAz?: boolean) => resource("aws:rds/instance:Instance", multiAz === undefined ? {} : { multiAz }, { stack });

test("passes Multi-AZ in prod and staging, and single-AZ in dev", async () => {
  expect(await check(policy, rds("prod", true))).toEqual([]);
  expect(await check(policy, rds("staging", true))).toEqual([]);
  expect(await check(policy, rds("dev", false))).toEqual([]);
});

test("rejects single-AZ in prod and in staging, which rehearses prod's failover", async () => {
  expect(await check(policy, rds("prod"))).toEqual(["RDS instance is single-AZ: set multiAz to true."]);
  expect(await check(policy, rds("staging", false))).toEqual(["RDS instance is single-AZ: set multiAz to true."]);
});

test("honours configured environments", async () => {
  const config = { [policy.name]: { environments: ["prod"] } };
  expect(await check(policy, rds("staging", false), { config })).toEqual([]);
});
