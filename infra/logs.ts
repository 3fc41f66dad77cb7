import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { rotatingKey } from "./kms.ts";

export interface LogStorageArgs {
  /** How long every log group of the stack keeps its events. */
  retentionDays: number;
}

/**
 * Where the stack's CloudWatch logs go: one KMS key for all of them, and the one way to make a log
 * group, so that every group the program creates (or creates ahead of the service that would make
 * it without an expiry: EKS, RDS) is encrypted and expires.
 */
export class LogStorage extends pulumi.ComponentResource {
  readonly keyArn: pulumi.Output<string>;
  readonly retentionDays: number;

  constructor(private readonly name: string, args: LogStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:logs:LogStorage", name, {}, opts);
    this.keyArn = rotatingKey(`${name}-logs`, `CloudWatch Logs of ${name}`, { logs: true }, { parent: this }).arn;
    this.retentionDays = args.retentionDays;
    this.registerOutputs({ keyArn: this.keyArn });
  }

  /** A log group with the stack's key and retention; `logGroupName` when a service expects a fixed name. */
  group(resourceName: string, logGroupName?: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): aws.cloudwatch.LogGroup {
    return new aws.cloudwatch.LogGroup(resourceName, {
      ...(logGroupName ? { name: logGroupName } : {}),
      kmsKeyId: this.keyArn,
      retentionInDays: this.retentionDays,
    }, { parent: this, ...opts });
  }
}
