import { expect, test } from "bun:test";
import { kubernetesHelmReleaseRequireVerifiedChart as policy } from "../../../infra/policy/policies/kubernetes-helm-release-require-verified-chart.ts";
import { helmRelease, pinnedCharts } from "../fixtures.ts";
import { check, resource } from "../harness.ts";

/** A pinned release with some of its props changed (undefined removes one). */
const releaseWith = (chart: keyof typeof pinnedCharts, changes: Record<string, unknown>) => {
  const release = helmRelease(chart);
  const inputs = Object.fromEntries(Object.entries({ ...release.inputs, ...changes }).filter(([, value]) => value !== undefined));
  return { ...release, inputs };
};

test("passes every chart as infra/addons pins it, https repositories and OCI registries alike", async () => {
  for (const chart of Object.keys(pinnedCharts) as (keyof typeof pinnedCharts)[]) {
    expect(await check(policy, helmRelease(chart))).toEqual([]);
  }
  expect(helmRelease("karpenter").inputs).toMatchObject({ chart: "oci://public.ecr.aws/karpenter/karpenter" });
});

test("rejects a chart with no upstream facts", async () => {
  const unknown = resource("kubernetes:helm.sh/v3:Release", {
    name: "ingress-nginx", chart: "ingress-nginx", version: "4.13.0", repositoryOpts: { repo: "https://kubernetes.github.io/ingress-nginx" }, atomic: true, timeout: 900,
  }, { name: "ingress-nginx" });
  expect(await check(policy, unknown)).toEqual([
    'kubernetes:helm.sh/v3:Release "ingress-nginx" (chart ingress-nginx 4.13.0): no upstream facts for this chart in infra/upstream/charts: add them with scripts/refresh-upstream.ts.',
  ]);
});

test("rejects a version other than the one whose facts are kept, e.g. the never-published collector 0.158.3", async () => {
  expect(await check(policy, releaseWith("opentelemetry-collector", { version: "0.158.3" }))).toEqual([
    'kubernetes:helm.sh/v3:Release "opentelemetry-collector" (chart opentelemetry-collector 0.158.3): infra/upstream holds version 0.170.0: ' +
      "pin that one, or refresh the facts for 0.158.3 (scripts/refresh-upstream.ts).",
  ]);
  expect(await check(policy, releaseWith("metrics-server", { version: undefined }))).toEqual([
    expect.stringContaining("(chart metrics-server unpinned): infra/upstream holds version 3.13.1"),
  ]);
});

test("rejects a chart from another repository than the one the checked version came from", async () => {
  expect(await check(policy, releaseWith("jaeger", { repositoryOpts: { repo: "https://charts.example.com" } }))).toEqual([
    expect.stringContaining("(chart jaeger 4.1.0): comes from https://charts.example.com, not from https://jaegertracing.github.io/helm-charts,"),
  ]);
  expect(await check(policy, releaseWith("karpenter", { chart: "oci://registry.example.com/karpenter/karpenter" }))).toEqual([
    expect.stringContaining("comes from oci://registry.example.com/karpenter/karpenter, not from oci://public.ecr.aws/karpenter,"),
  ]);
});

test("rejects a release without a fixed name, atomic install, timeout or readiness wait", async () => {
  expect(await check(policy, releaseWith("external-secrets", { name: undefined, atomic: undefined, timeout: undefined, skipAwait: true }))).toEqual([
    'kubernetes:helm.sh/v3:Release "external-secrets" (chart external-secrets 0.19.2): no fixed release name: Services and ServiceAccounts named after it would change on every replacement.',
    expect.stringContaining("(chart external-secrets 0.19.2): not atomic: a failed install or upgrade would be left half-applied."),
    expect.stringContaining("(chart external-secrets 0.19.2): no timeout: a release that never becomes ready would hang"),
    expect.stringContaining("(chart external-secrets 0.19.2): skipAwait: what depends on it would start before"),
  ]);
  expect(await check(policy, releaseWith("external-secrets", { atomic: false, timeout: 0 }))).toHaveLength(2);
});
