import type { ResourceValidationPolicy } from "@pulumi/policy";
import { parseImage, validateContainers } from "../lib/kubernetes.ts";

export const kubernetesCorePodDisallowLatestTag: ResourceValidationPolicy = {
  name: "kubernetes-core-pod-disallow-latest-tag",
  description: "No image uses the `latest` tag, explicitly or by omitting the tag, in any environment.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: validateContainers((container, _workload, _args, report) => {
    const image = parseImage(container.image ?? "");
    if (image.digest) return;
    if (image.tag === undefined || image.tag === "latest") report(`image "${container.image}" resolves to :latest`);
  }),
};
