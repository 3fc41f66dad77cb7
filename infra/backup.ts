import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { BackupConfig } from "./config.ts";
import { rotatingKey } from "./kms.ts";

export interface DatabaseBackupArgs extends BackupConfig {
  /** The RDS instance, and the key its snapshots are encrypted with (the copy re-encrypts them). */
  databaseArn: pulumi.Input<string>;
  dataKeyArn: pulumi.Input<string>;
  /** Cost tags: the copy region's provider does not read the stack's `aws:defaultTags`. */
  tags: Record<string, string>;
}

/** AWS Backup's own service roles, for taking and restoring backups. */
const BACKUP_POLICIES = ["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"];
/** Compliance mode takes hold this many days after the lock is set; until then it can be removed. */
const LOCK_GRACE_DAYS = 3;

/**
 * The database's backups beyond RDS's own point-in-time recovery (which lives and dies with the
 * region): a daily AWS Backup snapshot kept `retentionDays` in a vault of this region and copied to
 * a vault of `copyRegion`. Both vaults are locked: no backup can be deleted before its retention
 * ends (governance: except by whoever may bypass the lock; compliance: by nobody). Restoring is
 * docs/disaster-recovery.md.
 */
export class DatabaseBackup extends pulumi.ComponentResource {
  readonly vaultName: pulumi.Output<string>;
  readonly copyVaultArn?: pulumi.Output<string>;

  constructor(name: string, args: DatabaseBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:backup:DatabaseBackup", name, {}, opts);
    const lockedVault = (id: string, region: string, resourceOpts: pulumi.CustomResourceOptions) => {
      const key = rotatingKey(`${name}-${id}`, `Backup vault of ${name} (${region})`, { services: ["backup"] }, resourceOpts);
      const vault = new aws.backup.Vault(`${name}-${id}`, { kmsKeyArn: key.arn }, resourceOpts);
      new aws.backup.VaultLockConfiguration(`${name}-${id}`, {
        backupVaultName: vault.name,
        minRetentionDays: args.retentionDays,
        ...(args.vaultLock === "compliance" ? { changeableForDays: LOCK_GRACE_DAYS } : {}),
      }, resourceOpts);
      return { vault, key };
    };
    const parent = { parent: this };
    const primary = lockedVault("vault", "this region", parent);
    const copyRegion = args.copyRegion;
    const copy = copyRegion === undefined ? undefined : lockedVault("copy", copyRegion, {
      parent: this,
      provider: new aws.Provider(`${name}-${copyRegion}`, { region: copyRegion as aws.Region, defaultTags: { tags: args.tags } }, parent),
    });

    const partition = aws.getPartitionOutput({}, parent).partition;
    const role = new aws.iam.Role(`${name}`, { assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "backup.amazonaws.com" }) }, parent);
    const grants = [
      ...BACKUP_POLICIES.map((policy) => new aws.iam.RolePolicyAttachment(`${name}-${policy}`, {
        role: role.name,
        policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/${policy}`,
      }, parent)),
      // The snapshots are encrypted with our keys, which trust the account's IAM policies: copying
      // re-encrypts from the data key to the copy vault's key.
      new aws.iam.RolePolicy(`${name}-keys`, {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [{
            Effect: "Allow",
            Action: ["kms:DescribeKey", "kms:CreateGrant", "kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
            Resource: [args.dataKeyArn, primary.key.arn, ...(copy ? [copy.key.arn] : [])],
          }],
        }),
      }, parent),
    ];

    const lifecycle = { deleteAfter: args.retentionDays };
    const plan = new aws.backup.Plan(`${name}`, {
      rules: [{
        ruleName: "daily",
        targetVaultName: primary.vault.name,
        schedule: args.schedule,
        startWindow: 60,
        completionWindow: 360,
        lifecycle,
        copyActions: copy ? [{ destinationVaultArn: copy.vault.arn, lifecycle }] : [],
      }],
    }, parent);
    new aws.backup.Selection(`${name}`, { planId: plan.id, iamRoleArn: role.arn, resources: [args.databaseArn] }, { parent: this, dependsOn: grants });

    this.vaultName = primary.vault.name;
    this.copyVaultArn = copy?.vault.arn;
    this.registerOutputs({ vaultName: this.vaultName, copyVaultArn: this.copyVaultArn });
  }
}
