import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, stringList } from "../lib/config.ts";
import { validateContainers } from "../lib/kubernetes.ts";

interface Config {
  allowedCapabilities: string[];
}

const configSchema = {
  properties: {
    allowedCapabilities: stringList("Capabilities a container may add back after dropping ALL (e.g. NET_BIND_SERVICE).", []),
  },
};

export const kubernetesCorePodRequireDroppedCapabilities: ResourceValidationPolicy = {
  name: "kubernetes-core-pod-require-dropped-capabilities",
  description: "Containers drop ALL Linux capabilities and add back only allowed ones.",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema,
  validateResource: validateContainers((container, _workload, args, report) => {
    const capabilities = container.securityContext?.capabilities;
    if (!(capabilities?.drop ?? []).includes("ALL")) report('securityContext.capabilities.drop must include "ALL"');
    const { allowedCapabilities } = configOf<Config>(configSchema, args);
    const added = (capabilities?.add ?? []).filter((capability) => !allowedCapabilities.includes(capability));
    if (added.length > 0) report(`adds capabilities not allowed: ${added.join(", ")}`);
  }),
};
