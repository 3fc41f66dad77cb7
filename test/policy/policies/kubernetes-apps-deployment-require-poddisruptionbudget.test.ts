import { expect, test } from "bun:test";
import { kubernetesAppsDeploymentRequirePodDisruptionBudget as policy } from "../../../infra/policy/policies/kubernetes-apps-deployment-require-poddisruptionbudget.ts";
import { appLabels, deployment, rollout } from "../fixtures.ts";
import { check, resource } from "../harness.ts";

const pdb = (namespace: string, selector: Record<string, unknown>) =>
  resource("kubernetes:policy/v1:PodDisruptionBudget", { metadata: { namespace }, spec: { minAvailable: 1, selector } }, { stack: "prod" });

test("passes a prod Deployment whose pods a PDB selects (matchLabels or matchExpressions)", async () => {
  expect(await check(policy, [deployment({}, { stack: "prod" }), pdb("mlts", { matchLabels: appLabels })])).toEqual([]);
  const expression = { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["api", "worker"] }] };
  expect(await check(policy, [deployment({}, { stack: "prod" }), pdb("mlts", expression)])).toEqual([]);
  expect(await check(policy, [deployment({}, { stack: "dev" })])).toEqual([]);
});

test("rejects a prod Deployment without a PDB, or with one in another namespace", async () => {
  expect(await check(policy, [deployment({}, { stack: "prod" })])).toEqual([expect.stringContaining("has no PodDisruptionBudget")]);
  expect(await check(policy, [deployment({}, { stack: "prod" }), pdb("other", { matchLabels: appLabels })])).toHaveLength(1);
});

test("holds for an Argo Rollout as for a Deployment", async () => {
  expect(await check(policy, [rollout({}, { stack: "prod" }), pdb("mlts", { matchLabels: appLabels })])).toEqual([]);
  expect(await check(policy, [rollout({}, { stack: "prod" })])).toEqual([expect.stringContaining("has no PodDisruptionBudget")]);
});
