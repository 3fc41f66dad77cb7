import { expect, test } from "bun:test";
import { awsEcrRepositoryDisallowMutableTags as policy } from "../../../infra/policy/policies/aws-ecr-repository-disallow-mutable-tags.ts";
import { check, resource } from "../harness.ts";

test("passes immutable tags", async () => {
  expect(await check(policy, resource("aws:ecr/repository:Repository", { imageTagMutability: "IMMUTABLE" }))).toEqual([]);
});

test("rejects mutable tags, including the default", async () => {
  expect(await check(policy, resource("aws:ecr/repository:Repository", {}))).toEqual([expect.stringContaining("MUTABLE (the default)")]);
  expect(await check(policy, resource("aws:ecr/repository:Repository", { imageTagMutability: "MUTABLE" }))).toHaveLength(1);
});
