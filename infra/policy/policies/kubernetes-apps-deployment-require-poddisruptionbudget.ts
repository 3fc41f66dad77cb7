import type { StackValidationPolicy } from "@pulumi/policy";
import { appliesToStack, environmentsSchema } from "../lib/environment.ts";
import { type LabelSelector, replicatedKinds, resourcesOfType, selects } from "../lib/kubernetes.ts";
import { describe } from "../lib/resources.ts";

const configSchema = { properties: { environments: environmentsSchema(["prod"]) } };

export const kubernetesAppsDeploymentRequirePodDisruptionBudget: StackValidationPolicy = {
  name: "kubernetes-apps-deployment-require-poddisruptionbudget",
  description: "In prod, every Deployment/StatefulSet/Rollout is covered by a PodDisruptionBudget, so node drains keep it serving.",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema,
  validateStack: (args, reportViolation) => {
    if (!appliesToStack(configSchema, args)) return;
    const budgets = resourcesOfType(args.resources, ["kubernetes:policy/v1:PodDisruptionBudget"]);
    for (const workload of resourcesOfType(args.resources, replicatedKinds)) {
      // A PDB with no selector selects nothing (unlike a NetworkPolicy's empty podSelector).
      const covered = budgets.some((budget) => {
        const selector = (budget.props.spec as { selector?: LabelSelector } | undefined)?.selector;
        return selector !== undefined && selects(budget, selector, workload);
      });
      if (!covered) reportViolation(`${describe(workload)} has no PodDisruptionBudget selecting its pods.`, workload.urn);
    }
  },
};
