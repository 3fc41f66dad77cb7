import { expect, test } from "bun:test";
import { kubernetesCorePodDisallowLatestTag as policy } from "../../../infra/policy/policies/kubernetes-core-pod-disallow-latest-tag.ts";
import { deployment, hardenedContainer } from "../fixtures.ts";
import { check } from "../harness.ts";

const withImage = (image: string) => deployment({ containers: [hardenedContainer({ image })] });

test("passes digests and explicit versions (a registry port is not a tag)", async () => {
  expect(await check(policy, deployment())).toEqual([]);
  expect(await check(policy, withImage("localhost:5000/mlts/api:1.4.2"))).toEqual([]);
});

test("rejects :latest and untagged images", async () => {
  expect(await check(policy, withImage("redis:latest"))).toEqual([expect.stringContaining("resolves to :latest")]);
  expect(await check(policy, withImage("localhost:5000/mlts/api"))).toHaveLength(1);
});
