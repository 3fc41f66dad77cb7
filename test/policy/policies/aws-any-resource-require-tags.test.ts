import { expect, test } from "bun:test";
import { awsAnyResourceRequireTags as policy } from "../../../infra/policy/policies/aws-any-resource-require-tags.ts";
import { check, resource } from "../harness.ts";

const tags = { environment: "dev", owner: "platform", "cost-center": "ml-1234" };

test("passes own tags, provider defaultTags (JSON-encoded, as the SDK sends them), and untaggable types", async () => {
  expect(await check(policy, resource("aws:rds/instance:Instance", { tags }))).toEqual([]);
  const provider = resource("pulumi:providers:aws", { defaultTags: JSON.stringify({ tags }) });
  expect(await check(policy, [provider, resource("aws:ec2/vpc:Vpc", {}, { provider })])).toEqual([]);
  expect(await check(policy, resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", {}))).toEqual([]);
});

test("rejects taggable resources missing a required tag", async () => {
  expect(await check(policy, resource("aws:ec2/vpc:Vpc", { tags: { environment: "dev" } }))).toEqual([
    expect.stringContaining("missing tag(s): owner, cost-center"),
  ]);
  const config = { [policy.name]: { requiredTags: ["team"] } };
  expect(await check(policy, resource("aws:rds/instance:Instance", { tags }), { config })).toEqual([expect.stringContaining("team")]);
});
