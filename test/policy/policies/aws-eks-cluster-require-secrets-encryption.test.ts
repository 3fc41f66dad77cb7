import { expect, test } from "bun:test";
import { awsEksClusterRequireSecretsEncryption as policy } from "../../../infra/policy/policies/aws-eks-cluster-require-secrets-encryption.ts";
import { check, resource } from "../harness.ts";

const keyArn = "arn:aws:kms:eu-west-1:123456789012:key/abc";

test("passes the eks component and the aws resource with a KMS key for secrets", async () => {
  expect(await check(policy, resource("eks:index:Cluster", { encryptionConfigKeyArn: keyArn }))).toEqual([]);
  const encryptionConfig = { resources: ["secrets"], provider: { keyArn } };
  expect(await check(policy, resource("aws:eks/cluster:Cluster", { encryptionConfig }))).toEqual([]);
});

test("rejects clusters without secrets encryption, in either shape", async () => {
  expect(await check(policy, resource("eks:index:Cluster", {}))).toEqual([expect.stringContaining("not encrypted")]);
  expect(await check(policy, resource("aws:eks/cluster:Cluster", { vpcConfig: {} }))).toHaveLength(1);
});
