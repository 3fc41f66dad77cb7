import type { ResourceValidationPolicy } from "@pulumi/policy";
import { validateContainers } from "../lib/kubernetes.ts";

export const kubernetesCorePodDisallowRootUser: ResourceValidationPolicy = {
  name: "kubernetes-core-pod-disallow-root-user",
  description: "Containers run as non-root: runAsNonRoot true (container or pod level) and never runAsUser 0.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: validateContainers((container, { podSpec }, _args, report) => {
    // Container settings override the pod's, as in the kubelet.
    const runAsNonRoot = container.securityContext?.runAsNonRoot ?? podSpec.securityContext?.runAsNonRoot;
    const runAsUser = container.securityContext?.runAsUser ?? podSpec.securityContext?.runAsUser;
    if (runAsNonRoot !== true) report("securityContext.runAsNonRoot must be true");
    if (runAsUser === 0) report("securityContext.runAsUser must not be 0 (root)");
  }),
};
