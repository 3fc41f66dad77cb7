import { expect, test } from "bun:test";
import { awsEc2SecurityGroupDisallowPublicDatabasePorts as policy } from "../../../infra/policy/policies/aws-ec2-securitygroup-disallow-public-database-ports.ts";
import { check, resource } from "../harness.ts";

const sg = (ingress: Record<string, unknown>[]) => resource("aws:ec2/securityGroup:SecurityGroup", { ingress });

test("passes database ports open to the VPC, and HTTPS open to the world", async () => {
  expect(await check(policy, sg([{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["10.0.0.0/16"] }]))).toEqual([]);
  expect(await check(policy, sg([{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }]))).toEqual([]);
  const rule = { type: "ingress", protocol: "tcp", fromPort: 6379, toPort: 6379, sourceSecurityGroupId: "sg-1" };
  expect(await check(policy, resource("aws:ec2/securityGroupRule:SecurityGroupRule", rule))).toEqual([]);
});

test("rejects inline, SecurityGroupRule and SecurityGroupIngressRule openings to the world", async () => {
  expect(await check(policy, sg([{ protocol: "tcp", fromPort: 5000, toPort: 6000, cidrBlocks: ["0.0.0.0/0"] }]))).toEqual([
    expect.stringContaining("5432 to 0.0.0.0/0"),
  ]);
  expect(await check(policy, sg([{ protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] }]))).toEqual([
    expect.stringContaining("5432, 6379 to ::/0"),
  ]);
  const rule = { type: "ingress", protocol: "tcp", fromPort: 6379, toPort: 6379, cidrBlocks: ["0.0.0.0/0"] };
  expect(await check(policy, resource("aws:ec2/securityGroupRule:SecurityGroupRule", rule))).toHaveLength(1);
  const vpcRule = { ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv4: "0.0.0.0/0", securityGroupId: "sg-1" };
  expect(await check(policy, resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", vpcRule))).toHaveLength(1);
});
