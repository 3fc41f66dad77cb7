import type { ResourceValidationPolicy } from "@pulumi/policy";
import { chartFacts, HELM_RELEASE } from "../lib/charts.ts";
import { describe } from "../lib/resources.ts";

interface ReleaseProps {
  name?: string;
  chart?: string;
  version?: string;
  repositoryOpts?: { repo?: string };
  atomic?: boolean;
  timeout?: number;
  skipAwait?: boolean;
}

export const kubernetesHelmReleaseRequireVerifiedChart: ResourceValidationPolicy = {
  name: "kubernetes-helm-release-require-verified-chart",
  description:
    "Helm releases install a chart version whose upstream values, schema and CRDs are kept in infra/upstream (so it was published and was checked), " +
    "under a fixed release name, atomically, with a timeout, and waiting for readiness (what depends on them needs their webhooks and CRDs).",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: (args, reportViolation) => {
    if (args.type !== HELM_RELEASE) return;
    const props = args.props as ReleaseProps;
    const chart = (props.chart ?? "").split("/").pop() ?? "";
    const report = (problem: string) => reportViolation(`${describe(args)} (chart ${chart} ${props.version ?? "unpinned"}): ${problem}`);
    const facts = chartFacts(chart);
    if (!facts) report("no upstream facts for this chart in infra/upstream/charts: add them with scripts/refresh-upstream.ts.");
    else if (facts.version !== props.version) report(`infra/upstream holds version ${facts.version}: pin that one, or refresh the facts for ${props.version} (scripts/refresh-upstream.ts).`);
    else if (facts.helmRepository !== (props.repositoryOpts?.repo ?? props.chart?.slice(0, -chart.length - 1))) {
      report(`comes from ${props.repositoryOpts?.repo ?? props.chart}, not from ${facts.helmRepository}, where the checked version was published.`);
    }
    if (!props.name) report("no fixed release name: Services and ServiceAccounts named after it would change on every replacement.");
    if (props.atomic !== true) report("not atomic: a failed install or upgrade would be left half-applied.");
    if (!props.timeout) report("no timeout: a release that never becomes ready would hang the update without naming itself.");
    if (props.skipAwait === true) report("skipAwait: what depends on it would start before its Deployments and webhooks are ready.");
  },
};
