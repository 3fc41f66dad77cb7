// Container logs as each stack would ship them: Fluent Bit's release, the log groups it writes to,
// their key, and its role's permissions (the plugin's own, scoped to those groups).
import { describe, expect, test } from "bun:test";
import { UNATTRIBUTED } from "../../../infra/addons/log-shipping.ts";
import { upstreamPolicy } from "../../../infra/controller-iam.ts";
import { loadStackConfig, simulateStack, stacks } from "../../../infra/testing/simulate.ts";
import { type Inputs, ofType } from "../resources.ts";

const fluentBitPolicy = upstreamPolicy("aws-for-fluent-bit");

describe.each([...stacks])("%s", (stack) => {
  const prefix = `/aws/eks/mlts-${stack}/containers`;
  const shipping = async () => {
    const sim = await simulateStack(stack);
    const own = (type: string) => ofType(sim, type).filter((r) => r.parent?.includes("mlts:addons:LogShipping")).map((r) => r.inputs as Inputs);
    return { sim, own };
  };

  test("one log group per namespace, under the stack's log key, kept for the configured retention", async () => {
    const { sim } = await shipping();
    const groups = ofType(sim, "aws:cloudwatch/logGroup:LogGroup").map((r) => r.inputs as Inputs).filter((g) => g.name?.startsWith?.(`${prefix}/`));
    const names = groups.map((g) => g.name.slice(prefix.length + 1)).sort();
    expect(names).toEqual(expect.arrayContaining(["kube-system", "mlts", "monitoring", "logging", "istio-system", UNATTRIBUTED]));
    expect(names.includes("chaos-mesh")).toBe(stack === "staging");
    const [key] = ofType(sim, "aws:kms/key:Key").filter((r) => r.parent?.includes("mlts:logs:LogStorage")).map((r) => r.inputs as Inputs);
    for (const group of groups) {
      expect(group.kmsKeyId).toStartWith("arn:aws:kms:");
      expect(group.retentionInDays).toBe(loadStackConfig(stack).logs.retentionDays);
    }
    // CloudWatch Logs itself encrypts with the key, and only for this account's groups.
    const statement = JSON.parse(key!.policy).Statement.find((s: { Sid?: string }) => s.Sid === "CloudWatchLogs");
    expect(statement.Principal).toEqual({ Service: "logs.us-east-1.amazonaws.com" });
    expect(statement.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]).toBe("arn:aws:logs:us-east-1:123456789012:log-group:*");
  });

  test("Fluent Bit writes each namespace to its group, creates none, and may write nowhere else", async () => {
    const { own } = await shipping();
    const [release] = own("kubernetes:helm.sh/v3:Release");
    expect(release!.values.cloudWatchLogs).toMatchObject({
      enabled: true,
      region: "us-east-1",
      logGroupTemplate: `${prefix}/$kubernetes['namespace_name']`,
      logGroupName: `${prefix}/${UNATTRIBUTED}`,
      autoCreateGroup: false,
    });
    const [policy] = own("aws:iam/rolePolicy:RolePolicy").map((p) => JSON.parse(p.policy));
    expect(policy.Statement.map((s: { Action: string[] }) => s.Action)).toEqual(fluentBitPolicy.Statement.map((s) => s.Action));
    const groupsArn = `arn:aws:logs:us-east-1:123456789012:log-group:${prefix}/*`;
    expect(policy.Statement[0].Resource).toEqual([groupsArn, `${groupsArn}:log-stream:*`]);
  });
});
