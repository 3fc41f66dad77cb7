import { expect, test } from "bun:test";
import { awsBackupPlanRequireCrossRegionCopy as policy } from "../../../infra/policy/policies/aws-backup-plan-require-cross-region-copy.ts";
import { check, resource } from "../harness.ts";

const prod = { stack: "prod" };
// infra/backup.ts: the database, a vault here and one in the copy region (its own provider), a plan copying to it, a selection.
const database = resource("aws:rds/instance:Instance", { engine: "postgres" }, { ...prod, name: "postgres" });
const defaultProvider = resource("pulumi:providers:aws", { region: "us-east-1" }, { ...prod, name: "default_7_48_0" });
const westProvider = resource("pulumi:providers:aws", { region: "us-west-2" }, { ...prod, name: "backup-us-west-2" });
const vault = resource("aws:backup/vault:Vault", {}, { ...prod, name: "vault" });
const copyVault = (provider = westProvider) => resource("aws:backup/vault:Vault", {}, { ...prod, name: "copy", provider });
const plan = (copyTo?: ReturnType<typeof copyVault>) => resource("aws:backup/plan:Plan", {
  rules: [{ ruleName: "daily", targetVaultName: "vault", lifecycle: { deleteAfter: 35 }, copyActions: copyTo ? [{ lifecycle: { deleteAfter: 35 } }] : [] }],
}, { ...prod, name: "plan", dependsOn: [vault, ...(copyTo ? [copyTo] : [])] });
const selection = (of: ReturnType<typeof plan>) => resource("aws:backup/selection:Selection", {}, { ...prod, name: "selection", dependsOn: [of, database] });
const stack = (copyTo = copyVault()) => {
  const thePlan = plan(copyTo);
  return [defaultProvider, westProvider, database, vault, copyTo, thePlan, selection(thePlan)];
};

test("passes prod's database backed up daily with a copy in another region", async () => {
  expect(await check(policy, stack())).toEqual([]);
  // Without the default provider among the resources (the offline check), the copy's explicit region still counts.
  expect(await check(policy, stack().filter((r) => r !== defaultProvider))).toEqual([]);
});

test("passes a database outside the configured environments (dev backs up with RDS alone)", async () => {
  expect(await check(policy, resource("aws:rds/instance:Instance", {}, { stack: "dev", name: "postgres" }))).toEqual([]);
});

test("fails a prod database no backup plan selects", async () => {
  expect(await check(policy, [database, vault])).toEqual([
    'aws:rds/instance:Instance "postgres": no AWS Backup plan selects it: its only backups are RDS\'s own, in its own region.',
  ]);
});

test("fails a plan that copies nowhere, or only within the database's region", async () => {
  const noCopy = plan();
  expect(await check(policy, [defaultProvider, database, vault, noCopy, selection(noCopy)])).toEqual([
    expect.stringContaining("its AWS Backup plan copies no backup to a vault in another region"),
  ]);
  const eastProvider = resource("pulumi:providers:aws", { region: "us-east-1" }, { ...prod, name: "backup-us-east-1" });
  expect(await check(policy, [...stack(copyVault(eastProvider)), eastProvider])).toEqual([
    expect.stringContaining("copies no backup to a vault in another region"),
  ]);
});
