import { expect, test } from "bun:test";
import { kubernetesCustomResourceRequireCrdRelease as policy } from "../../../infra/policy/policies/kubernetes-custom-resource-require-crd-release.ts";
import { deployment, helmRelease, kubernetesObject } from "../fixtures.ts";
import { check, type FixtureOptions } from "../harness.ts";

const serviceMonitor = (options: FixtureOptions = {}) =>
  kubernetesObject("monitoring.coreos.com/v1", "ServiceMonitor", { name: "api", namespace: "mlts" }, { spec: { endpoints: [{ port: "http" }] } }, options);
const externalSecret = (apiVersion: string, options: FixtureOptions = {}) =>
  kubernetesObject(apiVersion, "ExternalSecret", { name: "mlts-app", namespace: "mlts" }, { spec: {} }, options);

test("passes custom resources created after the release that installs their CRD", async () => {
  const stack = helmRelease("kube-prometheus-stack");
  expect(await check(policy, [stack, serviceMonitor({ dependsOn: [stack] })])).toEqual([]);
  const eso = helmRelease("external-secrets");
  expect(await check(policy, [eso, externalSecret("external-secrets.io/v1", { dependsOn: [eso] })])).toEqual([]);
});

test("passes a custom resource that waits for its CRD release through another release (karpenter-crd, then karpenter)", async () => {
  const crds = helmRelease("karpenter-crd");
  const controller = helmRelease("karpenter", {}, { dependsOn: [crds] });
  const nodeClass = kubernetesObject("karpenter.k8s.aws/v1", "EC2NodeClass", { name: "default" }, { spec: {} }, { dependsOn: [controller] });
  expect(await check(policy, [crds, controller, nodeClass])).toEqual([]);
});

test("passes built-in kinds, which need no CRD", async () => {
  const networkPolicy = kubernetesObject("networking.k8s.io/v1", "NetworkPolicy", { name: "api", namespace: "mlts" }, { spec: {} });
  expect(await check(policy, [deployment(), networkPolicy, kubernetesObject("v1", "Namespace", { name: "mlts" })])).toEqual([]);
});

test("rejects a custom resource no release of the stack serves", async () => {
  expect(await check(policy, serviceMonitor())).toEqual([
    'kubernetes:monitoring.coreos.com/v1:ServiceMonitor "api" (monitoring.coreos.com/v1 ServiceMonitor): no Helm release in this stack installs a CRD serving it.',
  ]);
  // external-secrets 0.19.2 serves ExternalSecret at v1 only (v1beta1 is no longer served).
  const eso = helmRelease("external-secrets");
  expect(await check(policy, [eso, externalSecret("external-secrets.io/v1beta1", { dependsOn: [eso] })])).toEqual([
    expect.stringContaining("(external-secrets.io/v1beta1 ExternalSecret): no Helm release in this stack installs a CRD serving it."),
  ]);
  // Gateway API kinds live in a *.k8s.io group but are CRDs, which Istio's base chart does not install.
  const route = kubernetesObject("gateway.networking.k8s.io/v1", "HTTPRoute", { name: "api", namespace: "mlts" }, { spec: {} });
  expect(await check(policy, route)).toEqual([expect.stringContaining("(gateway.networking.k8s.io/v1 HTTPRoute): no Helm release")]);
});

test("rejects a custom resource not created after the release that installs its CRD", async () => {
  expect(await check(policy, [helmRelease("kube-prometheus-stack"), serviceMonitor()])).toEqual([
    'kubernetes:monitoring.coreos.com/v1:ServiceMonitor "api" (monitoring.coreos.com/v1 ServiceMonitor) is not created after release kube-prometheus-stack, ' +
      "which installs its CRD: add it to dependsOn.",
  ]);
  const crds = helmRelease("karpenter-crd");
  const controller = helmRelease("karpenter");
  const nodeClass = kubernetesObject("karpenter.k8s.aws/v1", "EC2NodeClass", { name: "default" }, { spec: {} });
  expect(await check(policy, [crds, controller, nodeClass])).toEqual([
    expect.stringContaining("is not created after release karpenter-crd or release karpenter, which installs its CRD"),
  ]);
});

test("a release that skips its chart's crds/ folder installs none of them (karpenter with skipCrds)", async () => {
  const controller = helmRelease("karpenter");
  controller.inputs.skipCrds = true;
  const nodeClass = kubernetesObject("karpenter.k8s.aws/v1", "EC2NodeClass", { name: "default" }, { spec: {} }, { dependsOn: [controller] });
  expect(await check(policy, [controller, nodeClass])).toEqual([expect.stringContaining("no Helm release in this stack installs a CRD serving it")]);
  delete controller.inputs.skipCrds;
  expect(await check(policy, [controller, nodeClass])).toEqual([]);
});
