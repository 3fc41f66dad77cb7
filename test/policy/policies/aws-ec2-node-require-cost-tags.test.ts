import { expect, test } from "bun:test";
import { awsEc2NodeRequireCostTags as policy } from "../../../infra/policy/policies/aws-ec2-node-require-cost-tags.ts";
import { kubernetesObject } from "../fixtures.ts";
import { check, resource } from "../harness.ts";

const tags = { environment: "prod", owner: "platform", "cost-center": "ml-1234" };

/** A launch template tagging each given resource type, as infra/cluster.ts writes it. */
const launchTemplate = (specs: Record<string, Record<string, string>>) =>
  resource("aws:ec2/launchTemplate:LaunchTemplate", {
    tagSpecifications: Object.entries(specs).map(([resourceType, tags]) => ({ resourceType, tags })),
  }, { name: "nodes" });

const nodeClass = (spec: Record<string, unknown>) => kubernetesObject("karpenter.k8s.aws/v1", "EC2NodeClass", { name: "default" }, { spec });

test("passes a launch template and an EC2NodeClass that tag what they launch", async () => {
  expect(await check(policy, launchTemplate({ instance: tags, volume: tags, "network-interface": tags }))).toEqual([]);
  expect(await check(policy, nodeClass({ role: "nodes", tags }))).toEqual([]);
});

test("rejects a launch template whose instances or volumes lack a cost tag", async () => {
  expect(await check(policy, launchTemplate({ instance: tags }))).toEqual([
    'aws:ec2/launchTemplate:LaunchTemplate "nodes" does not tag launched volumes with environment, owner, cost-center (tagSpecifications).',
  ]);
  const { owner: _owner, ...withoutOwner } = tags;
  expect(await check(policy, launchTemplate({ instance: withoutOwner, volume: tags }))).toEqual([
    expect.stringContaining("does not tag launched instances with owner"),
  ]);
  // The provider's defaultTags tag the template itself, never what it launches.
  const provider = resource("pulumi:providers:aws", { defaultTags: JSON.stringify({ tags }) });
  const untagged = resource("aws:ec2/launchTemplate:LaunchTemplate", {}, { name: "nodes", provider });
  expect(await check(policy, [provider, untagged])).toHaveLength(2);
});

test("rejects an EC2NodeClass without spec.tags, and honours configured tag keys", async () => {
  expect(await check(policy, nodeClass({ role: "nodes" }))).toEqual([
    'kubernetes:karpenter.k8s.aws/v1:EC2NodeClass "default" does not tag the nodes it launches with environment, owner, cost-center (spec.tags).',
  ]);
  const config = { [policy.name]: { requiredTags: ["team"] } };
  expect(await check(policy, nodeClass({ tags }), { config })).toEqual([expect.stringContaining("with team (spec.tags)")]);
  expect(await check(policy, nodeClass({ tags: { team: "ml" } }), { config })).toEqual([]);
});
