import type { ResourceValidationPolicy } from "@pulumi/policy";
import { appliesToResource, environmentsSchema } from "../lib/environment.ts";
import { parseImage, validateContainers } from "../lib/kubernetes.ts";

const configSchema = { properties: { environments: environmentsSchema(["staging", "prod"]) } };

export const kubernetesCorePodRequireImageDigest: ResourceValidationPolicy = {
  name: "kubernetes-core-pod-require-image-digest",
  description: "Outside dev, images are pinned by digest (@sha256:...), so what runs is exactly what was tested upstream.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema,
  validateResource: validateContainers((container, _workload, args, report) => {
    if (!appliesToResource(configSchema, args)) return;
    const digest = parseImage(container.image ?? "").digest;
    if (!digest?.startsWith("sha256:")) report(`image "${container.image}" is not pinned by digest`);
  }),
};
