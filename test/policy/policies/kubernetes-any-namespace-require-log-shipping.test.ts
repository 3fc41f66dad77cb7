import { expect, test } from "bun:test";
import { kubernetesAnyNamespaceRequireLogShipping as policy } from "../../../infra/policy/policies/kubernetes-any-namespace-require-log-shipping.ts";
import { deployment, helmRelease } from "../fixtures.ts";
import { check, resource } from "../harness.ts";

const prefix = "/aws/eks/mlts-dev/containers";
// infra/addons/log-shipping.ts: one group per namespace from the template, the fallback group, no group of Fluent Bit's own.
const fluentBit = (cloudWatchLogs: object = {}) => helmRelease("aws-for-fluent-bit", {
  cloudWatchLogs: { logGroupTemplate: `${prefix}/$kubernetes['namespace_name']`, logGroupName: `${prefix}/unattributed`, autoCreateGroup: false, ...cloudWatchLogs },
});
const group = (namespace: string, inputs: object = { kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/logs", retentionInDays: 30 }) =>
  resource("aws:cloudwatch/logGroup:LogGroup", { name: `${prefix}/${namespace}`, ...inputs }, { name: namespace });
const everyGroup = ["kube-system", "logging", "mlts", "unattributed"].map((ns) => group(ns));

test("passes a stack whose every namespace with containers has its encrypted, retained group", async () => {
  expect(await check(policy, [fluentBit(), deployment(), ...everyGroup])).toEqual([]);
  // Nothing runs, nothing to ship.
  expect(await check(policy, resource("aws:s3/bucket:Bucket", {}))).toEqual([]);
});

test("fails a stack that runs containers and ships no logs", async () => {
  expect(await check(policy, deployment())).toEqual([expect.stringMatching(/^no log shipping: the stack runs containers/)]);
  // The chart installed with its CloudWatch Logs output off ships nothing either.
  expect(await check(policy, [deployment(), fluentBit({ enabled: false }), ...everyGroup])).toEqual([expect.stringMatching(/^no log shipping/)]);
});

test("fails a namespace whose group the stack does not create, or creates without a key or a retention", async () => {
  const withoutMlts = everyGroup.filter((g) => g.name !== "mlts");
  expect(await check(policy, [fluentBit(), deployment(), ...withoutMlts])).toEqual([
    `kubernetes:helm.sh/v3:Release "aws-for-fluent-bit": the logs of namespace mlts go to log group ${prefix}/mlts, which the stack does not create: Fluent Bit drops them (or creates it unencrypted, forever).`,
  ]);
  // A Helm release's namespace runs containers too: Prometheus's.
  expect(await check(policy, [fluentBit(), deployment(), helmRelease("kube-prometheus-stack"), ...everyGroup])).toEqual([
    expect.stringContaining(`the logs of namespace monitoring go to log group ${prefix}/monitoring, which the stack does not create`),
  ]);
  const plain = [...withoutMlts, group("mlts", {})];
  expect(await check(policy, [fluentBit(), deployment(), ...plain])).toEqual([
    expect.stringContaining(`log group ${prefix}/mlts (namespace mlts) is not encrypted with a KMS key`),
    expect.stringContaining(`log group ${prefix}/mlts (namespace mlts) keeps logs forever`),
  ]);
});

test("fails a shipper that creates groups itself, or whose groups cannot be told per namespace", async () => {
  expect(await check(policy, [fluentBit({ autoCreateGroup: "true" }), deployment(), ...everyGroup])).toEqual([
    expect.stringContaining("cloudWatchLogs.autoCreateGroup is on"),
  ]);
  const perPod = await check(policy, [fluentBit({ logGroupTemplate: `${prefix}/$kubernetes['pod_name']` }), deployment(), ...everyGroup]);
  expect(perPod).toHaveLength(3); // kube-system, logging, mlts
  expect(perPod[0]).toContain("cannot tell where namespace kube-system's logs go");
});
