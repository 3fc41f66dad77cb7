import type { ResourceValidationPolicy } from "@pulumi/policy";
import { validateContainers } from "../lib/kubernetes.ts";

export const kubernetesCorePodDisallowWritableRootFilesystem: ResourceValidationPolicy = {
  name: "kubernetes-core-pod-disallow-writable-root-filesystem",
  description: "Containers mount their root filesystem read-only (write to emptyDir volumes instead).",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: validateContainers((container, _workload, _args, report) => {
    if (container.securityContext?.readOnlyRootFilesystem !== true) {
      report("securityContext.readOnlyRootFilesystem must be true");
    }
  }),
};
