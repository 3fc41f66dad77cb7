import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * A customer-managed KMS key with yearly rotation: one per concern, so access can be granted per concern.
 * `servicePolicy` adds statements for AWS services that must use the key themselves (a key with no
 * policy of its own trusts only the account's IAM principals, and services are not principals).
 */
export function rotatingKey(name: string, description: string, opts: pulumi.CustomResourceOptions, servicePolicy?: ServicePolicy): aws.kms.Key {
  const policy = servicePolicy && keyPolicy(servicePolicy, opts);
  const key = new aws.kms.Key(name, { description, enableKeyRotation: true, deletionWindowInDays: 30, ...(policy ? { policy } : {}) }, opts);
  new aws.kms.Alias(name, { name: `alias/${name}`, targetKeyId: key.keyId }, opts);
  return key;
}

/** Statements for the services that use a key, given the account, region and partition they run in. */
export type ServicePolicy = (scope: { account: string; region: string; partition: string }) => object[];

/**
 * The key policy AWS writes when none is given (the account's IAM policies decide who may use the
 * key), plus the services' statements.
 */
function keyPolicy(servicePolicy: ServicePolicy, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
  const invoke = { parent: opts.parent, provider: opts.provider };
  return pulumi.all([aws.getCallerIdentityOutput({}, invoke).accountId, aws.getRegionOutput({}, invoke).region, aws.getPartitionOutput({}, invoke).partition])
    .apply(([account, region, partition]) => JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Sid: "AccountIamPolicies", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
        ...servicePolicy({ account, region, partition }),
      ],
    }));
}
