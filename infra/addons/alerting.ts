import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Cluster } from "../cluster.ts";

export interface AlertRoutingArgs {
  cluster: Cluster;
  /** Who is told: each address gets an SNS email subscription (confirmed from the first email). */
  emails: string[];
  /** Alertmanager's namespace and service account: the only identity allowed to publish. */
  namespace: string;
  serviceAccount: string;
}

/** Alerts that exist to prove the pipeline works, not to be acted on. */
const SILENT_ALERTS = ["Watchdog", "InfoInhibitor"];

/**
 * Where alerts go: an SNS topic with email subscriptions, published to by Alertmanager as its own
 * service account (IRSA, SigV4). Without it, kube-prometheus-stack routes every alert to a receiver
 * named "null" and nobody is ever told.
 */
export class AlertRouting extends pulumi.ComponentResource {
  readonly topicArn: pulumi.Output<string>;
  /** Alertmanager's `config` and `serviceAccount` values for the kube-prometheus-stack chart. */
  readonly alertmanagerValues: pulumi.Output<{ serviceAccount: object; config: object }>;

  constructor(name: string, args: AlertRoutingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:addons:AlertRouting", name, {}, opts);
    const parent = { parent: this };
    const topic = new aws.sns.Topic(`${name}-alerts`, { kmsMasterKeyId: "alias/aws/sns" }, parent);
    args.emails.forEach((email, i) => new aws.sns.TopicSubscription(`${name}-email-${i}`, { topic: topic.arn, protocol: "email", endpoint: email }, parent));

    const role = args.cluster.serviceAccountRole(`${name}-alertmanager`, args.namespace, args.serviceAccount, parent);
    const publish = new aws.iam.RolePolicy(`${name}-alertmanager`, {
      role: role.id,
      policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sns:Publish", Resource: topic.arn }] }),
    }, parent);

    const region = aws.getRegionOutput({}, parent).region;
    this.topicArn = topic.arn;
    // The role's policy must exist before Alertmanager first publishes.
    this.alertmanagerValues = pulumi.all([topic.arn, region, role.arn, publish.id]).apply(([topicArn, regionName, roleArn]) => ({
      serviceAccount: { create: true, name: args.serviceAccount, annotations: { "eks.amazonaws.com/role-arn": roleArn } },
      config: {
        route: {
          receiver: "sns",
          group_by: ["alertname", "namespace"],
          group_wait: "30s",
          group_interval: "5m",
          repeat_interval: "4h",
          routes: [{ receiver: "null", matchers: [`alertname=~"${SILENT_ALERTS.join("|")}"`] }],
        },
        receivers: [
          { name: "null" },
          {
            name: "sns",
            sns_configs: [{
              topic_arn: topicArn,
              sigv4: { region: regionName },
              subject: "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}",
              send_resolved: true,
            }],
          },
        ],
      },
    }));
    this.registerOutputs({ topicArn: this.topicArn });
  }
}
