import { expect, test } from "bun:test";
import { awsEc2VpcRequireFlowLogs as policy } from "../../../infra/policy/policies/aws-ec2-vpc-require-flow-logs.ts";
import type { RegisteredResource } from "../../../infra/policy/engine.ts";
import { check, type FixtureOptions, resource } from "../harness.ts";

// infra/network.ts: the VPC, and a flow log of all its traffic to a CloudWatch log group.
const vpc = (name = "mlts-prod", outputs: { id?: string } = {}) =>
  resource("aws:ec2/vpc:Vpc", { cidrBlock: "10.30.0.0/16", enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: name }, ...outputs }, { name });
const logGroup = resource("aws:cloudwatch/logGroup:LogGroup", { kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/logs", retentionInDays: 90 }, { name: "mlts-prod-flow-logs" });
const flowLogInputs = { logDestinationType: "cloud-watch-logs", logDestination: "arn:aws:logs:eu-west-1:123456789012:log-group:flow", maxAggregationInterval: 60 };
const flowLog = (inputs: Record<string, unknown>, options: FixtureOptions = {}) =>
  resource("aws:ec2/flowLog:FlowLog", { ...flowLogInputs, ...inputs }, { name: "mlts-prod", ...options });
/** `vpcId: vpc.id`, as the engine records it: a dependency of the flow log and of its vpcId. */
const flowLogOf = (target: RegisteredResource, trafficType = "ALL") =>
  flowLog({ vpcId: "vpc-0123456789abcdef0", trafficType }, {
    name: target.name,
    dependsOn: [target, logGroup],
    propertyDependencies: { vpcId: [target], logDestination: [logGroup] },
  });

const noFlowLog = (name: string) => `aws:ec2/vpc:Vpc "${name}" has no flow log of all its traffic.`;

test("passes a VPC with a flow log of all its traffic", async () => {
  const main = vpc();
  expect(await check(policy, [main, logGroup, flowLogOf(main)])).toEqual([]);
  // Offline the engine records dependencies but not which property they feed.
  expect(await check(policy, [main, logGroup, flowLog({ vpcId: "vpc-0123456789abcdef0", trafficType: "ALL" }, { dependsOn: [main, logGroup] })])).toEqual([]);
  // After `pulumi up` the VPC's ID is known: a flow log naming it counts without a dependency.
  expect(await check(policy, [vpc("mlts-prod", { id: "vpc-0abc" }), flowLog({ vpcId: "vpc-0abc", trafficType: "ALL" })])).toEqual([]);
});

test("rejects a VPC without a flow log", async () => {
  expect(await check(policy, vpc())).toEqual([noFlowLog("mlts-prod")]);
  const main = vpc();
  expect(await check(policy, [main, vpc("batch"), logGroup, flowLogOf(main)])).toEqual([noFlowLog("batch")]);
  expect(await check(policy, [vpc("mlts-prod", { id: "vpc-0abc" }), flowLog({ vpcId: "vpc-0def", trafficType: "ALL" })])).toEqual([noFlowLog("mlts-prod")]);
});

test("rejects a flow log of accepted or rejected traffic only", async () => {
  const main = vpc();
  expect(await check(policy, [main, logGroup, flowLogOf(main, "REJECT")])).toEqual([noFlowLog("mlts-prod")]);
  expect(await check(policy, [main, logGroup, flowLogOf(main, "ACCEPT")])).toEqual([noFlowLog("mlts-prod")]);
});

test("a flow log covers only the VPC its vpcId comes from, not a VPC it merely waits for, nor a subnet's VPC", async () => {
  const main = vpc();
  const other = vpc("other");
  // vpcId: other.id, dependsOn: [main]
  const otherLog = flowLog({ vpcId: "vpc-0other", trafficType: "ALL" }, { dependsOn: [other, main], propertyDependencies: { vpcId: [other] } });
  expect(await check(policy, [main, other, otherLog])).toEqual([noFlowLog("mlts-prod")]);
  const subnet = resource("aws:ec2/subnet:Subnet", { vpcId: "vpc-0123456789abcdef0", cidrBlock: "10.30.0.0/19" }, { name: "mlts-prod-private-0", dependsOn: [main] });
  const subnetLog = flowLog({ subnetId: "subnet-0abc", trafficType: "ALL" }, { dependsOn: [subnet], propertyDependencies: { subnetId: [subnet] } });
  expect(await check(policy, [main, subnet, subnetLog])).toEqual([noFlowLog("mlts-prod")]);
});
