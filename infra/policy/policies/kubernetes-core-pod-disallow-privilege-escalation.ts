import type { ResourceValidationPolicy } from "@pulumi/policy";
import { validateContainers } from "../lib/kubernetes.ts";

export const kubernetesCorePodDisallowPrivilegeEscalation: ResourceValidationPolicy = {
  name: "kubernetes-core-pod-disallow-privilege-escalation",
  description: "Containers set allowPrivilegeEscalation false and are never privileged.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: validateContainers((container, _workload, _args, report) => {
    // Unset means true for a process that can setuid, so it has to be said explicitly.
    if (container.securityContext?.allowPrivilegeEscalation !== false) {
      report("securityContext.allowPrivilegeEscalation must be false");
    }
    if (container.securityContext?.privileged === true) report("securityContext.privileged must not be true");
  }),
};
