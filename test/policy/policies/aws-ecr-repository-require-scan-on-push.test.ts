import { expect, test } from "bun:test";
import { awsEcrRepositoryRequireScanOnPush as policy } from "../../../infra/policy/policies/aws-ecr-repository-require-scan-on-push.ts";
import { check, resource } from "../harness.ts";

test("passes scan on push", async () => {
  const repository = resource("aws:ecr/repository:Repository", { imageScanningConfiguration: { scanOnPush: true } });
  expect(await check(policy, repository)).toEqual([]);
});

test("rejects a repository without scan on push", async () => {
  expect(await check(policy, resource("aws:ecr/repository:Repository", {}))).toEqual([expect.stringContaining("scanOnPush")]);
});
