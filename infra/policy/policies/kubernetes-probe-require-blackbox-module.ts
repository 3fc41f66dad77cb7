import type { StackValidationPolicy } from "@pulumi/policy";
import { helmReleases, isMap, releaseServices, valueAt } from "../lib/charts.ts";
import { kubernetesObjects } from "../lib/kubernetes.ts";
import { describe } from "../lib/resources.ts";

const BLACKBOX_CHART = "prometheus-blackbox-exporter";

export const kubernetesProbeRequireBlackboxModule: StackValidationPolicy = {
  name: "kubernetes-probe-require-blackbox-module",
  description:
    "Every Prometheus Probe goes through a blackbox exporter the stack installs, with a module that exporter's configuration defines (the chart's defaults " +
    "merged with the release's values): with an unknown module `probe_success` never exists and the alerts built on it never fire.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, reportViolation) => {
    const exporters = helmReleases(args.resources).filter((r) => r.chart === BLACKBOX_CHART);
    for (const probe of kubernetesObjects(args.resources).filter((o) => o.kind === "Probe" && o.group === "monitoring.coreos.com")) {
      const spec = (probe.resource.props.spec ?? {}) as { module?: string; prober?: { url?: string } };
      const host = (spec.prober?.url ?? "").split(":")[0]!.split(".");
      const exporter = exporters.find((release) => releaseServices(release).some((s) => s.name === host[0] && s.namespace === (host[1] ?? probe.namespace)));
      if (!exporter) {
        reportViolation(`${describe(probe.resource)} probes through ${spec.prober?.url}, which is no blackbox exporter the stack installs.`, probe.resource.urn);
        continue;
      }
      const modules = valueAt(exporter.effectiveValues, "config.modules");
      const names = isMap(modules) ? Object.keys(modules) : [];
      if (!spec.module || !names.includes(spec.module)) {
        reportViolation(`${describe(probe.resource)} uses module "${spec.module}", but exporter ${exporter.name} defines only ${names.join(", ") || "none"}.`, probe.resource.urn);
      }
    }
  },
};
