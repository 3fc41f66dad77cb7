import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { logGroupGaps } from "../lib/aws.ts";
import { helmReleases, isMap, valueAt } from "../lib/charts.ts";
import { workloadOf } from "../lib/kubernetes.ts";
import { describe } from "../lib/resources.ts";

/** The log shipper and where its CloudWatch Logs output's settings are (infra/upstream/charts/aws-for-fluent-bit). */
const SHIPPER_CHART = "aws-for-fluent-bit";
/** Fluent Bit's record accessor for a record's namespace, as a log group template uses it. */
const NAMESPACE_FIELD = "$kubernetes['namespace_name']";
/** EKS runs its own add-ons (VPC CNI, CoreDNS, kube-proxy) there, whether the stack declares them or not. */
const ALWAYS_RUNS = ["kube-system"];

interface CloudWatchLogs { enabled?: unknown; logGroupName?: string; logGroupTemplate?: string; autoCreateGroup?: unknown }

const on = (value: unknown) => value === true || (typeof value === "string" && /^(true|on)$/i.test(value));

export const kubernetesAnyNamespaceRequireLogShipping: StackValidationPolicy = {
  name: "kubernetes-any-namespace-require-log-shipping",
  description:
    "A stack that runs containers ships their logs: an aws-for-fluent-bit release with its CloudWatch Logs output writes every namespace that runs containers " +
    "(workloads, Helm releases, and kube-system) to a log group the stack creates with a KMS key and a retention, and creates no group itself (one it made would have neither).",
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, reportViolation) => {
    const releases = helmReleases(args.resources);
    const workloads = args.resources.map(workloadOf).filter((w) => w !== undefined);
    if (releases.length === 0 && workloads.length === 0) return; // nothing runs, nothing to ship
    const shippers = releases.filter((r) => r.chart === SHIPPER_CHART && on(valueAt(r.effectiveValues, "cloudWatchLogs.enabled")));
    if (shippers.length === 0) {
      return reportViolation(`no log shipping: the stack runs containers but no ${SHIPPER_CHART} release with cloudWatchLogs.enabled sends their logs anywhere (infra/addons/log-shipping.ts).`);
    }
    const groups = args.resources.filter((r) => r.type === "aws:cloudwatch/logGroup:LogGroup");
    const namespaces = [...new Set([...ALWAYS_RUNS, ...releases.map((r) => r.namespace), ...workloads.map((w) => w.namespace)])].sort();
    for (const shipper of shippers) {
      const report = (problem: string) => reportViolation(`${describe(shipper.resource)}: ${problem}`, shipper.resource.urn);
      const output = valueAt(shipper.effectiveValues, "cloudWatchLogs");
      const settings: CloudWatchLogs = isMap(output) ? output : {};
      if (on(settings.autoCreateGroup)) report("cloudWatchLogs.autoCreateGroup is on: a group Fluent Bit creates has no KMS key and keeps logs forever; create the groups in the stack and turn it off.");
      const destinations = new Map<string, string>();
      if (settings.logGroupName) destinations.set(settings.logGroupName, "records without Kubernetes metadata");
      for (const namespace of namespaces) {
        const group = settings.logGroupTemplate ? settings.logGroupTemplate.replaceAll(NAMESPACE_FIELD, namespace) : settings.logGroupName;
        if (group !== undefined && !group.includes("$")) destinations.set(group, `namespace ${namespace}`);
        else report(`cannot tell where namespace ${namespace}'s logs go (${settings.logGroupTemplate ?? "no log group"}): use one group per namespace, ${NAMESPACE_FIELD}.`);
      }
      for (const [name, what] of destinations) checkGroup(name, what, groups, report);
    }
  },
};

function checkGroup(name: string, what: string, groups: PolicyResource[], report: (problem: string) => void): void {
  const group = groups.find((g) => g.props.name === name);
  if (!group) return report(`the logs of ${what} go to log group ${name}, which the stack does not create: Fluent Bit drops them (or creates it unencrypted, forever).`);
  const gaps = logGroupGaps(group.props);
  if (gaps.unencrypted) report(`log group ${name} (${what}) is not encrypted with a KMS key (kmsKeyId).`);
  if (gaps.neverExpires) report(`log group ${name} (${what}) keeps logs forever: set retentionInDays.`);
}
