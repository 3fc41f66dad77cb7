import { expect, test } from "bun:test";
import { kubernetesCorePodRequireSecretReload as policy } from "../../../infra/policy/policies/kubernetes-core-pod-require-secret-reload.ts";
import { deployment, hardenedContainer, helmRelease, kubernetesObject, rollout as apiRollout } from "../fixtures.ts";
import { check, resource } from "../harness.ts";

// infra/app: the services read the synced Secret "mlts-secrets" through envFrom; Reloader watches mlts.
const externalSecret = kubernetesObject("external-secrets.io/v1", "ExternalSecret", { name: "mlts-app", namespace: "mlts" }, {
  spec: { secretStoreRef: { kind: "SecretStore", name: "aws" }, target: { name: "mlts-secrets" } },
});
const reloader = (values: Record<string, unknown> = { watchGlobally: false, namespaces: ["mlts"], isArgoRollouts: true }) => helmRelease("reloader", { reloader: values });
const reading = [hardenedContainer({ envFrom: [{ configMapRef: { name: "mlts-config" } }, { secretRef: { name: "mlts-secrets" } }] })];
/** The workload, with Reloader's annotations on it when given. */
const annotated = (workload: ReturnType<typeof deployment>, annotations?: Record<string, string>) => {
  if (annotations) Object.assign((workload.inputs as { metadata: Record<string, unknown> }).metadata, { annotations });
  return workload;
};
const worker = (annotations?: Record<string, string>, containers = reading) => annotated(deployment({ containers }, { name: "worker" }), annotations);
const rollout = (annotations = { "secret.reloader.stakater.com/reload": "mlts-secrets" }) => annotated(apiRollout({ containers: reading }), annotations);

test("passes workloads that name the synced Secret they read, with a Reloader watching their namespace (Rollouts included)", async () => {
  expect(await check(policy, [externalSecret, reloader(), worker({ "secret.reloader.stakater.com/reload": "other, mlts-secrets" }), rollout()])).toEqual([]);
  // Reloader's auto mode, and its chart's default of watching every namespace.
  expect(await check(policy, [externalSecret, reloader({}), worker({ "reloader.stakater.com/auto": "true" })])).toEqual([]);
  // A single key read through env counts as much as envFrom.
  const env = [hardenedContainer({ env: [{ name: "JWT_SECRET", valueFrom: { secretKeyRef: { name: "mlts-secrets", key: "JWT_SECRET" } } }] })];
  expect(await check(policy, [externalSecret, reloader(), worker({ "secret.reloader.stakater.com/reload": "mlts-secrets" }, env)])).toEqual([]);
});

test("passes what needs no reload: Secrets the stack writes itself, mounted Secret volumes, and Jobs", async () => {
  const other = [hardenedContainer({ envFrom: [{ secretRef: { name: "written-by-pulumi" } }] })];
  expect(await check(policy, [externalSecret, worker(undefined, other)])).toEqual([]);
  const mounted = deployment({ volumes: [{ name: "secrets", secret: { secretName: "mlts-secrets" } }] }, { name: "worker" });
  expect(await check(policy, [externalSecret, mounted])).toEqual([]);
  const job = resource("kubernetes:batch/v1:Job", { metadata: { name: "migrate", namespace: "mlts" }, spec: { template: { spec: { containers: reading } } } }, { name: "migrate" });
  expect(await check(policy, [externalSecret, job])).toEqual([]);
});

test("rejects a workload that reads a synced Secret without Reloader's annotation naming it", async () => {
  expect(await check(policy, [externalSecret, reloader(), worker()])).toEqual([
    'kubernetes:apps/v1:Deployment "worker" reads the synced Secret "mlts-secrets" into its environment, but does not name "mlts-secrets" in its secret.reloader.stakater.com/reload annotation: a rotated value never reaches its pods.',
  ]);
  expect(await check(policy, [externalSecret, reloader(), rollout({ "secret.reloader.stakater.com/reload": "mlts-config" })])).toHaveLength(1);
});

test("rejects an annotated workload that no Reloader watches: none installed, another namespace, or Rollouts off", async () => {
  expect(await check(policy, [externalSecret, worker({ "secret.reloader.stakater.com/reload": "mlts-secrets" })])).toEqual([
    'kubernetes:apps/v1:Deployment "worker" reads the synced Secret "mlts-secrets" into its environment, but no Reloader release of the stack watches namespace mlts: nothing rolls it when the Secret changes.',
  ]);
  expect(await check(policy, [externalSecret, reloader({ watchGlobally: false, namespaces: ["other"] }), worker({ "secret.reloader.stakater.com/reload": "mlts-secrets" })])).toHaveLength(1);
  expect(await check(policy, [externalSecret, reloader({ watchGlobally: false }), worker({ "secret.reloader.stakater.com/reload": "mlts-secrets" })])).toHaveLength(1);
  expect(await check(policy, [externalSecret, reloader({ ignoreNamespaces: "mlts" }), worker({ "secret.reloader.stakater.com/reload": "mlts-secrets" })])).toHaveLength(1);
  // The chart's default leaves Argo Rollouts alone.
  expect(await check(policy, [externalSecret, reloader({ watchGlobally: false, namespaces: ["mlts"] }), rollout()])).toEqual([
    'kubernetes:argoproj.io/v1alpha1:Rollout "api" reads the synced Secret "mlts-secrets" into its environment, but no Reloader release of the stack watches namespace mlts with isArgoRollouts: nothing rolls it when the Secret changes.',
  ]);
});
