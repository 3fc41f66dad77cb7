import { expect, test } from "bun:test";
import { awsEksClusterRequireControlPlaneLogs as policy } from "../../../infra/policy/policies/aws-eks-cluster-require-control-plane-logs.ts";
import { check, resource } from "../harness.ts";

test("passes a cluster shipping api, audit and authenticator logs", async () => {
  const enabledClusterLogTypes = ["api", "audit", "authenticator", "scheduler"];
  expect(await check(policy, resource("aws:eks/cluster:Cluster", { enabledClusterLogTypes }))).toEqual([]);
});

test("rejects missing log types, and honours the configured list", async () => {
  expect(await check(policy, resource("eks:index:Cluster", { enabledClusterLogTypes: ["api"] }))).toEqual([
    expect.stringContaining("audit, authenticator"),
  ]);
  const config = { [policy.name]: { logTypes: ["scheduler"] } };
  expect(await check(policy, resource("eks:index:Cluster", { enabledClusterLogTypes: ["api"] }), { config })).toEqual([
    expect.stringContaining("scheduler"),
  ]);
});
