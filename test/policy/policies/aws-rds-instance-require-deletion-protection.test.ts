import { expect, test } from "bun:test";
import { awsRdsInstanceRequireDeletionProtection as policy } from "../../../infra/policy/policies/aws-rds-instance-require-deletion-protection.ts";
import { check, resource } from "../harness.ts";

test("passes a protected prod instance and an unprotected dev one", async () => {
  expect(await check(policy, resource("aws:rds/instance:Instance", { deletionProtection: true }, { stack: "prod" }))).toEqual([]);
  expect(await check(policy, resource("aws:rds/instance:Instance", {}, { stack: "dev" }))).toEqual([]);
});

test("rejects an unprotected prod instance", async () => {
  expect(await check(policy, resource("aws:rds/instance:Instance", { deletionProtection: false }, { stack: "prod" }))).toEqual([
    expect.stringContaining("deletionProtection"),
  ]);
});
