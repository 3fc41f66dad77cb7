import type { StackValidationPolicy } from "@pulumi/policy";
import { type KubernetesObject, kubernetesObjects } from "../lib/kubernetes.ts";
import { describe } from "../lib/resources.ts";

interface Strategy {
  canary?: {
    stableService?: string;
    canaryService?: string;
    trafficRouting?: { istio?: { virtualService?: { name?: string; routes?: string[] } } };
    analysis?: { templates?: { templateName?: string; clusterScope?: boolean }[] };
    steps?: { analysis?: { templates?: { templateName?: string; clusterScope?: boolean }[] } }[];
  };
  blueGreen?: {
    activeService?: string;
    previewService?: string;
    prePromotionAnalysis?: { templates?: { templateName?: string; clusterScope?: boolean }[] };
    postPromotionAnalysis?: { templates?: { templateName?: string; clusterScope?: boolean }[] };
  };
}
interface HttpRoute { name?: string; route?: { destination?: { host?: string } }[] }

/** `api`, `api.mlts`, `api.mlts.svc.cluster.local`: the Service a destination host names, in `namespace`. */
const serviceOf = (host: string, namespace: string) => {
  const [name, ns = namespace] = host.split(".");
  return ns === namespace ? name : undefined;
};

export const kubernetesArgoRolloutRequireRoutingAndAnalysis: StackValidationPolicy = {
  name: "kubernetes-argo-rollout-require-routing-and-analysis",
  description:
    "Every Argo Rollout steers Services the stack creates, names AnalysisTemplates the stack creates, and with Istio routing names a VirtualService " +
    "of its namespace whose every route to the stable Service it lists (an unlisted route stays on stable while the rollout reports progress).",
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, reportViolation) => {
    const objects = kubernetesObjects(args.resources);
    const find = (kind: string, name: string | undefined, namespace: string) => objects.find((o) => o.kind === kind && o.name === name && o.namespace === namespace);
    for (const rollout of objects.filter((o) => o.kind === "Rollout" && o.group === "argoproj.io")) {
      const report = (problem: string) => reportViolation(`${describe(rollout.resource)}: ${problem}`, rollout.resource.urn);
      const strategy = ((rollout.resource.props.spec as { strategy?: Strategy } | undefined)?.strategy ?? {});
      const { canary, blueGreen } = strategy;
      const services = [canary?.stableService, canary?.canaryService, blueGreen?.activeService, blueGreen?.previewService].filter((s): s is string => !!s);
      for (const service of services) if (!find("Service", service, rollout.namespace)) report(`it steers Service ${service}, which the stack does not create in ${rollout.namespace}.`);
      const templates = [canary?.analysis, ...(canary?.steps ?? []).map((step) => step.analysis), blueGreen?.prePromotionAnalysis, blueGreen?.postPromotionAnalysis]
        .flatMap((analysis) => analysis?.templates ?? []);
      for (const { templateName, clusterScope } of templates) {
        const template = clusterScope ? objects.find((o) => o.kind === "ClusterAnalysisTemplate" && o.name === templateName) : find("AnalysisTemplate", templateName, rollout.namespace);
        if (!template) report(`it names AnalysisTemplate ${templateName}, which the stack does not create.`);
      }
      const routing = canary?.trafficRouting?.istio?.virtualService;
      if (routing) checkRoutes(rollout, routing, canary?.stableService, find("VirtualService", routing.name, rollout.namespace), report);
    }
  },
};

function checkRoutes(
  rollout: KubernetesObject,
  routing: { name?: string; routes?: string[] },
  stableService: string | undefined,
  virtualService: KubernetesObject | undefined,
  report: (problem: string) => void,
): void {
  if (!virtualService) return report(`its traffic routing names VirtualService ${routing.name}, which the stack does not create in ${rollout.namespace}.`);
  const http = ((virtualService.resource.props.spec as { http?: HttpRoute[] } | undefined)?.http ?? []);
  const listed = routing.routes ?? [];
  for (const route of listed) if (!http.some((r) => r.name === route)) report(`it lists route "${route}", which VirtualService ${routing.name} does not have.`);
  for (const route of http) {
    const toStable = (route.route ?? []).some((d) => serviceOf(d.destination?.host ?? "", rollout.namespace) === stableService);
    if (toStable && !listed.includes(route.name ?? "")) report(`VirtualService ${routing.name} route "${route.name ?? "(unnamed)"}" goes to ${stableService} but is not in the Rollout's routes.`);
  }
}
