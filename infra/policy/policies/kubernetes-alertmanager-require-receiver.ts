import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { helmReleases, isMap, valueAt } from "../lib/charts.ts";
import { waitsFor } from "../lib/graph.ts";
import { describe } from "../lib/resources.ts";

interface Route { receiver?: string; routes?: Route[] }
interface Receiver { name: string; [integration: string]: unknown }

/** A receiver that sends somewhere: at least one `*_configs` integration. */
const integrations = (receiver: Receiver | undefined) =>
  Object.entries(receiver ?? {}).filter(([key, value]) => key.endsWith("_configs") && Array.isArray(value) && value.length > 0);

export const kubernetesAlertmanagerRequireReceiver: StackValidationPolicy = {
  name: "kubernetes-alertmanager-require-receiver",
  description:
    "Alertmanager, as a kube-prometheus-stack release configures it (the chart's defaults merged with the release's values), routes alerts by default " +
    "to a receiver that notifies someone (kube-prometheus-stack's default is a receiver named \"null\"), and an SNS topic it publishes to exists with a subscription.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, reportViolation) => {
    for (const release of helmReleases(args.resources).filter((r) => isMap(valueAt(r.effectiveValues, "alertmanager.config")))) {
      if (valueAt(release.effectiveValues, "alertmanager.enabled") === false) continue;
      const report = (problem: string) => reportViolation(`${describe(release.resource)}: ${problem}`, release.resource.urn);
      const config = valueAt(release.effectiveValues, "alertmanager.config") as { route?: Route; receivers?: Receiver[] };
      const receivers = config.receivers ?? [];
      const root = config.route?.receiver;
      const rootReceiver = receivers.find((r) => r.name === root);
      if (integrations(rootReceiver).length === 0) {
        report(`alerts no route matches go to receiver "${root}", which notifies nobody: give the root route a receiver with email, SNS, Slack, PagerDuty or webhook configs.`);
      }
      const routed = (route: Route | undefined): string[] => [route?.receiver ?? "", ...(route?.routes ?? []).flatMap(routed)].filter(Boolean);
      for (const name of routed(config.route)) {
        if (!receivers.some((r) => r.name === name)) report(`a route names receiver "${name}", which is not defined.`);
      }
      for (const receiver of receivers) {
        for (const sns of (receiver.sns_configs as { topic_arn?: string }[] | undefined) ?? []) checkTopic(sns.topic_arn, receiver.name, args.resources, report);
      }
    }
  },
};

function checkTopic(topicArn: string | undefined, receiver: string, resources: PolicyResource[], report: (problem: string) => void): void {
  const topics = resources.filter((r) => r.type === "aws:sns/topic:Topic");
  const subscriptions = resources.filter((r) => r.type === "aws:sns/topicSubscription:TopicSubscription");
  // Known in a simulation; in a preview the ARN is unknown and any topic of the stack may be the one.
  const candidates = topics.filter((topic) => topic.props.arn === undefined || topic.props.arn === topicArn);
  if (candidates.length === 0) return report(`receiver "${receiver}" publishes to ${topicArn}, which is no SNS topic of the stack.`);
  if (!candidates.some((topic) => subscriptions.some((subscription) => waitsFor(subscription, topic, resources)))) {
    report(`receiver "${receiver}" publishes to an SNS topic nobody subscribes to.`);
  }
}
