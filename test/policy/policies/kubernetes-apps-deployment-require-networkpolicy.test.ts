import { expect, test } from "bun:test";
import { kubernetesAppsDeploymentRequireNetworkPolicy as policy } from "../../../infra/policy/policies/kubernetes-apps-deployment-require-networkpolicy.ts";
import { appLabels, deployment, rollout } from "../fixtures.ts";
import { check, resource } from "../harness.ts";

const networkPolicy = (podSelector: Record<string, unknown>) =>
  resource("kubernetes:networking.k8s.io/v1:NetworkPolicy", { metadata: { namespace: "mlts" }, spec: { podSelector, policyTypes: ["Ingress"] } });

test("passes a Deployment selected by labels or by a namespace-wide default deny", async () => {
  expect(await check(policy, [deployment(), networkPolicy({ matchLabels: appLabels })])).toEqual([]);
  expect(await check(policy, [deployment(), networkPolicy({})])).toEqual([]);
});

test("rejects a Deployment no NetworkPolicy selects", async () => {
  expect(await check(policy, [deployment(), networkPolicy({ matchLabels: { "app.kubernetes.io/name": "worker" } })])).toEqual([
    expect.stringContaining("is not selected by any NetworkPolicy"),
  ]);
});

test("holds for an Argo Rollout as for a Deployment", async () => {
  expect(await check(policy, [rollout(), networkPolicy({ matchLabels: appLabels })])).toEqual([]);
  expect(await check(policy, [rollout()])).toEqual([expect.stringContaining("is not selected by any NetworkPolicy")]);
});
