import { expect, test } from "bun:test";
import { kubernetesAutoscalerRequireNodeProvisioner as policy } from "../../../infra/policy/policies/kubernetes-autoscaler-require-node-provisioner.ts";
import { helmRelease, kubernetesObject } from "../fixtures.ts";
import { check, resource } from "../harness.ts";

const hpa = (range: { minReplicas?: number; maxReplicas: number }) =>
  kubernetesObject("autoscaling/v2", "HorizontalPodAutoscaler", { name: "api", namespace: "mlts" }, {
    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" }, ...range },
  });
const scaledObject = (range: { minReplicaCount?: number; maxReplicaCount?: number } = {}) =>
  kubernetesObject("keda.sh/v1alpha1", "ScaledObject", { name: "worker", namespace: "mlts" }, {
    spec: { scaleTargetRef: { name: "worker" }, triggers: [{ type: "prometheus", metadata: {} }], ...range },
  });
/** The NodePool of infra/addons/karpenter.ts, its spec trimmed: the policy reads only the kind and version. */
const nodePool = (apiVersion = "karpenter.sh/v1") =>
  kubernetesObject(apiVersion, "NodePool", { name: "default" }, { spec: { template: { spec: { nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" } } } } }, { name: "karpenter-node-pool" });
const clusterAutoscaler = resource("kubernetes:helm.sh/v3:Release", {
  name: "cluster-autoscaler", chart: "cluster-autoscaler", version: "9.50.1", repositoryOpts: { repo: "https://kubernetes.github.io/autoscaler" }, namespace: "kube-system", values: {},
}, { name: "cluster-autoscaler" });
const autoscalers = [hpa({ minReplicas: 2, maxReplicas: 10 }), scaledObject({ minReplicaCount: 1, maxReplicaCount: 5 })];

test("passes autoscalers when Karpenter (chart and NodePool) adds nodes, as our stacks install it", async () => {
  expect(await check(policy, [helmRelease("karpenter-crd"), helmRelease("karpenter"), nodePool(), ...autoscalers])).toEqual([]);
});

test("passes autoscalers with the cluster autoscaler or EKS Auto Mode compute, in either cluster shape", async () => {
  expect(await check(policy, [clusterAutoscaler, ...autoscalers])).toEqual([]);
  expect(await check(policy, [resource("aws:eks/cluster:Cluster", { computeConfig: { enabled: true, nodePools: ["general-purpose"] } }), ...autoscalers])).toEqual([]);
  expect(await check(policy, [resource("eks:index:Cluster", { autoMode: { enabled: true } }), ...autoscalers])).toEqual([]);
});

test("passes autoscalers that cannot add pods (maximum at the minimum), with nothing to add nodes", async () => {
  expect(await check(policy, [hpa({ minReplicas: 3, maxReplicas: 3 }), hpa({ maxReplicas: 1 }), scaledObject({ minReplicaCount: 4, maxReplicaCount: 4 })])).toEqual([]);
});

test("rejects every autoscaler that can add pods when nothing adds nodes", async () => {
  expect(await check(policy, autoscalers)).toEqual([
    'kubernetes:autoscaling/v2:HorizontalPodAutoscaler "api" can scale beyond 2 replica(s), but nothing in the stack adds nodes for the extra pods, which stay Pending: ' +
      "install Karpenter (the karpenter chart and a karpenter.sh/v1 NodePool), the cluster-autoscaler chart, or enable EKS Auto Mode compute.",
    expect.stringContaining('kubernetes:keda.sh/v1alpha1:ScaledObject "worker" can scale beyond 1 replica(s)'),
  ]);
  // The APIs' defaults: HPA minReplicas 1; KEDA 0 to 100.
  expect(await check(policy, [hpa({ maxReplicas: 2 }), scaledObject()])).toEqual([
    expect.stringContaining("can scale beyond 1 replica(s)"),
    expect.stringContaining("can scale beyond 0 replica(s)"),
  ]);
  // autoscaling/v1 as well as v2.
  const v1 = kubernetesObject("autoscaling/v1", "HorizontalPodAutoscaler", { name: "api" }, { spec: { maxReplicas: 4, targetCPUUtilizationPercentage: 70 } });
  expect(await check(policy, v1)).toHaveLength(1);
  // Auto Mode declared but its compute off.
  expect(await check(policy, [resource("aws:eks/cluster:Cluster", { computeConfig: { enabled: false } }), ...autoscalers])).toHaveLength(2);
});

test("rejects half of Karpenter, saying which half is missing", async () => {
  expect(await check(policy, [helmRelease("karpenter"), ...autoscalers])).toEqual([
    expect.stringContaining("(Karpenter is installed, but the stack creates no NodePool, so it launches nothing)"),
    expect.stringContaining("(Karpenter is installed, but the stack creates no NodePool, so it launches nothing)"),
  ]);
  expect(await check(policy, [nodePool(), hpa({ maxReplicas: 3 })])).toEqual([
    expect.stringContaining("(the stack creates a Karpenter NodePool, but no release of the karpenter chart acts on it)"),
  ]);
  // Only karpenter-crd: the CRDs serve NodePools, but no controller reads them.
  expect(await check(policy, [helmRelease("karpenter-crd"), nodePool(), hpa({ maxReplicas: 3 })])).toHaveLength(1);
});
