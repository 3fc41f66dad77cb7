import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Who may use a key, besides the account managing it: nothing else can, not even an IAM administrator. */
export interface KeyUsers {
  /** AWS services that use the key on a caller's behalf (`rds`, `elasticache`, `secretsmanager`, ...). */
  services?: string[];
  /** Roles that use the key directly (the EKS cluster's role, a reader of a secret). */
  roles?: pulumi.Input<string>[];
  /** CloudWatch Logs, for the log groups of this account and region. */
  logs?: boolean;
  /** AWS services that use the key as themselves, for this account (CloudWatch alarms publishing to an encrypted topic). */
  servicePrincipals?: string[];
}

/** What the account (its administrators, the deploy role) may do with a key: manage it, not use it. */
const ADMINISTRATION = [
  "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*", "kms:Disable*",
  "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
];
const USE = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

/**
 * A customer-managed key with yearly rotation, one per concern, and an explicit key policy: the
 * account administers it, and only the services and roles named use it. (A default key policy
 * would let any principal of the account with a broad IAM policy decrypt with it.)
 */
export function rotatingKey(name: string, description: string, users: KeyUsers, opts: pulumi.CustomResourceOptions): aws.kms.Key {
  const identity = aws.getCallerIdentityOutput({}, opts);
  const partition = aws.getPartitionOutput({}, opts).partition;
  const region = aws.getRegionOutput({}, opts).region;
  const policy = pulumi.all([identity.accountId, partition, region, pulumi.all(users.roles ?? [])]).apply(([account, aws_, regionName, roles]) => {
    const root = `arn:${aws_}:iam::${account}:root`;
    const statements: unknown[] = [{ Sid: "Administration", Effect: "Allow", Principal: { AWS: root }, Action: ADMINISTRATION, Resource: "*" }];
    if (users.services?.length) {
      statements.push({
        Sid: "UseThroughServices",
        Effect: "Allow",
        Principal: { AWS: root },
        Action: [...USE, "kms:CreateGrant"],
        Resource: "*",
        Condition: {
          StringEquals: { "kms:CallerAccount": account, "kms:ViaService": users.services.map((service) => `${service}.${regionName}.amazonaws.com`) },
        },
      });
    }
    if (roles.length > 0) statements.push({ Sid: "UseByRoles", Effect: "Allow", Principal: { AWS: roles }, Action: [...USE, "kms:CreateGrant"], Resource: "*" });
    if (users.servicePrincipals?.length) {
      statements.push({
        Sid: "UseByServicePrincipals",
        Effect: "Allow",
        Principal: { Service: users.servicePrincipals },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": account } },
      });
    }
    if (users.logs) {
      statements.push({
        Sid: "CloudWatchLogs",
        Effect: "Allow",
        Principal: { Service: `logs.${regionName}.amazonaws.com` },
        Action: USE,
        Resource: "*",
        Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${aws_}:logs:${regionName}:${account}:log-group:*` } },
      });
    }
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
  });
  const key = new aws.kms.Key(name, { description, enableKeyRotation: true, deletionWindowInDays: 30, policy }, opts);
  new aws.kms.Alias(name, { name: `alias/${name}`, targetKeyId: key.keyId }, opts);
  return key;
}
