import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/** A customer-managed KMS key with yearly rotation: one per concern, so access can be granted per concern. */
export function rotatingKey(name: string, description: string, opts: pulumi.CustomResourceOptions): aws.kms.Key {
  const key = new aws.kms.Key(name, { description, enableKeyRotation: true, deletionWindowInDays: 30 }, opts);
  new aws.kms.Alias(name, { name: `alias/${name}`, targetKeyId: key.keyId }, opts);
  return key;
}
