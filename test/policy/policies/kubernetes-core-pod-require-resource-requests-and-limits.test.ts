import { expect, test } from "bun:test";
import { kubernetesCorePodRequireResourceRequestsAndLimits as policy } from "../../../infra/policy/policies/kubernetes-core-pod-require-resource-requests-and-limits.ts";
import { deployment, hardenedContainer } from "../fixtures.ts";
import { check, resource } from "../harness.ts";

test("passes containers with requests and limits", async () => {
  expect(await check(policy, deployment())).toEqual([]);
});

test("rejects a missing limit, also in a CronJob's init container", async () => {
  expect(await check(policy, deployment({ containers: [hardenedContainer({ resources: { requests: { cpu: "1", memory: "1Gi" } } })] }))).toEqual([
    'Deployment "api" container "api": missing resources limits.cpu, limits.memory',
  ]);
  const podSpec = { initContainers: [hardenedContainer({ name: "migrate", resources: {} })], containers: [hardenedContainer()] };
  const cronJob = resource("kubernetes:batch/v1:CronJob", { spec: { schedule: "@hourly", jobTemplate: { spec: { template: { spec: podSpec } } } } });
  expect(await check(policy, cronJob)).toEqual([expect.stringContaining('CronJob "cronjob" container "migrate": missing resources requests.cpu')]);
});
