import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Cluster } from "../cluster.ts";
import { rotatingKey } from "../kms.ts";
import { SECRETS_READER, syncSecret } from "../secret-sync.ts";
import { labels } from "./workload.ts";

export interface AppSecretsArgs {
  cluster: Cluster;
  namespace: string;
  /** The namespace object, and the External Secrets operator (its CRDs and webhook) to wait for. */
  dependsOn: pulumi.Resource[];
  databaseUrl: pulumi.Input<string>;
  redisUrl: pulumi.Input<string>;
}

/**
 * The services' secrets, as the env vars they read (DATABASE_URL, REDIS_URL, JWT_SECRET): one
 * Secrets Manager secret under its own key, synced into the namespace by External Secrets
 * (../secret-sync.ts); a rotated value reaches the Secret within minutes and Reloader rolls the pods.
 */
export class AppSecrets extends pulumi.ComponentResource {
  /** The Kubernetes Secret the pods take their env from; it exists once this component is created. */
  readonly secretName = "mlts-app";
  /** The ExternalSecret: pods are created after it is Ready. */
  readonly ready: pulumi.Resource;

  constructor(name: string, args: AppSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:app:AppSecrets", name, {}, opts);
    const parent = { parent: this };

    const key = rotatingKey(`${name}-secrets`, `Application secrets of ${name}`, parent);
    const jwtSecret = new random.RandomPassword(`${name}-jwt`, { length: 64, special: false }, parent);
    const secret = new aws.secretsmanager.Secret(`${name}-app`, {
      description: `DATABASE_URL, REDIS_URL and JWT_SECRET for ${name}`,
      kmsKeyId: key.arn,
      recoveryWindowInDays: 7,
    }, parent);
    const value = new aws.secretsmanager.SecretVersion(`${name}-app`, {
      secretId: secret.id,
      secretString: pulumi.jsonStringify({ DATABASE_URL: args.databaseUrl, REDIS_URL: args.redisUrl, JWT_SECRET: jwtSecret.result }),
    }, parent);

    this.ready = syncSecret(name, {
      cluster: args.cluster,
      namespace: args.namespace,
      secretName: this.secretName,
      purpose: "app",
      secret,
      key,
      value,
      labels: labels(SECRETS_READER),
      dependsOn: args.dependsOn,
    }, this);
    this.registerOutputs({});
  }
}
