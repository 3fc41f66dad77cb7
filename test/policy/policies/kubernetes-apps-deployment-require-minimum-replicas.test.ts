import { expect, test } from "bun:test";
import { kubernetesAppsDeploymentRequireMinimumReplicas as policy } from "../../../infra/policy/policies/kubernetes-apps-deployment-require-minimum-replicas.ts";
import { deployment, rollout } from "../fixtures.ts";
import { check, resource } from "../harness.ts";

const prod = { stack: "prod" };

test("passes 2 replicas in prod, an HPA with minReplicas 2, and 1 replica in dev", async () => {
  expect(await check(policy, [deployment({}, { ...prod, replicas: 2 })])).toEqual([]);
  const hpa = resource("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", { spec: { scaleTargetRef: { kind: "Deployment", name: "api" }, minReplicas: 2 } }, prod);
  expect(await check(policy, [deployment({}, prod), hpa])).toEqual([]);
  expect(await check(policy, [deployment({}, { stack: "dev", replicas: 1 })])).toEqual([]);
});

test("rejects the default single replica and a KEDA ScaledObject that scales to zero", async () => {
  expect(await check(policy, [deployment({}, prod)])).toEqual([expect.stringContaining("can run 1 replica(s); at least 2")]);
  const api = deployment({}, { ...prod, replicas: 3 });
  const scaled = resource("kubernetes:keda.sh/v1alpha1:ScaledObject", { spec: { scaleTargetRef: { name: "other" } } }, { ...prod, dependsOn: [api] });
  expect(await check(policy, [api, scaled])).toEqual([expect.stringContaining("can run 0 replica(s)")]);
});

test("holds for an Argo Rollout as for a Deployment, its HPA included", async () => {
  const hpa = resource("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", { spec: { scaleTargetRef: { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: "api" }, minReplicas: 2 } }, prod);
  expect(await check(policy, [rollout({}, prod), hpa])).toEqual([]);
  expect(await check(policy, [rollout({}, prod)])).toEqual([expect.stringContaining("can run 1 replica(s); at least 2")]);
});
