import { expect, test } from "bun:test";
import { kubernetesCorePodRequireProbes as policy } from "../../../infra/policy/policies/kubernetes-core-pod-require-probes.ts";
import { deployment, hardenedContainer, rollout } from "../fixtures.ts";
import { check, resource } from "../harness.ts";

test("passes probed Deployments and unprobed Jobs", async () => {
  expect(await check(policy, deployment())).toEqual([]);
  const unprobed = hardenedContainer({ livenessProbe: undefined, readinessProbe: undefined });
  expect(await check(policy, resource("kubernetes:batch/v1:Job", { spec: { template: { spec: { containers: [unprobed] } } } }))).toEqual([]);
});

test("rejects a Deployment container without probes", async () => {
  const container = hardenedContainer({ livenessProbe: undefined, readinessProbe: undefined });
  expect(await check(policy, deployment({ containers: [container] }))).toEqual([
    'Deployment "api" container "api": missing livenessProbe and readinessProbe',
  ]);
});

test("holds for an Argo Rollout as for a Deployment", async () => {
  expect(await check(policy, rollout())).toEqual([]);
  const container = hardenedContainer({ readinessProbe: undefined });
  expect(await check(policy, rollout({ containers: [container] }))).toEqual(['Rollout "api" container "api": missing readinessProbe']);
});
