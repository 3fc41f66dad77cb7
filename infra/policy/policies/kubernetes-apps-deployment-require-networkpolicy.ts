import type { StackValidationPolicy } from "@pulumi/policy";
import { type LabelSelector, replicatedKinds, resourcesOfType, selects } from "../lib/kubernetes.ts";
import { describe } from "../lib/resources.ts";

export const kubernetesAppsDeploymentRequireNetworkPolicy: StackValidationPolicy = {
  name: "kubernetes-apps-deployment-require-networkpolicy",
  description: "Every Deployment/StatefulSet/Rollout is selected by a NetworkPolicy in its namespace (default-deny counts).",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateStack: (args, reportViolation) => {
    const policies = resourcesOfType(args.resources, ["kubernetes:networking.k8s.io/v1:NetworkPolicy"]);
    for (const workload of resourcesOfType(args.resources, replicatedKinds)) {
      const selected = policies.some((policy) =>
        selects(policy, (policy.props.spec as { podSelector?: LabelSelector } | undefined)?.podSelector, workload),
      );
      if (!selected) reportViolation(`${describe(workload)} is not selected by any NetworkPolicy.`, workload.urn);
    }
  },
};
