// Prod's database backups as the program would create them: a daily AWS Backup plan, 35 days in
// a locked vault of this region and of the copy region; no such plan elsewhere.
import { describe, expect, test } from "bun:test";
import { loadStackConfig, simulateStack } from "../../infra/testing/simulate.ts";
import { type Inputs, inputsOf, ofType, only } from "./resources.ts";

describe("prod", () => {
  test("a daily plan keeps 35 days and copies each backup to a vault in us-west-2", async () => {
    const sim = await simulateStack("prod");
    const [rule] = only(sim, "aws:backup/plan:Plan").rules;
    expect(rule).toMatchObject({ ruleName: "daily", schedule: "cron(0 5 * * ? *)", lifecycle: { deleteAfter: 35 } });
    expect(rule.copyActions).toHaveLength(1);
    expect(rule.copyActions[0].lifecycle).toEqual({ deleteAfter: 35 });
    const vaults = ofType(sim, "aws:backup/vault:Vault");
    const copy = vaults.find((v) => v.provider !== undefined)!;
    const provider = sim.resources.find((r) => copy.provider!.startsWith(`${r.urn}::`))!;
    expect((provider.inputs as Inputs).region).toBe("us-west-2");
    // Provider inputs reach the engine as JSON strings.
    expect(JSON.parse((provider.inputs as Inputs).defaultTags).tags).toMatchObject({ environment: "prod", "cost-center": "ml-platform" });
    for (const vault of vaults) expect((vault.inputs as Inputs).kmsKeyArn).toStartWith("arn:aws:kms:");
  });

  test("both vaults are locked in compliance mode: no backup deleted before its 35 days", async () => {
    const locks = inputsOf(await simulateStack("prod"), "aws:backup/vaultLockConfiguration:VaultLockConfiguration");
    expect(locks).toHaveLength(2);
    for (const lock of locks) expect(lock).toMatchObject({ minRetentionDays: 35, changeableForDays: 3 });
  });

  test("the plan selects the database, as a role AWS Backup may assume with its service policies", async () => {
    const sim = await simulateStack("prod");
    const selection = only(sim, "aws:backup/selection:Selection");
    expect(selection.resources).toEqual([expect.stringMatching(/^arn:aws:rds:/)]);
    const attachments = inputsOf(sim, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => a.policyArn).filter((arn: string) => arn.includes("AWSBackup"));
    expect(attachments.sort()).toEqual([
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    ]);
  });
});

test.each(["dev", "staging"] as const)("%s has no AWS Backup plan (RDS's own backups only)", async (stack) => {
  expect(ofType(await simulateStack(stack), "aws:backup/plan:Plan")).toEqual([]);
});

test("a copy region equal to the stack's is refused, naming the key", () => {
  expect(() => loadStackConfig("prod", { config: { "mlts:backup.copyRegion": "us-east-1" } })).toThrow("mlts:backup.copyRegion");
});
