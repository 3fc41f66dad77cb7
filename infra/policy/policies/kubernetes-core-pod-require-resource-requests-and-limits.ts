import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, stringList } from "../lib/config.ts";
import { validateContainers } from "../lib/kubernetes.ts";

interface Config {
  requests: string[];
  limits: string[];
}

const configSchema = {
  properties: {
    requests: stringList("Resources every container must request.", ["cpu", "memory"]),
    limits: stringList("Resources every container must be limited in.", ["cpu", "memory"]),
  },
};

export const kubernetesCorePodRequireResourceRequestsAndLimits: ResourceValidationPolicy = {
  name: "kubernetes-core-pod-require-resource-requests-and-limits",
  description: "Every container (init containers too) sets CPU and memory requests and limits, so scheduling and eviction are predictable.",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema,
  validateResource: validateContainers((container, _workload, args, report) => {
    const { requests, limits } = configOf<Config>(configSchema, args);
    const missing = [
      ...requests.filter((name) => container.resources?.requests?.[name] === undefined).map((name) => `requests.${name}`),
      ...limits.filter((name) => container.resources?.limits?.[name] === undefined).map((name) => `limits.${name}`),
    ];
    if (missing.length > 0) report(`missing resources ${missing.join(", ")}`);
  }),
};
