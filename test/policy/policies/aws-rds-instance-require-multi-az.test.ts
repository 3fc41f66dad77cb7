import { expect, test } from "bun:test";
import { awsRdsInstanceRequireMultiAz as policy } from "../../../infra/policy/policies/aws-rds-instance-require-multi-az.ts";
import { check, resource } from "../harness.ts";

test("passes Multi-AZ in prod and single-AZ in staging", async () => {
  expect(await check(policy, resource("aws:rds/instance:Instance", { multiAz: true }, { stack: "prod" }))).toEqual([]);
  expect(await check(policy, resource("aws:rds/instance:Instance", { multiAz: false }, { stack: "staging" }))).toEqual([]);
});

test("rejects single-AZ in prod", async () => {
  expect(await check(policy, resource("aws:rds/instance:Instance", {}, { stack: "prod" }))).toEqual([expect.stringContaining("multiAz")]);
});
