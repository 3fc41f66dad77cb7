import { expect, test } from "bun:test";
import { kubernetesChaosMeshResourceDisallowOutsideStaging as policy } from "../../../infra/policy/policies/kubernetes-chaosmesh-resource-disallow-outside-staging.ts";
import { check, resource } from "../harness.ts";

const release = (stack: string) =>
  resource("kubernetes:helm.sh/v3:Release", { chart: "chaos-mesh", repositoryOpts: { repo: "https://charts.chaos-mesh.org" } }, { stack });
const podChaos = (stack: string) => resource("kubernetes:chaos-mesh.org/v1alpha1:PodChaos", { spec: { action: "pod-kill" } }, { stack });

test("passes Chaos Mesh in staging and other charts in prod", async () => {
  expect(await check(policy, [release("staging"), podChaos("staging")])).toEqual([]);
  expect(await check(policy, resource("kubernetes:helm.sh/v3:Release", { chart: "keda" }, { stack: "prod" }))).toEqual([]);
});

test("rejects the chart and experiments in prod", async () => {
  expect(await check(policy, [release("prod"), podChaos("prod")])).toEqual([
    expect.stringContaining('Chaos Mesh in "prod"'),
    expect.stringContaining("PodChaos"),
  ]);
  const oci = resource("kubernetes:helm.sh/v4:Chart", { chart: "oci://ghcr.io/chaos-mesh/chaos-mesh" }, { stack: "dev" });
  expect(await check(policy, oci)).toHaveLength(1);
});
