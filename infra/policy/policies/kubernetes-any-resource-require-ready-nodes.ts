import type { StackValidationPolicy } from "@pulumi/policy";
import { prerequisitesOf } from "../lib/graph.ts";
import { HELM_RELEASE } from "../lib/charts.ts";
import { kubernetesObjects } from "../lib/kubernetes.ts";
import { describe } from "../lib/resources.ts";

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";

export const kubernetesAnyResourceRequireReadyNodes: StackValidationPolicy = {
  name: "kubernetes-any-resource-require-ready-nodes",
  description:
    "Every Kubernetes object and Helm release is created after a node group of the cluster: a new API server answers before any node can run a pod, " +
    "so releases that wait for readiness would time out on the first `pulumi up`.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, reportViolation) => {
    const nodeGroups = args.resources.filter((r) => r.type === NODE_GROUP);
    if (nodeGroups.length === 0) return; // not an EKS stack this pack can judge
    const releases = args.resources.filter((r) => r.type === HELM_RELEASE);
    for (const resource of [...kubernetesObjects(args.resources).map((o) => o.resource), ...releases]) {
      const before = prerequisitesOf(resource, args.resources);
      if (!nodeGroups.some((group) => before.has(group.urn))) {
        reportViolation(`${describe(resource)} does not wait for a node group (give its Kubernetes provider dependsOn the node group).`, resource.urn);
      }
    }
  },
};
