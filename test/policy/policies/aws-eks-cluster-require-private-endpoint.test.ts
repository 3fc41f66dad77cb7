import { expect, test } from "bun:test";
import { awsEksClusterRequirePrivateEndpoint as policy } from "../../../infra/policy/policies/aws-eks-cluster-require-private-endpoint.ts";
import { check, resource } from "../harness.ts";

test("passes a private endpoint in either shape", async () => {
  expect(await check(policy, resource("eks:index:Cluster", { endpointPrivateAccess: true }))).toEqual([]);
  expect(await check(policy, resource("aws:eks/cluster:Cluster", { vpcConfig: { endpointPrivateAccess: true } }))).toEqual([]);
});

test("rejects the EKS default (private endpoint off)", async () => {
  expect(await check(policy, resource("eks:index:Cluster", {}))).toEqual([expect.stringContaining("endpointPrivateAccess")]);
});
