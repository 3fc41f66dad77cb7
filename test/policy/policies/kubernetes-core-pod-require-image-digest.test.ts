import { expect, test } from "bun:test";
import { kubernetesCorePodRequireImageDigest as policy } from "../../../infra/policy/policies/kubernetes-core-pod-require-image-digest.ts";
import { deployment, hardenedContainer } from "../fixtures.ts";
import { check } from "../harness.ts";

test("passes digests in prod and tags in dev", async () => {
  expect(await check(policy, deployment({}, { stack: "prod" }))).toEqual([]);
  expect(await check(policy, deployment({ containers: [hardenedContainer({ image: "mlts/api:dev" })] }, { stack: "dev" }))).toEqual([]);
});

test("rejects a tag-only image in staging", async () => {
  const container = hardenedContainer({ image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/mlts/api:1.0.0" });
  expect(await check(policy, deployment({ containers: [container] }, { stack: "staging" }))).toEqual([
    expect.stringContaining("is not pinned by digest"),
  ]);
});
