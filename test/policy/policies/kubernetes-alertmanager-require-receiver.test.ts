import { expect, test } from "bun:test";
import { kubernetesAlertmanagerRequireReceiver as policy } from "../../../infra/policy/policies/kubernetes-alertmanager-require-receiver.ts";
import { helmRelease } from "../fixtures.ts";
import { check, resource } from "../harness.ts";

const topicArn = "arn:aws:sns:eu-west-1:123456789012:alerts";
const sns = { name: "sns", sns_configs: [{ topic_arn: topicArn, sigv4: { region: "eu-west-1" } }] };

/** A minimal Alertmanager routing: SNS by default, the chart's "null" for Watchdog. */
const routing = (receivers: object[] = [{ name: "null" }, sns], root = "sns") => ({
  route: { receiver: root, routes: [{ receiver: "null", matchers: ['alertname=~"Watchdog|InfoInhibitor"'] }] },
  receivers,
});
const kubePrometheusStack = (config?: object, alertmanager: object = {}) =>
  helmRelease("kube-prometheus-stack", { alertmanager: { ...alertmanager, ...(config ? { config } : {}) } });

const topic = resource("aws:sns/topic:Topic", { arn: topicArn }, { name: "alerts" });
const subscription = resource("aws:sns/topicSubscription:TopicSubscription", { protocol: "email", endpoint: "oncall@example.com" }, { name: "oncall", dependsOn: [topic] });

test("passes a root route to an SNS receiver whose topic exists with a subscription", async () => {
  expect(await check(policy, [kubePrometheusStack(routing()), topic, subscription])).toEqual([]);
  // In a preview the topic's ARN is unknown: any topic of the stack may be the one.
  const previewTopic = resource("aws:sns/topic:Topic", {}, { name: "alerts" });
  const previewSubscription = resource("aws:sns/topicSubscription:TopicSubscription", {}, { name: "oncall", dependsOn: [previewTopic] });
  expect(await check(policy, [kubePrometheusStack(routing()), previewTopic, previewSubscription])).toEqual([]);
  const email = { name: "email", email_configs: [{ to: "oncall@example.com" }] };
  expect(await check(policy, kubePrometheusStack(routing([{ name: "null" }, email], "email")))).toEqual([]);
});

test("passes when Alertmanager is disabled, or no release configures one", async () => {
  expect(await check(policy, kubePrometheusStack(undefined, { enabled: false }))).toEqual([]);
  expect(await check(policy, helmRelease("metrics-server"))).toEqual([]);
});

test("rejects the chart's default routing: every alert to the \"null\" receiver", async () => {
  expect(await check(policy, kubePrometheusStack())).toEqual([
    'kubernetes:helm.sh/v3:Release "kube-prometheus-stack": alerts no route matches go to receiver "null", which notifies nobody: ' +
      "give the root route a receiver with email, SNS, Slack, PagerDuty or webhook configs.",
  ]);
  // A receiver with an empty integration list notifies nobody either.
  expect(await check(policy, kubePrometheusStack(routing([{ name: "null" }, { name: "sns", sns_configs: [] }])))).toEqual([
    expect.stringContaining('go to receiver "sns", which notifies nobody'),
  ]);
});

test("rejects a route to an undefined receiver, including the chart's Watchdog route kept by Helm's merge", async () => {
  expect(await check(policy, [kubePrometheusStack(routing([sns], "sns")), topic, subscription])).toEqual([
    'kubernetes:helm.sh/v3:Release "kube-prometheus-stack": a route names receiver "null", which is not defined.',
  ]);
  // Values that set only `receivers` keep the chart's route (maps merge) but replace its receivers (lists do not).
  expect(await check(policy, [kubePrometheusStack({ route: { receiver: "sns" }, receivers: [sns] }), topic, subscription])).toEqual([
    expect.stringContaining('a route names receiver "null", which is not defined.'),
  ]);
});

test("rejects an SNS receiver whose topic is not in the stack, or has no subscription", async () => {
  expect(await check(policy, kubePrometheusStack(routing()))).toEqual([
    expect.stringContaining(`receiver "sns" publishes to ${topicArn}, which is no SNS topic of the stack.`),
  ]);
  const other = resource("aws:sns/topic:Topic", { arn: "arn:aws:sns:eu-west-1:123456789012:other" }, { name: "other" });
  expect(await check(policy, [kubePrometheusStack(routing()), other])).toEqual([expect.stringContaining("which is no SNS topic of the stack")]);
  expect(await check(policy, [kubePrometheusStack(routing()), topic])).toEqual([
    'kubernetes:helm.sh/v3:Release "kube-prometheus-stack": receiver "sns" publishes to an SNS topic nobody subscribes to.',
  ]);
  const unrelated = resource("aws:sns/topicSubscription:TopicSubscription", {}, { name: "unrelated", dependsOn: [other] });
  expect(await check(policy, [kubePrometheusStack(routing()), topic, other, unrelated])).toHaveLength(1);
});
