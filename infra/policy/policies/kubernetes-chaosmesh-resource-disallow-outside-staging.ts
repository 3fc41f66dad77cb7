import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, stringList } from "../lib/config.ts";
import { environmentOf } from "../lib/environment.ts";
import { helmChartOf } from "../lib/kubernetes.ts";
import { describe } from "../lib/resources.ts";

interface Config {
  allowedEnvironments: string[];
}

const configSchema = {
  properties: { allowedEnvironments: stringList("The only environments where Chaos Mesh may be installed.", ["staging"]) },
};

function isChaosMesh(args: { type: string; props: Record<string, unknown> }): boolean {
  if (args.type.startsWith("kubernetes:chaos-mesh.org/")) return true;
  const chart = helmChartOf(args);
  return chart !== undefined && (chart.chart === "chaos-mesh" || chart.repository.includes("charts.chaos-mesh.org"));
}

export const kubernetesChaosMeshResourceDisallowOutsideStaging: ResourceValidationPolicy = {
  name: "kubernetes-chaosmesh-resource-disallow-outside-staging",
  description: "Chaos Mesh (its Helm chart and any chaos-mesh.org experiment) exists only in staging.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema,
  validateResource: (args, reportViolation) => {
    if (!isChaosMesh(args)) return;
    const { allowedEnvironments } = configOf<Config>(configSchema, args);
    const environment = environmentOf(args);
    if (!allowedEnvironments.includes(environment)) {
      reportViolation(`${describe(args)} is Chaos Mesh in "${environment}"; allowed only in ${allowedEnvironments.join(", ")}.`);
    }
  },
};
