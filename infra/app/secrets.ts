import type { IExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret";
import type { ISecretStore } from "@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Cluster } from "../cluster.ts";
import { rotatingKey } from "../kms.ts";
import { labels } from "./workload.ts";

const READER = "secrets-reader";
const STORE = "aws-secrets-manager";

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
 * Secrets Manager secret under its own key, synced into the namespace by External Secrets as a
 * service account of the namespace that may read only that secret (IRSA). No secret value is
 * written into a Kubernetes manifest.
 */
export class AppSecrets extends pulumi.ComponentResource {
  /** The Kubernetes Secret the pods take their env from; it exists once this component is created. */
  readonly secretName = "mlts-app";
  /** The ExternalSecret: pods are created after it is Ready. */
  readonly ready: pulumi.Resource;

  constructor(name: string, args: AppSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:app:AppSecrets", name, {}, opts);
    const parent = { parent: this };
    const { cluster, namespace } = args;

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

    const role = cluster.serviceAccountRole(`${name}-${READER}`, namespace, READER, parent);
    const access = new aws.iam.RolePolicy(`${name}-${READER}`, {
      role: role.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: secret.arn },
          { Effect: "Allow", Action: "kms:Decrypt", Resource: key.arn },
        ],
      }),
    }, parent);

    const k8sOpts = { parent: this, provider: cluster.provider };
    const reader = new k8s.core.v1.ServiceAccount(`${name}-${READER}`, {
      metadata: { name: READER, namespace, labels: labels(READER), annotations: { "eks.amazonaws.com/role-arn": role.arn } },
      automountServiceAccountToken: false,
    }, { ...k8sOpts, dependsOn: args.dependsOn });

    const region = aws.getRegionOutput({}, parent).region;
    const store = new k8s.apiextensions.CustomResource(`${name}-store`, {
      apiVersion: "external-secrets.io/v1",
      kind: "SecretStore",
      metadata: { name: STORE, namespace, labels: labels(READER) },
      spec: region.apply((r): ISecretStore["spec"] => ({
        provider: { aws: { service: "SecretsManager", region: r, auth: { jwt: { serviceAccountRef: { name: READER } } } } },
      })),
    }, { ...k8sOpts, dependsOn: [...args.dependsOn, reader] });
    this.ready = new k8s.apiextensions.CustomResource(`${name}-app`, {
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: {
        name: this.secretName,
        namespace,
        labels: labels(READER),
        // Pulumi waits until the Secret exists before creating what reads it.
        annotations: { "pulumi.com/waitFor": "condition=Ready" },
      },
      spec: secret.arn.apply((arn): IExternalSecret["spec"] => ({
        // A rotated value reaches the Secret within this interval; Reloader then rolls the pods.
        refreshInterval: "5m",
        secretStoreRef: { kind: "SecretStore", name: STORE },
        target: { name: this.secretName, creationPolicy: "Owner" },
        dataFrom: [{ extract: { key: arn } }],
      })),
      // Ready only once there is a value to read and the role may read it (IAM is eventually
      // consistent, but the operator retries; it cannot retry into a value that does not exist).
    }, { ...k8sOpts, dependsOn: [store, value, access] });
    this.registerOutputs({});
  }
}
