import type { ResourceValidationPolicy } from "@pulumi/policy";
import { validateContainers } from "../lib/kubernetes.ts";

export const kubernetesCorePodRequireProbes: ResourceValidationPolicy = {
  name: "kubernetes-core-pod-require-probes",
  description: "Containers of long-running workloads (Deployments, StatefulSets, DaemonSets) have liveness and readiness probes.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: validateContainers(
    (container, _workload, _args, report) => {
      const missing = [container.livenessProbe ? [] : "livenessProbe", container.readinessProbe ? [] : "readinessProbe"].flat();
      if (missing.length > 0) report(`missing ${missing.join(" and ")}`);
    },
    // Jobs run to completion and init containers exit: neither is probed.
    (workload) => (workload.longRunning ? (workload.podSpec.containers ?? []) : []),
  ),
};
