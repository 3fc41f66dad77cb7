import { expect, test } from "bun:test";
import { awsCloudwatchLogGroupRequireEncryptionAndRetention as policy } from "../../../infra/policy/policies/aws-cloudwatch-loggroup-require-encryption-and-retention.ts";
import { check, resource } from "../harness.ts";

const keyArn = "arn:aws:kms:eu-west-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
/** infra/logs.ts LogStorage.group: the stack's key and retention, and a fixed name where a service expects one. */
const logGroup = (inputs: Record<string, unknown> = { kmsKeyId: keyArn, retentionInDays: 90 }, name = "mlts-prod-control-plane") =>
  resource("aws:cloudwatch/logGroup:LogGroup", { name: "/aws/eks/mlts-prod/cluster", ...inputs }, { name });

const unencrypted = (name: string) => `aws:cloudwatch/logGroup:LogGroup "${name}" is not encrypted with a KMS key of ours (kmsKeyId).`;
const forever = (name: string) => `aws:cloudwatch/logGroup:LogGroup "${name}" never expires (retentionInDays).`;

test("passes a log group with a KMS key and a retention, in every environment", async () => {
  expect(await check(policy, logGroup())).toEqual([]);
  const flowLogs = resource("aws:cloudwatch/logGroup:LogGroup", { kmsKeyId: keyArn, retentionInDays: 7 }, { name: "mlts-dev-flow-logs", stack: "dev" });
  expect(await check(policy, flowLogs)).toEqual([]);
  // Other types are not log groups.
  expect(await check(policy, resource("aws:cloudwatch/logStream:LogStream", { logGroupName: "/aws/eks/mlts-prod/cluster" }))).toEqual([]);
});

test("rejects a log group without a KMS key", async () => {
  expect(await check(policy, logGroup({ retentionInDays: 90 }))).toEqual([unencrypted("mlts-prod-control-plane")]);
  expect(await check(policy, logGroup({ kmsKeyId: "", retentionInDays: 90 }))).toEqual([unencrypted("mlts-prod-control-plane")]);
});

test("rejects a log group that never expires: no retention, or 0", async () => {
  expect(await check(policy, logGroup({ kmsKeyId: keyArn }, "edge-waf"))).toEqual([forever("edge-waf")]);
  expect(await check(policy, logGroup({ kmsKeyId: keyArn, retentionInDays: 0 }, "edge-waf"))).toEqual([forever("edge-waf")]);
});

test("reports both problems of a bare log group", async () => {
  expect(await check(policy, logGroup({}, "api"))).toEqual([unencrypted("api"), forever("api")]);
});
