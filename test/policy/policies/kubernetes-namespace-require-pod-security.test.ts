import { expect, test } from "bun:test";
import { kubernetesNamespaceRequirePodSecurity as policy } from "../../../infra/policy/policies/kubernetes-namespace-require-pod-security.ts";
import { helmRelease, kubernetesObject, podSecurityNamespace } from "../fixtures.ts";
import { check } from "../harness.ts";

const thirdParty = "third-party chart: restricted is warned and audited, not enforced, until its pods are verified against it";
/** The app's namespace (infra/app): restricted, with its own labels besides. */
const appNamespace = kubernetesObject("v1", "Namespace", {
  name: "mlts",
  labels: { "app.kubernetes.io/name": "mlts", "istio-injection": "enabled", "pod-security.kubernetes.io/enforce": "restricted" },
}, {}, { name: "mlts-prod" });

test("passes namespaces that enforce restricted, or less with the reason written on them", async () => {
  const keda = podSecurityNamespace("keda", "baseline", thirdParty);
  const monitoring = podSecurityNamespace("monitoring", "privileged", "the node exporter reads each node's host network, PID namespace and filesystem");
  expect(await check(policy, [appNamespace, keda, monitoring, podSecurityNamespace("jobs")])).toEqual([]);
});

test("passes releases into namespaces the program creates, and Helm creating a namespace the cluster already has", async () => {
  const keda = podSecurityNamespace("keda", "baseline", thirdParty);
  expect(await check(policy, [keda, helmRelease("keda", {}, { dependsOn: [keda] })])).toEqual([]);
  expect(await check(policy, helmRelease("metrics-server", {}, { createNamespace: true }))).toEqual([]);
  const inDefault = helmRelease("metrics-server", {}, { createNamespace: true });
  delete inDefault.inputs.namespace;
  expect(await check(policy, inDefault)).toEqual([]);
});

test("rejects a namespace that enforces no Pod Security Standard", async () => {
  const message = 'kubernetes:core/v1:Namespace "namespace-jobs" enforces no Pod Security Standard (label pod-security.kubernetes.io/enforce).';
  expect(await check(policy, kubernetesObject("v1", "Namespace", { name: "jobs" }, {}, { name: "namespace-jobs" }))).toEqual([message]);
  // Warning and auditing are not enforcing.
  const warnOnly = kubernetesObject("v1", "Namespace", {
    name: "jobs",
    labels: { "pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/audit": "restricted" },
  }, {}, { name: "namespace-jobs" });
  expect(await check(policy, warnOnly)).toEqual([message]);
  // Not a level Pod Security Admission knows.
  expect(await check(policy, podSecurityNamespace("jobs", "strict"))).toEqual([message]);
  expect(await check(policy, podSecurityNamespace("jobs", "Restricted"))).toEqual([message]);
});

test("rejects baseline or privileged without the reason", async () => {
  expect(await check(policy, podSecurityNamespace("keda", "baseline"))).toEqual([
    'kubernetes:core/v1:Namespace "namespace-keda" enforces only baseline, without saying why (annotation mlts.io/pod-security-reason).',
  ]);
  expect(await check(policy, podSecurityNamespace("istio-system", "privileged", ""))).toEqual([
    'kubernetes:core/v1:Namespace "namespace-istio-system" enforces only privileged, without saying why (annotation mlts.io/pod-security-reason).',
  ]);
});

test("rejects a Helm release that creates its namespace itself", async () => {
  expect(await check(policy, helmRelease("keda", {}, { createNamespace: true }))).toEqual([
    'kubernetes:helm.sh/v3:Release "keda" creates namespace keda itself, with no Pod Security labels: create it in the program.',
  ]);
  expect(await check(policy, [appNamespace, helmRelease("jaeger", {}, { createNamespace: true, namespace: "tracing" })])).toEqual([
    expect.stringContaining('"jaeger" creates namespace tracing itself'),
  ]);
});
