import { expect, test } from "bun:test";
import { awsRdsInstanceDisallowPublicAccess as policy } from "../../../infra/policy/policies/aws-rds-instance-disallow-public-access.ts";
import { check, resource } from "../harness.ts";

test("passes a private instance (the default)", async () => {
  expect(await check(policy, resource("aws:rds/instance:Instance", {}))).toEqual([]);
});

test("rejects a publicly accessible instance", async () => {
  expect(await check(policy, resource("aws:rds/instance:Instance", { publiclyAccessible: true }))).toEqual([
    expect.stringContaining("publicly accessible"),
  ]);
});
