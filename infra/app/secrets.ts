import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Cluster } from "../cluster.ts";
import type { DatabaseConnection } from "../data.ts";
import { ownedSecret, SECRETS_READER, type SecretFields, syncSecret } from "../secret-sync.ts";
import { labels } from "./workload.ts";

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
 * which RDS rotates), REDIS_URL, and the JWT signing keys (JWT_SECRET, JWT_PREVIOUS_SECRET). Ours
 * live in one Secrets Manager secret under its own key; both are synced into the namespace
 * (../secret-sync.ts), and Reloader rolls the pods when the result changes.
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
    const { database } = args;

    const slot = (parity: 0 | 1) => new random.RandomPassword(`${name}-jwt-${parity}`, {
      length: 64,
      special: false,
      // This slot's generation: it changes (and the key with it) when the generation reaches its parity again.
      keepers: { generation: String(args.jwtKeyGeneration - ((args.jwtKeyGeneration - parity + 2) % 2)) },
    }, parent).result;
    const slots = [slot(0), slot(1)];
    const current = slots[args.jwtKeyGeneration % 2]!;
    const previous = slots[(args.jwtKeyGeneration + 1) % 2]!;

    const variables = { REDIS_URL: args.redisUrl, JWT_SECRET: current, JWT_PREVIOUS_SECRET: previous };
    const app = ownedSecret({ key: `${name}-secrets`, secret: `${name}-app` }, {
      keyDescription: `Application secrets of ${name}`,
      description: `REDIS_URL and the JWT signing keys of ${name}`,
      waiver: "rotated by a config change: mlts:app.jwtKeyGeneration for the JWT keys, mlts:redis.authTokenGeneration for Redis (docs/deploying.md)",
      value: pulumi.jsonStringify(variables),
    }, this);
    const names = Object.keys(variables);

    // verify-full: the image trusts the RDS CA bundle (see services/Dockerfile).
    const databaseUrl = pulumi.interpolate`postgresql://{{ .dbUser | urlquery }}:{{ .dbPassword | urlquery }}@${database.host}:${database.port}/${database.name}?sslmode=verify-full`;
    this.ready = syncSecret(name, {
      cluster: args.cluster,
      namespace: args.namespace,
      secretName: this.secretName,
      purpose: "app",
      sources: [
        app,
        // RDS writes its secret's first value when it creates the instance.
        { arn: database.secretArn, keyArn: database.secretKeyArn, ready: [] },
      ],
      fields: ([appSecret, dbSecret]) => databaseUrl.apply((url): SecretFields => ({
        data: [
          { secretKey: "dbUser", remoteRef: { key: dbSecret!, property: "username" } },
          { secretKey: "dbPassword", remoteRef: { key: dbSecret!, property: "password" } },
          ...names.map((variable) => ({ secretKey: variable, remoteRef: { key: appSecret!, property: variable } })),
        ],
        // The Secret holds exactly the variables the services read.
        template: {
          engineVersion: "v2",
          mergePolicy: "Replace",
          data: { DATABASE_URL: url, ...Object.fromEntries(names.map((variable) => [variable, `{{ .${variable} }}`])) },
        },
      })),
      labels: labels(SECRETS_READER),
      dependsOn: args.dependsOn,
    }, this);
    this.registerOutputs({});
  }
}
