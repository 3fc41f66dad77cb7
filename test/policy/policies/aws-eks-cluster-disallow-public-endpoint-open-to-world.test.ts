import { expect, test } from "bun:test";
import { awsEksClusterDisallowPublicEndpointOpenToWorld as policy } from "../../../infra/policy/policies/aws-eks-cluster-disallow-public-endpoint-open-to-world.ts";
import { check, resource } from "../harness.ts";

const prod = { stack: "prod" };

test("passes a disabled or CIDR-limited public endpoint in prod, and the default in dev", async () => {
  expect(await check(policy, resource("eks:index:Cluster", { endpointPublicAccess: false }, prod))).toEqual([]);
  expect(await check(policy, resource("eks:index:Cluster", { publicAccessCidrs: ["203.0.113.0/24"] }, prod))).toEqual([]);
  expect(await check(policy, resource("eks:index:Cluster", {}, { stack: "dev" }))).toEqual([]);
});

test("rejects a prod public endpoint open to 0.0.0.0/0, explicitly or by default", async () => {
  expect(await check(policy, resource("eks:index:Cluster", {}, prod))).toEqual([expect.stringContaining("0.0.0.0/0")]);
  const vpcConfig = { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] };
  expect(await check(policy, resource("aws:eks/cluster:Cluster", { vpcConfig }, prod))).toHaveLength(1);
});
