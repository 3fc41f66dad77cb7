// Alert routing's AWS side as each stack would create it: the topic CloudWatch alarms can publish
// to, the dead man's switch, and the receivers' credentials kept out of every file.
import { describe, expect, test } from "bun:test";
import { RECEIVER_KEYS, RECEIVERS, RECEIVERS_SECRET } from "../../../infra/addons/alerting.ts";
import { simulateStack, stacks } from "../../../infra/testing/simulate.ts";
import { type Inputs, k8s, ofType, release } from "../resources.ts";

const alerting = async (stack: (typeof stacks)[number]) => {
  const sim = await simulateStack(stack);
  const own = (type: string) => ofType(sim, type).filter((r) => r.parent?.includes("mlts:addons:AlertRouting"));
  return { sim, own };
};

describe.each([...stacks])("%s", (stack) => {
  test("the alert topic's key lets CloudWatch alarms publish (an AWS managed key would refuse them)", async () => {
    const { own } = await alerting(stack);
    const [key] = own("aws:kms/key:Key").filter((k) => (k.inputs as Inputs).description.startsWith("Alert topics"));
    const statements = JSON.parse((key!.inputs as Inputs).policy).Statement;
    expect(statements).toContainEqual(expect.objectContaining({ Principal: { Service: ["cloudwatch.amazonaws.com"] }, Action: ["kms:Decrypt", "kms:GenerateDataKey*"] }));
    // Alertmanager's role publishes through SNS; no one uses the key outside it.
    expect(statements).toContainEqual(expect.objectContaining({ Sid: "UseThroughServices", Condition: expect.objectContaining({ StringEquals: expect.objectContaining({ "kms:ViaService": ["sns.us-east-1.amazonaws.com"] }) }) }));
    for (const topic of own("aws:sns/topic:Topic")) expect((topic.inputs as Inputs).kmsMasterKeyId).toStartWith("arn:aws:kms:");
  });

  test("the dead man's switch: no Watchdog heartbeat for 10 minutes alarms the alert topic", async () => {
    const { sim, own } = await alerting(stack);
    const [alarm, ...others] = own("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => a.inputs as Inputs);
    expect(others).toEqual([]);
    expect(alarm).toMatchObject({ namespace: "AWS/SNS", metricName: "NumberOfMessagesPublished", comparisonOperator: "LessThanThreshold", threshold: 1, treatMissingData: "breaching" });
    expect(alarm!.period * alarm!.evaluationPeriods).toBe(600);
    // Under the mocks a topic's name and ARN end with its resource name and a hash.
    expect(alarm!.dimensions.TopicName).toStartWith("alerting-heartbeat-");
    expect(alarm!.alarmActions).toEqual([expect.stringMatching(/^arn:aws:sns:.*:alerting-alerts-/)]);
    // ...and it watches the topic Alertmanager's heartbeat receiver publishes the Watchdog to.
    const prometheus = release(sim, "kube-prometheus-stack");
    const receivers = (prometheus.inputs as Inputs).values.alertmanager.config.receivers as { name: string; sns_configs?: { topic_arn: string }[] }[];
    expect(receivers.find((r) => r.name === RECEIVERS.heartbeat)!.sns_configs![0]!.topic_arn).toEndWith(`:${alarm!.dimensions.TopicName}`);
  });

  test("Slack and PagerDuty credentials: a Secrets Manager secret the team fills, synced next to Alertmanager", async () => {
    const { sim, own } = await alerting(stack);
    const versions = own("aws:secretsmanager/secretVersion:SecretVersion");
    if (stack === "dev") return expect(versions).toEqual([]); // email only
    const [version] = versions;
    // Shipped empty, and never overwritten by a later `pulumi up`.
    const expectedKeys = stack === "prod" ? [RECEIVER_KEYS.pagerDuty, RECEIVER_KEYS.slack] : [RECEIVER_KEYS.slack];
    expect(JSON.parse((version!.inputs as Inputs).secretString)).toEqual(Object.fromEntries(expectedKeys.map((k) => [k, ""])));
    expect(version!.ignoreChanges).toEqual(["secretString"]);
    const external = k8s(sim, "ExternalSecret", RECEIVERS_SECRET);
    expect(external.metadata.namespace).toBe("monitoring");
    expect(external.spec.target).toEqual({ name: RECEIVERS_SECRET, creationPolicy: "Owner" });
  });
});
