import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { DatabaseConfig, RedisConfig } from "./config.ts";
import { rotatingKey } from "./kms.ts";
import type { LogStorage } from "./logs.ts";
import type { Network } from "./network.ts";

export interface DataArgs {
  network: Network;
  database: DatabaseConfig;
  redis: RedisConfig;
  logs: LogStorage;
}

/** How the services reach PostgreSQL: where it is, and the Secrets Manager secret RDS keeps its password in. */
export interface DatabaseConnection {
  host: pulumi.Output<string>;
  port: number;
  name: string;
  /** RDS's own secret (`username`, `password`), which it rotates; readers need its key too. */
  secretArn: pulumi.Output<string>;
  secretKeyArn: pulumi.Output<string>;
}

const DB_NAME = "mlts";
const DB_USER = "mlts";
const POSTGRES_PORT = 5432;
const REDIS_PORT = 6379;
/** Performance Insights' free retention. */
const PERFORMANCE_INSIGHTS_DAYS = 7;

/**
 * PostgreSQL and Redis for the services: private (reachable only from inside the VPC), encrypted at
 * rest with our key and in transit (TLS enforced), backed up. RDS keeps and rotates the database
 * password itself in Secrets Manager; Redis's AUTH token is generated here and leaves only inside
 * the services' connection URL (a secret output).
 */
export class Data extends pulumi.ComponentResource {
  readonly databaseEndpoint: pulumi.Output<string>;
  readonly redisEndpoint: pulumi.Output<string>;
  readonly database: DatabaseConnection;
  /** What CloudWatch names them by: the instance's identifier, the replication group's id. */
  readonly databaseIdentifier: pulumi.Output<string>;
  readonly redisReplicationGroupId: pulumi.Output<string>;
  /** The instance, and the key its storage and snapshots are encrypted with: what a backup plan copies. */
  readonly databaseArn: pulumi.Output<string>;
  readonly dataKeyArn: pulumi.Output<string>;
  /** REDIS_URL as the services read it (a secret output). */
  readonly redisUrl: pulumi.Output<string>;

  constructor(name: string, args: DataArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:data:Data", name, {}, opts);
    const parent = { parent: this };
    const key = rotatingKey(`${name}-data`, `RDS and ElastiCache of ${name}`, { services: ["rds", "elasticache", "secretsmanager"] }, parent);
    const privateOnly = (service: string, port: number) => new aws.ec2.SecurityGroup(`${name}-${service}`, {
      vpcId: args.network.vpcId,
      description: `${service} from inside the VPC only`,
      ingress: [{ protocol: "tcp", fromPort: port, toPort: port, cidrBlocks: [args.network.cidrBlock], description: "VPC" }],
      egress: [],
    }, parent);

    // PostgreSQL. A fixed identifier, so that its log groups exist (encrypted, expiring) before RDS
    // would create them itself.
    const identifier = `${name}-postgres`;
    const logGroups = ["postgresql", "upgrade"].map((log) => args.logs.group(`${identifier}-${log}`, `/aws/rds/instance/${identifier}/${log}`, parent));
    const dbParameters = new aws.rds.ParameterGroup(`${name}-postgres`, {
      family: `postgres${args.database.engineVersion.split(".")[0]}`,
      parameters: [
        { name: "rds.force_ssl", value: "1" },
        { name: "log_min_duration_statement", value: "1000" },
      ],
    }, parent);
    const db = new aws.rds.Instance(identifier, {
      identifier,
      engine: "postgres",
      engineVersion: args.database.engineVersion,
      instanceClass: args.database.instanceClass,
      allocatedStorage: args.database.allocatedStorageGiB,
      maxAllocatedStorage: args.database.maxAllocatedStorageGiB,
      storageType: "gp3",
      storageEncrypted: true,
      kmsKeyId: key.arn,
      dbName: DB_NAME,
      username: DB_USER,
      // RDS generates the password into Secrets Manager and rotates it (every 7 days).
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: key.arn,
      port: POSTGRES_PORT,
      dbSubnetGroupName: new aws.rds.SubnetGroup(`${name}-postgres`, { subnetIds: args.network.privateSubnetIds }, parent).name,
      vpcSecurityGroupIds: [privateOnly("postgres", POSTGRES_PORT).id],
      parameterGroupName: dbParameters.name,
      publiclyAccessible: false,
      multiAz: args.database.multiAz,
      backupRetentionPeriod: args.database.backupRetentionDays,
      deletionProtection: args.database.deletionProtection,
      skipFinalSnapshot: args.database.skipFinalSnapshot,
      finalSnapshotIdentifier: args.database.skipFinalSnapshot ? undefined : `${name}-postgres-final`,
      copyTagsToSnapshot: true,
      autoMinorVersionUpgrade: true,
      enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
      ...(args.database.performanceInsights
        ? { performanceInsightsEnabled: true, performanceInsightsKmsKeyId: key.arn, performanceInsightsRetentionPeriod: PERFORMANCE_INSIGHTS_DAYS }
        : {}),
      // A replacement would start from an empty database; it must free the fixed identifier first.
    }, { parent: this, protect: args.database.protect, deleteBeforeReplace: true, dependsOn: logGroups });

    // Redis for BullMQ: evicting keys would silently drop jobs, so memory pressure must fail writes instead.
    const redisParameters = new aws.elasticache.ParameterGroup(`${name}-redis`, {
      family: `redis${args.redis.engineVersion.split(".")[0]}`,
      parameters: [{ name: "maxmemory-policy", value: "noeviction" }],
    }, parent);
    const redisToken = new random.RandomPassword(`${name}-redis`, { length: 64, special: false, keepers: { generation: String(args.redis.authTokenGeneration) } }, parent);
    const replicated = args.redis.replicas > 0;
    // No AOF: ElastiCache supports it only on Redis < 2.8.22. Durability comes from Multi-AZ replicas,
    // daily snapshots and the worker's reconciler, which re-enqueues queued tasks Redis lost.
    const redis = new aws.elasticache.ReplicationGroup(`${name}-redis`, {
      description: `BullMQ queues for ${name}`,
      engine: "redis",
      engineVersion: args.redis.engineVersion,
      nodeType: args.redis.nodeType,
      port: REDIS_PORT,
      numCacheClusters: 1 + args.redis.replicas,
      automaticFailoverEnabled: replicated,
      multiAzEnabled: replicated,
      parameterGroupName: redisParameters.name,
      subnetGroupName: new aws.elasticache.SubnetGroup(`${name}-redis`, { subnetIds: args.network.privateSubnetIds }, parent).name,
      securityGroupIds: [privateOnly("redis", REDIS_PORT).id],
      atRestEncryptionEnabled: true,
      kmsKeyId: key.arn,
      transitEncryptionEnabled: true,
      authToken: redisToken.result,
      // A new token is added beside the old one: clients still holding the old one keep working
      // until the pods have rolled and the old token is retired (SET, see docs/deploying.md).
      authTokenUpdateStrategy: "ROTATE",
      snapshotRetentionLimit: args.redis.snapshotRetentionDays,
      autoMinorVersionUpgrade: true,
      // A replacement would drop every queued job (the reconciler re-enqueues them, slowly).
    }, { parent: this, protect: args.redis.protect });

    this.database = {
      host: db.address,
      port: POSTGRES_PORT,
      name: DB_NAME,
      secretArn: db.masterUserSecrets.apply((secrets) => secrets[0]!.secretArn),
      secretKeyArn: key.arn,
    };
    this.redisUrl = pulumi.secret(pulumi.interpolate`rediss://:${redisToken.result}@${redis.primaryEndpointAddress}:${REDIS_PORT}`);
    this.databaseIdentifier = db.identifier;
    this.databaseArn = db.arn;
    this.dataKeyArn = key.arn;
    this.redisReplicationGroupId = redis.id;
    this.databaseEndpoint = pulumi.interpolate`${db.address}:${POSTGRES_PORT}`;
    this.redisEndpoint = pulumi.interpolate`${redis.primaryEndpointAddress}:${REDIS_PORT}`;
    this.registerOutputs({ databaseEndpoint: this.databaseEndpoint, redisEndpoint: this.redisEndpoint });
  }
}
