import { expect, test } from "bun:test";
import { kubernetesPersistentVolumeClaimRequireStorageClass as policy } from "../../../infra/policy/policies/kubernetes-persistentvolumeclaim-require-storageclass.ts";
import { helmRelease, kubernetesObject } from "../fixtures.ts";
import { check } from "../harness.ts";

/** The StorageClass infra/addons/ebs-csi.ts creates, as the default or not. */
const gp3 = (isDefault: boolean) =>
  kubernetesObject("storage.k8s.io/v1", "StorageClass", {
    name: "gp3",
    ...(isDefault ? { annotations: { "storageclass.kubernetes.io/is-default-class": "true" } } : {}),
  }, { provisioner: "ebs.csi.aws.com" });

const claimSpec = (storageClassName?: string) => ({
  ...(storageClassName === undefined ? {} : { storageClassName }),
  accessModes: ["ReadWriteOnce"],
  resources: { requests: { storage: "50Gi" } },
});
const pvc = (storageClassName?: string) => kubernetesObject("v1", "PersistentVolumeClaim", { name: "data", namespace: "mlts" }, { spec: claimSpec(storageClassName) });
const statefulSet = (storageClassName?: string) =>
  kubernetesObject("apps/v1", "StatefulSet", { name: "db", namespace: "mlts" }, {
    spec: { serviceName: "db", template: { spec: { containers: [] } }, volumeClaimTemplates: [{ metadata: { name: "data" }, spec: claimSpec(storageClassName) }] },
  });
/** Prometheus's volume, as infra/addons/observability.ts asks kube-prometheus-stack for it. */
const prometheus = (storageClassName?: string) =>
  helmRelease("kube-prometheus-stack", { prometheus: { prometheusSpec: { storageSpec: { volumeClaimTemplate: { spec: claimSpec(storageClassName) } } } } });

test("passes claims that name a StorageClass the stack creates", async () => {
  expect(await check(policy, [gp3(false), pvc("gp3"), statefulSet("gp3"), prometheus("gp3")])).toEqual([]);
});

test("passes claims that name no class when the stack creates a default one, and static binding (\"\")", async () => {
  expect(await check(policy, [gp3(true), pvc(), statefulSet(), prometheus()])).toEqual([]);
  expect(await check(policy, pvc(""))).toEqual([]);
});

test("rejects claims that name no class when there is no default class", async () => {
  expect(await check(policy, [gp3(false), pvc(), statefulSet(), prometheus()])).toEqual([
    'kubernetes:core/v1:PersistentVolumeClaim "data" spec names no StorageClass and the stack creates no default one.',
    'kubernetes:apps/v1:StatefulSet "db" volumeClaimTemplates[0] names no StorageClass and the stack creates no default one.',
    'kubernetes:helm.sh/v3:Release "kube-prometheus-stack" prometheus.prometheusSpec.storageSpec.volumeClaimTemplate names no StorageClass and the stack creates no default one.',
  ]);
  // A generic ephemeral volume's claim template counts too.
  const pod = kubernetesObject("v1", "Pod", { name: "scratch", namespace: "mlts" }, {
    spec: { containers: [], volumes: [{ name: "scratch", ephemeral: { volumeClaimTemplate: { spec: claimSpec() } } }] },
  });
  expect(await check(policy, pod)).toEqual([expect.stringContaining('"scratch" volumes[0].ephemeral.volumeClaimTemplate names no StorageClass')]);
});

test("rejects claims that name a class the stack does not create", async () => {
  expect(await check(policy, [gp3(true), pvc("gp2"), prometheus("ebs-sc")])).toEqual([
    'kubernetes:core/v1:PersistentVolumeClaim "data" spec names StorageClass "gp2", which the stack does not create.',
    expect.stringContaining('"kube-prometheus-stack" prometheus.prometheusSpec.storageSpec.volumeClaimTemplate names StorageClass "ebs-sc", which the stack does not create.'),
  ]);
});
