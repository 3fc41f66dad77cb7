import type { IExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret";
import type { ISecretStore } from "@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Cluster } from "../cluster.ts";
import type { DatabaseConnection } from "../data.ts";
import { rotatingKey } from "../kms.ts";
import { labels } from "./workload.ts";

const READER = "secrets-reader";
const STORE = "aws-secrets-manager";
/** The tag that records why a secret of the stack has no automatic rotation (policy `aws-secretsmanager-secret-require-rotation`). */
export const ROTATION_WAIVER_TAG = "rotation-waiver";

export interface AppSecretsArgs {
  cluster: Cluster;
  namespace: string;
  /** The namespace object, and the External Secrets operator (its CRDs and webhook) to wait for. */
  dependsOn: pulumi.Resource[];
  database: DatabaseConnection;
  redisUrl: pulumi.Input<string>;
  /** `mlts:app.jwtKeyGeneration`: raising it by one rotates the JWT signing key (see below). */
  jwtKeyGeneration: number;
}

/**
 * The services' secrets, as the env vars they read: DATABASE_URL (composed from RDS's own secret,
 * which RDS rotates), REDIS_URL, and the JWT signing keys (JWT_SECRET, JWT_PREVIOUS_SECRET). Our
 * secret lives in Secrets Manager under its own key; External Secrets syncs both into the namespace
 * every 5 minutes as a service account that may read only those (IRSA), and Reloader rolls the
 * pods when the result changes. No secret value is written into a Kubernetes manifest.
 *
 * JWT rotation with no one logged out: two key slots, each regenerated every other generation. The
 * current generation's slot signs; the other, last generation's key, still verifies. Raising
 * `jwtKeyGeneration` by one makes a new current key and keeps the old one as the previous, until
 * the next raise retires it.
 */
export class AppSecrets extends pulumi.ComponentResource {
  /** The Kubernetes Secret the pods take their env from; it exists once this component is created. */
  readonly secretName = "mlts-app";
  /** The ExternalSecret: pods are created after it is Ready. */
  readonly ready: pulumi.Resource;

  constructor(name: string, args: AppSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:app:AppSecrets", name, {}, opts);
    const parent = { parent: this };
    const { cluster, namespace, database } = args;

    const role = cluster.serviceAccountRole(`${name}-${READER}`, namespace, READER, parent);
    const key = rotatingKey(`${name}-secrets`, `Application secrets of ${name}`, { services: ["secretsmanager"], roles: [role.arn] }, parent);
    const slot = (parity: 0 | 1) => new random.RandomPassword(`${name}-jwt-${parity}`, {
      length: 64,
      special: false,
      // This slot's generation: it changes (and the key with it) when the generation reaches its parity again.
      keepers: { generation: String(args.jwtKeyGeneration - ((args.jwtKeyGeneration - parity + 2) % 2)) },
    }, parent).result;
    const slots = [slot(0), slot(1)];
    const current = slots[args.jwtKeyGeneration % 2]!;
    const previous = slots[(args.jwtKeyGeneration + 1) % 2]!;

    const secret = new aws.secretsmanager.Secret(`${name}-app`, {
      description: `REDIS_URL and the JWT signing keys of ${name}`,
      kmsKeyId: key.arn,
      recoveryWindowInDays: 7,
      tags: { [ROTATION_WAIVER_TAG]: "rotated by a config change: mlts:app.jwtKeyGeneration for the JWT keys, the Redis AUTH token by its runbook (docs/deploying.md)" },
    }, parent);
    const value = new aws.secretsmanager.SecretVersion(`${name}-app`, {
      secretId: secret.id,
      secretString: pulumi.jsonStringify({ REDIS_URL: args.redisUrl, JWT_SECRET: current, JWT_PREVIOUS_SECRET: previous }),
    }, parent);

    const access = new aws.iam.RolePolicy(`${name}-${READER}`, {
      role: role.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: [secret.arn, database.secretArn] },
          { Effect: "Allow", Action: "kms:Decrypt", Resource: [key.arn, database.secretKeyArn] },
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

    // verify-full: the image trusts the RDS CA bundle (see services/Dockerfile).
    const databaseUrl = pulumi.interpolate`postgresql://{{ .dbUser | urlquery }}:{{ .dbPassword | urlquery }}@${database.host}:${database.port}/${database.name}?sslmode=verify-full`;
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
      spec: pulumi.all([secret.arn, database.secretArn, databaseUrl]).apply(([appSecret, dbSecret, url]): IExternalSecret["spec"] => ({
        // A rotated value reaches the Secret within this interval; Reloader then rolls the pods.
        refreshInterval: "5m",
        secretStoreRef: { kind: "SecretStore", name: STORE },
        data: [
          { secretKey: "dbUser", remoteRef: { key: dbSecret, property: "username" } },
          { secretKey: "dbPassword", remoteRef: { key: dbSecret, property: "password" } },
          ...(["REDIS_URL", "JWT_SECRET", "JWT_PREVIOUS_SECRET"] as const).map((variable) => ({ secretKey: variable, remoteRef: { key: appSecret, property: variable } })),
        ],
        // The Secret holds exactly the variables the services read.
        target: {
          name: this.secretName,
          creationPolicy: "Owner",
          template: {
            engineVersion: "v2",
            mergePolicy: "Replace",
            data: {
              DATABASE_URL: url,
              REDIS_URL: "{{ .REDIS_URL }}",
              JWT_SECRET: "{{ .JWT_SECRET }}",
              JWT_PREVIOUS_SECRET: "{{ .JWT_PREVIOUS_SECRET }}",
            },
          },
        },
      })),
      // Ready only once there is a value to read and the role may read it (IAM is eventually
      // consistent, but the operator retries; it cannot retry into a value that does not exist).
    }, { ...k8sOpts, dependsOn: [store, value, access] });
    this.registerOutputs({});
  }
}
