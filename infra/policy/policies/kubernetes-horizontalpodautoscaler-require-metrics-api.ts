import type { StackValidationPolicy } from "@pulumi/policy";
import { helmReleases } from "../lib/charts.ts";
import { kubernetesObjects } from "../lib/kubernetes.ts";
import { describe } from "../lib/resources.ts";

const RESOURCE_METRICS_API = "metrics.k8s.io";

export const kubernetesHorizontalPodAutoscalerRequireMetricsApi: StackValidationPolicy = {
  name: "kubernetes-horizontalpodautoscaler-require-metrics-api",
  description:
    "A HorizontalPodAutoscaler on CPU or memory needs the resource metrics API, which EKS does not serve until something (metrics-server) installs it: " +
    "the stack must install a chart that serves it, or every such autoscaler stays at its minimum.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, reportViolation) => {
    const served = helmReleases(args.resources).some((release) => release.facts?.apiServices?.includes(RESOURCE_METRICS_API));
    if (served) return;
    for (const hpa of kubernetesObjects(args.resources).filter((o) => o.kind === "HorizontalPodAutoscaler")) {
      const metrics = (hpa.resource.props.spec as { metrics?: { type?: string }[] } | undefined)?.metrics ?? [];
      // No metrics means CPU: autoscaling/v1 has no others, and v2 defaults to 80% CPU utilisation.
      if (metrics.length === 0 || metrics.some((metric) => metric.type === "Resource" || metric.type === "ContainerResource")) {
        reportViolation(`${describe(hpa.resource)} scales on resource metrics, but no release in the stack serves ${RESOURCE_METRICS_API} (install metrics-server).`, hpa.resource.urn);
      }
    }
  },
};
