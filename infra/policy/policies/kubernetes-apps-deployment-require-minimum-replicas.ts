import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { configOf } from "../lib/config.ts";
import { appliesToStack, environmentsSchema } from "../lib/environment.ts";
import { describe } from "../lib/resources.ts";
import { refersTo, replicatedKinds, resourcesOfType } from "../lib/kubernetes.ts";

interface Config {
  minimumReplicas: number;
}

const configSchema = {
  properties: {
    environments: environmentsSchema(["prod"]),
    minimumReplicas: { type: "integer" as const, minimum: 1, default: 2, description: "Fewest replicas a workload may run." },
  },
};

interface ScaleTarget {
  spec?: { scaleTargetRef?: { name?: string }; minReplicas?: number; minReplicaCount?: number };
}

// An autoscaler owns the replica count: HPA minReplicas defaults to 1, KEDA minReplicaCount to 0.
const autoscalers: Record<string, (spec: NonNullable<ScaleTarget["spec"]>) => number> = {
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": (spec) => spec.minReplicas ?? 1,
  "kubernetes:keda.sh/v1alpha1:ScaledObject": (spec) => spec.minReplicaCount ?? 0,
};

function minimumOf(workload: PolicyResource, resources: PolicyResource[]): number {
  const floors = resources.flatMap((resource) => {
    const floor = autoscalers[resource.type];
    const spec = (resource.props as ScaleTarget).spec;
    return floor && spec && refersTo(resource, spec.scaleTargetRef?.name, workload) ? [floor(spec)] : [];
  });
  // Deployments default to 1 replica when spec.replicas is unset.
  return floors.length > 0 ? Math.min(...floors) : ((workload.props.spec as { replicas?: number } | undefined)?.replicas ?? 1);
}

export const kubernetesAppsDeploymentRequireMinimumReplicas: StackValidationPolicy = {
  name: "kubernetes-apps-deployment-require-minimum-replicas",
  description: "In prod, Deployments/StatefulSets/Rollouts run at least 2 replicas (their autoscaler's minimum, if one scales them).",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema,
  validateStack: (args, reportViolation) => {
    if (!appliesToStack(configSchema, args)) return;
    const { minimumReplicas } = configOf<Config>(configSchema, args);
    for (const workload of resourcesOfType(args.resources, replicatedKinds)) {
      const replicas = minimumOf(workload, args.resources);
      if (replicas < minimumReplicas) {
        reportViolation(`${describe(workload)} can run ${replicas} replica(s); at least ${minimumReplicas} required.`, workload.urn);
      }
    }
  },
};
