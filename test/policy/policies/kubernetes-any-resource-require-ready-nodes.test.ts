import { expect, test } from "bun:test";
import { kubernetesAnyResourceRequireReadyNodes as policy } from "../../../infra/policy/policies/kubernetes-any-resource-require-ready-nodes.ts";
import { helmRelease, kubernetesObject } from "../fixtures.ts";
import { check, type FixtureOptions, resource } from "../harness.ts";

const cluster = resource("eks:index:Cluster", {}, { name: "cluster" });
const nodeGroup = resource("aws:eks/nodeGroup:NodeGroup", {}, { name: "system", dependsOn: [cluster] });
/** The Kubernetes provider as infra/cluster.ts creates it: after the node group. */
const readyProvider = resource("pulumi:providers:kubernetes", { kubeconfig: "{}" }, { name: "k8s", dependsOn: [nodeGroup] });
/** The pre-fix provider: it waits for the kubeconfig (the cluster) only. */
const earlyProvider = resource("pulumi:providers:kubernetes", { kubeconfig: "{}" }, { name: "k8s", dependsOn: [cluster] });

const namespace = (options: FixtureOptions) => kubernetesObject("v1", "Namespace", { name: "mlts" }, {}, options);

test("passes objects and releases whose provider waits for a node group", async () => {
  const release = helmRelease("metrics-server", {}, { provider: readyProvider });
  expect(await check(policy, [cluster, nodeGroup, readyProvider, namespace({ provider: readyProvider }), release])).toEqual([]);
});

test("passes objects that wait for a node group through a dependency or a parent", async () => {
  const release = helmRelease("metrics-server", {}, { dependsOn: [nodeGroup] });
  const afterRelease = namespace({ dependsOn: [release] });
  const component = resource("mlts:app:App", {}, { name: "app", dependsOn: [nodeGroup] });
  const child = kubernetesObject("v1", "ConfigMap", { name: "settings", namespace: "mlts" }, {}, { parent: component });
  expect(await check(policy, [cluster, nodeGroup, release, afterRelease, component, child])).toEqual([]);
});

test("passes a stack without node groups: nothing to judge", async () => {
  expect(await check(policy, [cluster, earlyProvider, namespace({ provider: earlyProvider })])).toEqual([]);
});

test("rejects objects and releases that can start before any node", async () => {
  const release = helmRelease("metrics-server", {}, { provider: earlyProvider });
  expect(await check(policy, [cluster, nodeGroup, earlyProvider, namespace({ provider: earlyProvider }), release])).toEqual([
    'kubernetes:core/v1:Namespace "mlts" does not wait for a node group (give its Kubernetes provider dependsOn the node group).',
    'kubernetes:helm.sh/v3:Release "metrics-server" does not wait for a node group (give its Kubernetes provider dependsOn the node group).',
  ]);
  // The default provider (none given) waits for nothing.
  expect(await check(policy, [cluster, nodeGroup, namespace({})])).toEqual([expect.stringContaining('Namespace "mlts" does not wait for a node group')]);
  // Custom resources too, kinds with digits included.
  const nodeClass = kubernetesObject("karpenter.k8s.aws/v1", "EC2NodeClass", { name: "default" }, { spec: {} }, { provider: earlyProvider });
  expect(await check(policy, [cluster, nodeGroup, earlyProvider, nodeClass])).toEqual([expect.stringContaining('EC2NodeClass "default" does not wait')]);
});
