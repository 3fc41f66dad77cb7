import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, stringList } from "../lib/config.ts";
import { appliesToResource, environmentsSchema } from "../lib/environment.ts";
import { parseImage, validateContainers } from "../lib/kubernetes.ts";

interface Config {
  allowedRegistries: string[];
}

const configSchema = {
  properties: {
    environments: environmentsSchema(["staging", "prod"]),
    allowedRegistries: stringList(
      "Registry hosts images may come from; `*` matches one DNS label (narrow it to the account per stack).",
      ["*.dkr.ecr.*.amazonaws.com"],
    ),
  },
};

function matchesHost(pattern: string, host: string): boolean {
  const regex = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^.]+");
  return new RegExp(`^${regex}$`).test(host);
}

export const kubernetesCorePodDisallowUntrustedRegistries: ResourceValidationPolicy = {
  name: "kubernetes-core-pod-disallow-untrusted-registries",
  description: "Outside dev, images come only from our registry (ECR by default).",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema,
  validateResource: validateContainers((container, _workload, args, report) => {
    if (!appliesToResource(configSchema, args)) return;
    const { allowedRegistries } = configOf<Config>(configSchema, args);
    const { registry } = parseImage(container.image ?? "");
    if (!allowedRegistries.some((pattern) => matchesHost(pattern, registry))) {
      report(`image "${container.image}" is from ${registry}, not an allowed registry (${allowedRegistries.join(", ")})`);
    }
  }),
};
