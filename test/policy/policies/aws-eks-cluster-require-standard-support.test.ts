import { afterEach, expect, test, setSystemTime } from "bun:test";
import { awsEksClusterRequireStandardSupport as policy } from "../../../infra/policy/policies/aws-eks-cluster-require-standard-support.ts";
import { check, resource } from "../harness.ts";

// The policy measures days left from the clock. Only the 1.29 test runs on the real clock (1.29 left
// standard support on 2025-03-23, so it fails on any later day); every other test pins the clock to
// 2026-12-03, the day infra/upstream/facts/eks-versions.json was read. No version in the file has a
// year left in real time (the newest, 1.36, leaves on 2027-08-02), so a real-clock pass case, even
// with minimumDaysLeft: 0, would start failing that day.
const factsReadOn = new Date("2026-12-03T00:00:00Z");
afterEach(() => setSystemTime());

const eksCluster = (version?: string) => resource("eks:index:Cluster", version ? { version } : {}, { name: "cluster" });
const awsCluster = (version: string) => resource("aws:eks/cluster:Cluster", { version }, { name: "cluster" });

test("rejects 1.29, long out of standard support, on the real clock", async () => {
  expect(await check(policy, eksCluster("1.29"))).toEqual([
    expect.stringMatching(/^EKS version 1\.29 left standard support on 2025-03-23 \(-\d+ days\): upgrade/),
  ]);
  expect(await check(policy, awsCluster("1.29"))).toHaveLength(1);
});

test("passes the newest version in the calendar, 1.36, with the default 30 days", async () => {
  setSystemTime(factsReadOn);
  expect(await check(policy, eksCluster("1.36"))).toEqual([]);
  expect(await check(policy, awsCluster("1.36"))).toEqual([]);
});

test("rejects a version fewer than minimumDaysLeft days from the end of standard support", async () => {
  setSystemTime(factsReadOn);
  // 1.35 leaves standard support on 2027-03-27: 114 days after 2026-12-03.
  const config = (minimumDaysLeft: number) => ({ [policy.name]: { minimumDaysLeft } });
  expect(await check(policy, eksCluster("1.35"), { config: config(114) })).toEqual([]);
  expect(await check(policy, eksCluster("1.35"), { config: config(115) })).toEqual([
    "EKS version 1.35 leaves standard support on 2027-03-27 (114 days): upgrade to a newer version.",
  ]);
  // 1.34 left the day before, which minimumDaysLeft: 0 does not excuse.
  expect(await check(policy, awsCluster("1.34"), { config: config(0) })).toEqual([
    "EKS version 1.34 left standard support on 2026-12-02 (-1 days): upgrade to a newer version.",
  ]);
});

test("rejects a version missing from the calendar, or none (the EKS default moves)", async () => {
  setSystemTime(factsReadOn);
  expect(await check(policy, eksCluster("1.99"))).toEqual([expect.stringContaining("EKS version 1.99 is not in the known calendar (1.36, 1.35,")]);
  expect(await check(policy, eksCluster())).toEqual([expect.stringContaining("EKS version (default) is not in the known calendar")]);
  expect(await check(policy, resource("aws:eks/nodeGroup:NodeGroup", { version: "1.29" }))).toEqual([]);
});
