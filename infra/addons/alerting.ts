import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Cluster } from "../cluster.ts";
import type { AddonsConfig } from "../config.ts";
import { rotatingKey } from "../kms.ts";
import { ownedSecret, type SecretSyncArgs, syncSecret } from "../secret-sync.ts";
import { DEPENDENCY_DOWN } from "./alert-rules.ts";
import { SLOS } from "./slo.ts";

export interface AlertRoutingArgs {
  cluster: Cluster;
  /** Who is told: each address gets an SNS email subscription (confirmed from the first email). */
  emails: string[];
  /** Receivers besides email; their credentials live in Secrets Manager, never in the stack file. */
  receivers: AddonsConfig["observability"]["alertReceivers"];
  /** Alertmanager's namespace and service account: the only identity allowed to publish. */
  namespace: string;
  serviceAccount: string;
}

/**
 * The Secret Alertmanager mounts at /etc/alertmanager/secrets/<name>/ (the chart's
 * `alertmanagerSpec.secrets`): its receivers read their credentials from files there
 * (`api_url_file`, `routing_key_file`), so no credential is ever part of Alertmanager's config.
 */
export const RECEIVERS_SECRET = "alertmanager-receivers";
const SECRETS_DIR = `/etc/alertmanager/secrets/${RECEIVERS_SECRET}`;
/** The keys of the Secrets Manager secret the team fills, one per enabled receiver. */
export const RECEIVER_KEYS = { slack: "slack-webhook-url", pagerDuty: "pagerduty-routing-key" } as const;

/** The receivers of the routing tree (see `alertmanagerConfig`). */
export const RECEIVERS = { ticket: "ticket", page: "page", heartbeat: "heartbeat", none: "null" } as const;

/**
 * The dead man's switch: Alertmanager forwards the always-firing Watchdog to the heartbeat topic
 * every minute, and a CloudWatch alarm (outside the cluster) tells the alert topic when the
 * heartbeats have stopped for 10 minutes: Prometheus, Alertmanager or the whole cluster is down.
 */
const HEARTBEAT_INTERVAL = "1m";
const HEARTBEAT_PERIOD_SECONDS = 300;
const HEARTBEAT_MISSED_PERIODS = 2;

/**
 * Where alerts go. Every alert reaches an SNS topic with email subscriptions (the record, and the
 * fallback when another receiver fails); per stack, Slack gets every alert (a ticket to look at)
 * and PagerDuty pages the critical ones. Published to by Alertmanager as its own service account
 * (IRSA, SigV4). CloudWatch alarms (aws-monitoring.ts) publish to the same topic, so its key lets
 * CloudWatch use it. Without this, kube-prometheus-stack routes every alert to a receiver named
 * "null" and nobody is ever told.
 */
export class AlertRouting extends pulumi.ComponentResource {
  readonly topicArn: pulumi.Output<string>;
  /** The Secrets Manager secret the team puts the Slack webhook URL and PagerDuty routing key in (stacks with either). */
  readonly receiversSecretName?: pulumi.Output<string>;
  /** Alertmanager's `config`, `serviceAccount` and `alertmanagerSpec` values for the kube-prometheus-stack chart. */
  readonly alertmanagerValues: pulumi.Output<{ serviceAccount: object; alertmanagerSpec?: object; config: object }>;
  private readonly receiversSecret?: Omit<SecretSyncArgs, "dependsOn">;
  private readonly name: string;

  constructor(name: string, args: AlertRoutingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:addons:AlertRouting", name, {}, opts);
    this.name = name;
    const parent = { parent: this };
    // CloudWatch alarms publish to the topic themselves: an AWS managed key would refuse them.
    const key = rotatingKey(`${name}-alerts`, `Alert topics of ${name}`, { services: ["sns"], servicePrincipals: ["cloudwatch.amazonaws.com"] }, parent);
    const topic = new aws.sns.Topic(`${name}-alerts`, { kmsMasterKeyId: key.arn }, parent);
    args.emails.forEach((email, i) => new aws.sns.TopicSubscription(`${name}-email-${i}`, { topic: topic.arn, protocol: "email", endpoint: email }, parent));

    const heartbeat = new aws.sns.Topic(`${name}-heartbeat`, { kmsMasterKeyId: key.arn }, parent);
    new aws.cloudwatch.MetricAlarm(`${name}-heartbeat`, {
      alarmDescription: "No Watchdog heartbeat from Alertmanager for 10 minutes: Prometheus, Alertmanager or the cluster is down, and no other alert can reach anyone.",
      namespace: "AWS/SNS",
      metricName: "NumberOfMessagesPublished",
      dimensions: { TopicName: heartbeat.name },
      statistic: "Sum",
      period: HEARTBEAT_PERIOD_SECONDS,
      evaluationPeriods: HEARTBEAT_MISSED_PERIODS,
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      // No data at all is the failure this alarm exists for.
      treatMissingData: "breaching",
      alarmActions: [topic.arn],
      okActions: [topic.arn],
    }, parent);

    const role = args.cluster.serviceAccountRole(`${name}-alertmanager`, args.namespace, args.serviceAccount, parent);
    const publish = new aws.iam.RolePolicy(`${name}-alertmanager`, {
      role: role.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "sns:Publish", Resource: [topic.arn, heartbeat.arn] },
          { Effect: "Allow", Action: ["kms:GenerateDataKey*", "kms:Decrypt"], Resource: key.arn },
        ],
      }),
    }, parent);

    const { slack, pagerDuty } = args.receivers;
    const keys = [...(slack ? [RECEIVER_KEYS.slack] : []), ...(pagerDuty ? [RECEIVER_KEYS.pagerDuty] : [])];
    if (keys.length > 0) {
      const receivers = ownedSecret({ key: `${name}-receivers`, secret: `${name}-receivers` }, {
        keyDescription: `Alert receivers' credentials of ${name}`,
        description: `Alertmanager's receivers (${keys.join(", ")}): the team sets the values (docs/deploying.md)`,
        waiver: "the team's Slack webhook and PagerDuty key: rotated at Slack or PagerDuty and put here by the team (docs/deploying.md)",
        // The first value names the keys to fill, empty.
        value: JSON.stringify(Object.fromEntries(keys.map((k) => [k, ""]))),
        teamFills: true,
      }, this);
      this.receiversSecretName = receivers.secret.name;
      this.receiversSecret = {
        cluster: args.cluster,
        namespace: args.namespace,
        secretName: RECEIVERS_SECRET,
        purpose: "receivers",
        sources: [receivers],
        labels: { "app.kubernetes.io/name": "alertmanager" },
      };
    }

    const region = aws.getRegionOutput({}, parent).region;
    this.topicArn = topic.arn;
    // The role's policy must exist before Alertmanager first publishes.
    this.alertmanagerValues = pulumi.all([topic.arn, heartbeat.arn, region, role.arn, publish.id]).apply(([topicArn, heartbeatArn, regionName, roleArn]) => ({
      serviceAccount: { create: true, name: args.serviceAccount, annotations: { "eks.amazonaws.com/role-arn": roleArn } },
      ...(keys.length > 0 ? { alertmanagerSpec: { secrets: [RECEIVERS_SECRET] } } : {}),
      config: alertmanagerConfig({ topicArn, heartbeatArn, region: regionName, slack, pagerDuty }),
    }));
    this.registerOutputs({ topicArn: this.topicArn, receiversSecretName: this.receiversSecretName });
  }

  /**
   * Brings the receivers' credentials into Alertmanager's namespace, once it exists (the
   * kube-prometheus-stack release creates it; Alertmanager's pod waits for the Secret to mount).
   */
  syncReceiverSecret(dependsOn: pulumi.Resource[]): void {
    if (this.receiversSecret) syncSecret(this.name, { ...this.receiversSecret, dependsOn }, this);
  }
}

interface Targets { topicArn: string; heartbeatArn: string; region: string; slack: boolean; pagerDuty: boolean }

/** Alerts that are not about a fault: the watchdog (the heartbeat) and kube-prometheus-stack's InfoInhibitor. */
const WATCHDOG = "Watchdog";
const INFO_INHIBITOR = "InfoInhibitor";

/**
 * Alertmanager's configuration. Routing: critical alerts page, everything else is a ticket,
 * Watchdog is the heartbeat. Inhibition: kube-prometheus-stack's own rules (a critical alert
 * silences the warnings and infos of the same alert and namespace, a warning the infos), plus one
 * per dependency: while PostgreSQL or Redis is unreachable, the SLO alerts that outage causes
 * (latency, errors, availability, backlog) are silenced, so the one page names the cause.
 */
export function alertmanagerConfig(targets: Targets) {
  const sns = (topicArn: string) => ({
    topic_arn: topicArn,
    sigv4: { region: targets.region },
    subject: "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}",
    send_resolved: true,
  });
  const slack = targets.slack
    ? [{
        api_url_file: `${SECRETS_DIR}/${RECEIVER_KEYS.slack}`,
        send_resolved: true,
        title: "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.severity }})",
        text: "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ end }}",
      }]
    : [];
  const pagerDuty = targets.pagerDuty
    ? [{ routing_key_file: `${SECRETS_DIR}/${RECEIVER_KEYS.pagerDuty}`, send_resolved: true, description: "{{ .CommonLabels.alertname }}: {{ .CommonAnnotations.summary }}" }]
    : [];
  const withConfigs = (name: string, configs: Record<string, object[]>) => ({ name, ...Object.fromEntries(Object.entries(configs).filter(([, list]) => list.length > 0)) });
  const severities = (from: string, to: string[]) => ({
    source_matchers: [`severity="${from}"`],
    target_matchers: [to.length > 1 ? `severity=~"${to.join("|")}"` : `severity="${to[0]}"`],
    equal: ["namespace", "alertname"],
  });
  const symptoms = SLOS.map((slo) => slo.alert).join("|");
  return {
    route: {
      receiver: RECEIVERS.ticket,
      group_by: ["alertname", "namespace"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "4h",
      routes: [
        { receiver: RECEIVERS.heartbeat, matchers: [`alertname="${WATCHDOG}"`], group_wait: "0s", group_interval: HEARTBEAT_INTERVAL, repeat_interval: HEARTBEAT_INTERVAL },
        { receiver: RECEIVERS.none, matchers: [`alertname="${INFO_INHIBITOR}"`] },
        { receiver: RECEIVERS.page, matchers: ['severity="critical"'], repeat_interval: "1h" },
      ],
    },
    inhibit_rules: [
      severities("critical", ["warning", "info"]),
      severities("warning", ["info"]),
      { source_matchers: [`alertname="${INFO_INHIBITOR}"`], target_matchers: ['severity="info"'], equal: ["namespace"] },
      { target_matchers: [`alertname="${INFO_INHIBITOR}"`] },
      ...DEPENDENCY_DOWN.map((cause) => ({ source_matchers: [`alertname="${cause.alert}"`], target_matchers: [`alertname=~"${symptoms}"`] })),
    ],
    receivers: [
      { name: RECEIVERS.none },
      withConfigs(RECEIVERS.heartbeat, { sns_configs: [{ ...sns(targets.heartbeatArn), send_resolved: false }] }),
      withConfigs(RECEIVERS.ticket, { sns_configs: [sns(targets.topicArn)], slack_configs: slack }),
      withConfigs(RECEIVERS.page, { sns_configs: [sns(targets.topicArn)], pagerduty_configs: pagerDuty, slack_configs: slack }),
    ],
  };
}
