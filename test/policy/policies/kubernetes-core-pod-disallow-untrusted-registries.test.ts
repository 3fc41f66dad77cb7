import { expect, test } from "bun:test";
import { kubernetesCorePodDisallowUntrustedRegistries as policy } from "../../../infra/policy/policies/kubernetes-core-pod-disallow-untrusted-registries.ts";
import { deployment, hardenedContainer } from "../fixtures.ts";
import { check } from "../harness.ts";

const withImage = (image: string, stack: string) => deployment({ containers: [hardenedContainer({ image })] }, { stack });

test("passes our ECR in prod and Docker Hub in dev", async () => {
  expect(await check(policy, deployment({}, { stack: "prod" }))).toEqual([]);
  expect(await check(policy, withImage("redis:7.4", "dev"))).toEqual([]);
});

test("rejects Docker Hub and registries outside the configured list in prod", async () => {
  expect(await check(policy, withImage("redis:7.4", "prod"))).toEqual([expect.stringContaining("is from docker.io")]);
  const config = { [policy.name]: { allowedRegistries: ["999999999999.dkr.ecr.eu-west-1.amazonaws.com"] } };
  expect(await check(policy, deployment({}, { stack: "prod" }), { config })).toHaveLength(1);
});
