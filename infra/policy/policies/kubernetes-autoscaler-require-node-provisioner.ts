import type { StackValidationPolicy } from "@pulumi/policy";
import { helmReleases } from "../lib/charts.ts";
import { eksClusterSettings } from "../lib/eks.ts";
import { type KubernetesObject, kubernetesObjects } from "../lib/kubernetes.ts";
import { describe } from "../lib/resources.ts";

const KARPENTER_CHART = "karpenter";
const CLUSTER_AUTOSCALER_CHART = "cluster-autoscaler";
const REMEDY = "install Karpenter (the karpenter chart and a karpenter.sh/v1 NodePool), the cluster-autoscaler chart, or enable EKS Auto Mode compute.";

interface AutoscalerSpec {
  minReplicas?: number;
  maxReplicas?: number;
  minReplicaCount?: number;
  maxReplicaCount?: number;
}

/**
 * The replica range of a pod autoscaler, with each API's defaults (HPA minReplicas 1; KEDA
 * minReplicaCount 0, maxReplicaCount 100); undefined for any other object. An HPA's maxReplicas is
 * required, so it is missing only while unknown (a preview): then it is taken to scale.
 */
function replicaRange(object: KubernetesObject): { min: number; max: number } | undefined {
  const spec = (object.resource.props.spec ?? {}) as AutoscalerSpec;
  if (object.group === "autoscaling" && object.kind === "HorizontalPodAutoscaler") {
    return { min: spec.minReplicas ?? 1, max: spec.maxReplicas ?? Number.POSITIVE_INFINITY };
  }
  if (object.group === "keda.sh" && object.kind === "ScaledObject") {
    return { min: spec.minReplicaCount ?? 0, max: spec.maxReplicaCount ?? 100 };
  }
  return undefined;
}

export const kubernetesAutoscalerRequireNodeProvisioner: StackValidationPolicy = {
  name: "kubernetes-autoscaler-require-node-provisioner",
  description:
    "A stack whose HorizontalPodAutoscalers or KEDA ScaledObjects can add pods also adds nodes for them: Karpenter with a NodePool, the cluster " +
    "autoscaler, or EKS Auto Mode compute. Otherwise the pods beyond what the fixed nodes hold stay Pending, just when the load needs them.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, reportViolation) => {
    const objects = kubernetesObjects(args.resources);
    const charts = helmReleases(args.resources).map((release) => release.chart);
    const karpenter = charts.includes(KARPENTER_CHART);
    const nodePools = objects.filter((o) => o.apiVersion === "karpenter.sh/v1" && o.kind === "NodePool");
    const provisioned =
      (karpenter && nodePools.length > 0) ||
      charts.includes(CLUSTER_AUTOSCALER_CHART) ||
      args.resources.some((resource) => eksClusterSettings(resource)?.autoModeCompute === true);
    if (provisioned) return;
    // Half of Karpenter is the likeliest slip; say which half is missing.
    const half = karpenter
      ? " (Karpenter is installed, but the stack creates no NodePool, so it launches nothing)"
      : nodePools.length > 0 ? " (the stack creates a Karpenter NodePool, but no release of the karpenter chart acts on it)" : "";
    for (const object of objects) {
      const range = replicaRange(object);
      if (!range || range.max <= range.min) continue;
      reportViolation(
        `${describe(object.resource)} can scale beyond ${range.min} replica(s), but nothing in the stack adds nodes for the extra pods, which stay Pending${half}: ${REMEDY}`,
        object.resource.urn,
      );
    }
  },
};
