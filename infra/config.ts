import * as pulumi from "@pulumi/pulumi";
import { type Static, type TSchema, Type as T } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { parseRateLimit } from "../services/shared/config.ts";

/**
 * The stack configuration: one schema for every `mlts:*` key of `Pulumi.<stack>.yaml`, its types
 * inferred from it. A key left out takes the default written next to it; defaults are the cheap but
 * safe choice, so production values (Multi-AZ, replicas, protection) are spelled out in
 * `Pulumi.prod.yaml`. Values may be typed YAML or strings (as `pulumi config set --path` writes them).
 * Unknown keys are errors, so a typo cannot silently do nothing. Every error names the full key.
 */

const CIDR_PATTERN = "^(\\d{1,3}\\.){3}\\d{1,3}/\\d{1,2}$";
const Cidr = (options: object = {}) => T.String({ pattern: CIDR_PATTERN, description: "an IPv4 CIDR such as 10.0.0.0/16", ...options });
const Int = (minimum: number, maximum: number, fallback: number, description?: string) =>
  T.Integer({ minimum, maximum, default: fallback, ...(description ? { description } : {}) });
const Bool = (fallback: boolean) => T.Boolean({ default: fallback });
const OneOf = <V extends string>(values: readonly V[], fallback: V) =>
  T.Union(values.map((v) => T.Literal(v)), { default: fallback, description: `one of ${values.join(", ")}` });
const Section = <P extends Record<string, TSchema>>(properties: P) => T.Object(properties, { additionalProperties: false, default: {} });
/** Kubernetes quantities as the API server reads them, e.g. "250m", "1", "512Mi". */
const Quantity = (fallback: string) => T.String({ pattern: "^\\d+(\\.\\d+)?(m|Ki|Mi|Gi|Ti)?$", default: fallback, description: "a Kubernetes quantity such as 250m, 1 or 512Mi" });
const Resources = (cpu: [string, string], memory: [string, string]) => Section({
  cpuRequest: Quantity(cpu[0]),
  cpuLimit: Quantity(cpu[1]),
  memoryRequest: Quantity(memory[0]),
  memoryLimit: Quantity(memory[1]),
});
/** A limit in the API's notation (services/shared/config.ts `parseRateLimit`), e.g. "200/min". */
const Rate = (fallback: string) => T.String({ default: fallback });

export const ARCHITECTURES = ["x86_64", "arm64"] as const;
/** The canary ladder: a step's share of requests is one of these (100 is the promotion itself). */
export const CANARY_LADDER = [5, 10, 25, 50] as const;
/** The checks a canary analysis can run, each on the SLO queries the alerts use (addons/progressive-delivery.ts). */
export const CANARY_ANALYSES = ["success-rate", "latency", "task-failures"] as const;
/** The retentions CloudWatch Logs accepts (PutRetentionPolicy), in days. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
const Duration = (fallback?: string) => T.String({ pattern: "^\\d+(s|m|h)$", description: "a duration such as 30s, 5m or 1h", ...(fallback ? { default: fallback } : {}) });

const StackConfigSchema = T.Object({
  network: Section({
    cidrBlock: Cidr({ default: "10.0.0.0/16" }),
    /** Chosen by zone ID among the region's zones that EKS supports (network.ts). */
    availabilityZones: Int(2, 6, 2),
    /** 1 = one shared NAT gateway; equal to availabilityZones = one per AZ (no cross-AZ dependency). */
    natGateways: Int(1, 6, 1),
    /** Interface endpoints (ECR, STS, Secrets Manager, Logs) keep image pulls and AWS calls off the NAT. */
    interfaceEndpoints: Bool(false),
  }),
  cluster: Section({
    /** An EKS version in standard support (policy `aws-eks-cluster-require-standard-support`). */
    kubernetesVersion: T.String({ pattern: "^1\\.\\d+$", default: "1.35" }),
    /** CPU architecture of every node; the dev image build targets the same one. */
    architecture: OneOf(ARCHITECTURES, "x86_64"),
    /** The managed node group that runs the cluster's own controllers (Karpenter among them). */
    systemNodes: Section({
      instanceTypes: T.Array(T.String(), { minItems: 1, default: ["m6i.large"] }),
      capacityType: OneOf(["ON_DEMAND", "SPOT"] as const, "ON_DEMAND"),
      count: Int(1, 10, 2),
      diskGiB: Int(20, 1000, 50),
    }),
    /** What Karpenter may launch for everything else (its NodePool). */
    nodePool: Section({
      capacityTypes: T.Array(OneOf(["spot", "on-demand"] as const, "on-demand"), { minItems: 1, default: ["on-demand"] }),
      instanceCategories: T.Array(T.String({ pattern: "^[a-z]$" }), { minItems: 1, default: ["c", "m", "r"] }),
      /** Total vCPUs Karpenter may run at once: the cost ceiling. */
      cpuLimit: Int(2, 10_000, 32),
      diskGiB: Int(20, 1000, 50),
    }),
    /** CIDRs allowed to reach the public Kubernetes API endpoint; empty = private endpoint only. */
    publicAccessCidrs: T.Array(Cidr(), { default: [] }),
    /** Why the public endpoint is on at all (e.g. "CI runners outside the VPC"); required with publicAccessCidrs. */
    publicAccessReason: T.Optional(T.String({ minLength: 10 })),
    /** Who may administer the cluster besides whoever created it: IAM role ARNs given cluster-admin access entries. */
    access: Section({
      /** The role CI deploys with (`pulumi up` in the pipeline). */
      deployRole: T.Optional(T.String({ pattern: "^arn:aws[a-z-]*:iam::\\d{12}:role/.+$", description: "an IAM role ARN" })),
      /** The break-glass administrators' role, for incidents. */
      breakGlassRole: T.Optional(T.String({ pattern: "^arn:aws[a-z-]*:iam::\\d{12}:role/.+$", description: "an IAM role ARN" })),
    }),
  }),
  /**
   * Every CloudWatch log group the stack creates (control plane, VPC flow logs, WAF, RDS, and each
   * namespace's container logs): all KMS-encrypted, all expiring after this many days.
   */
  logs: Section({
    retentionDays: T.Union(LOG_RETENTION_DAYS.map((d) => T.Literal(d)), { default: 30, description: `one of ${LOG_RETENTION_DAYS.join(", ")}` }),
  }),
  /** Account-level detection; both are per account and region, so turn them on in one stack of each. */
  security: Section({
    /** GuardDuty with EKS audit-log and runtime monitoring. */
    guardDuty: Bool(false),
    /** ECR enhanced (continuous) scanning of every repository of the registry. */
    ecrEnhancedScanning: Bool(false),
  }),
  database: Section({
    engineVersion: T.String({ default: "17" }),
    instanceClass: T.String({ default: "db.t4g.micro" }),
    allocatedStorageGiB: Int(20, 65536, 20),
    maxAllocatedStorageGiB: Int(20, 65536, 100),
    multiAz: Bool(false),
    backupRetentionDays: Int(1, 35, 7),
    deletionProtection: Bool(true),
    /** false = keep a final snapshot when the instance is deleted. */
    skipFinalSnapshot: Bool(false),
    /** Pulumi's `protect`: no `up` or `destroy` may delete or replace the instance until it is turned off. */
    protect: Bool(false),
    /** Performance Insights (7 days, the free retention): which queries load the database, for the dashboards and incidents. */
    performanceInsights: Bool(false),
  }),
  redis: Section({
    engineVersion: T.String({ default: "7.1" }),
    nodeType: T.String({ default: "cache.t4g.micro" }),
    /** Read replicas besides the primary; > 0 enables automatic failover and Multi-AZ. */
    replicas: Int(0, 5, 0),
    snapshotRetentionDays: Int(0, 35, 1),
    protect: Bool(false),
    /** Raise by one to rotate the AUTH token: ElastiCache accepts the old and the new one until it is retired (docs/deploying.md). */
    authTokenGeneration: Int(1, 1_000_000, 1),
  }),
  /**
   * AWS Backup of the database (backup.ts), beside RDS's own point-in-time recovery: daily
   * snapshots in a locked vault, copied to a second region for a disaster that takes this one.
   */
  backup: Section({
    enabled: Bool(false),
    /** Days each daily snapshot is kept, in both regions; the vault lock refuses shorter. */
    retentionDays: Int(7, 36500, 35),
    /** When the daily backup starts: AWS Backup's cron, in UTC. */
    schedule: T.String({ pattern: "^cron\\(.+\\)$", default: "cron(0 5 * * ? *)", description: "an AWS Backup cron expression such as cron(0 5 * * ? *)" }),
    /** Where the copies go (another region than the stack's); unset = no copy. */
    copyRegion: T.Optional(T.String({ pattern: "^[a-z]{2}(-gov)?-[a-z]+-\\d$", description: "an AWS region such as us-west-2" })),
    /**
     * governance: only those allowed to bypass the lock may delete a backup early; compliance:
     * nobody, root included, once 3 days have passed since the first `up` (until then it can be removed).
     */
    vaultLock: OneOf(["governance", "compliance"] as const, "governance"),
  }),
  images: Section({
    /** Stack to take image digests from (`<org>/<project>/<stack>`); unset = build the images here. */
    promoteFrom: T.Optional(T.String({ pattern: "^[^/\\s]+/[^/\\s]+/[^/\\s]+$" })),
  }),
  /** The services on the cluster. */
  app: Section({
    namespace: T.String({ default: "mlts" }),
    logLevel: OneOf(["debug", "info", "warn", "error"] as const, "info"),
    /** The browser origin(s) allowed to call the API (CORS_ORIGIN). Required. */
    corsOrigin: T.String({ minLength: 1 }),
    /** The one source of the rate limits: the API's RATE_LIMIT_* and the ingress gateway's buckets. */
    rateLimits: Section({
      perIp: Rate("200/min"),
      login: Rate("10/min"),
      register: Rate("5/hour"),
      predict: Rate("30/min"),
      batch: Rate("10/hour"),
    }),
    api: Section({
      /** The HorizontalPodAutoscaler's range (CPU). */
      minReplicas: Int(1, 100, 1),
      maxReplicas: Int(1, 100, 3),
      targetCpuPercent: Int(10, 100, 70),
      resources: Resources(["100m", "500m"], ["128Mi", "256Mi"]),
      /** How a new api image reaches every request (Argo Rollouts). */
      delivery: Section({
        strategy: OneOf(["canary", "blueGreen"] as const, "canary"),
        /** Canary: each step's share of requests and how long it is watched before the next; then 100 %. */
        steps: T.Array(Section({ weight: T.Integer({ minimum: 1, maximum: 99 }), pause: Duration() }), {
          minItems: 1,
          default: [{ weight: 5, pause: "2m" }, { weight: 10, pause: "5m" }, { weight: 25, pause: "10m" }, { weight: 50, pause: "10m" }],
        }),
        /** Canary: the checks run on the canary's own requests from the first step on; one failure aborts. */
        analysis: T.Array(OneOf(CANARY_ANALYSES, "success-rate"), { minItems: 1, default: [...CANARY_ANALYSES] }),
        /** Canary: requests the canary must have served in a check's window before its ratios count. */
        minimumRequests: Int(1, 1_000_000, 50),
        /** Blue/green: switch to the new version as soon as its preview passed the smoke test (else by hand). */
        autoPromotion: Bool(false),
      }),
    }),
    worker: Section({
      /** KEDA's range on the queue backlog; 0 lets an idle worker scale to zero. */
      minReplicas: Int(0, 100, 1),
      maxReplicas: Int(1, 500, 5),
      /** Backlog one worker absorbs: replicas = ceil(backlog / jobsPerReplica). */
      jobsPerReplica: Int(1, 10_000, 20),
      concurrency: Int(1, 1000, 10),
      shutdownGraceSeconds: Int(10, 3600, 60),
      resources: Resources(["250m", "1"], ["256Mi", "512Mi"]),
    }),
    /** Raise by one to rotate the JWT signing key; tokens signed with the last key keep working until the next raise. */
    jwtKeyGeneration: Int(1, 1_000_000, 1),
    /** Extra environment for both services (not the variables the program sets itself). */
    env: T.Record(T.String({ pattern: "^[A-Z_][A-Z0-9_]*$" }), T.String(), { default: {} }),
  }),
  addons: Section({
    /** The API's front door: an ALB with a WAF in front of the Istio ingress gateway. */
    edge: Section({
      /** Who may reach the load balancer: required, never guessed (`0.0.0.0/0` for a public API). */
      allowedCidrs: T.Array(Cidr(), { minItems: 1 }),
      /** The API's name (`https://<domain>`), its certificate validated by DNS in `hostedZone`. */
      domain: T.Optional(T.String({ pattern: "^([a-z0-9]([-a-z0-9]*[a-z0-9])?\\.)+[a-z]{2,}$", description: "a DNS name such as api.example.org" })),
      /** The Route 53 public hosted zone the domain lives in, by name. */
      hostedZone: T.Optional(T.String({ pattern: "^([a-z0-9]([-a-z0-9]*[a-z0-9])?\\.)+[a-z]{2,}$", description: "a hosted zone name such as example.org" })),
      /** No domain, plain HTTP on the load balancer's own name: only where a stack says so (dev). */
      plainHttp: Bool(false),
    }),
    /** Chaos Mesh and its scheduled experiments (policy: never in prod). */
    chaos: Section({ enabled: Bool(false) }),
    observability: Section({
      retention: T.String({ pattern: "^\\d+[dhw]$", default: "7d" }),
      storageGiB: Int(5, 10_000, 20),
      /** Where alerts go: an SNS topic with these email subscriptions. Required. */
      alertEmails: T.Array(T.String({ pattern: "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$" }), { minItems: 1 }),
      /**
       * Receivers besides email (addons/alerting.ts): Slack gets every alert, PagerDuty pages the
       * critical ones. Their webhook URL and routing key are never in this file: they are values of
       * the stack's alert-receivers secret in Secrets Manager (docs/deploying.md).
       */
      alertReceivers: Section({ slack: Bool(false), pagerDuty: Bool(false) }),
    }),
    tracing: Section({ samplingRatio: T.Number({ minimum: 0, maximum: 1, default: 0.1 }) }),
  }),
}, { additionalProperties: false });

export type StackConfig = Static<typeof StackConfigSchema> & { name: string };
export type NetworkConfig = StackConfig["network"];
export type ClusterConfig = StackConfig["cluster"];
export type DatabaseConfig = StackConfig["database"];
export type RedisConfig = StackConfig["redis"];
export type ImagesConfig = StackConfig["images"];
export type BackupConfig = StackConfig["backup"];
export type AppConfig = StackConfig["app"];
export type AddonsConfig = StackConfig["addons"];
export type Architecture = ClusterConfig["architecture"];
export type WorkloadResources = AppConfig["api"]["resources"];
export type RateLimitName = keyof AppConfig["rateLimits"];

/** A bad, missing or placeholder value, named by its full key so the fix is obvious. */
export class StackConfigError extends Error {
  constructor(key: string, problem: string) {
    super(`Invalid stack config ${key}: ${problem}`);
    this.name = "StackConfigError";
  }
}

/** The section names under the `mlts` namespace, each an object in Pulumi.<stack>.yaml. */
const SECTIONS = Object.keys(StackConfigSchema.properties) as (keyof typeof StackConfigSchema.properties)[];

/** `/app/api/minReplicas` → `mlts:app.api.minReplicas`; `/addons/gateway/allowedCidrs/0` → `…allowedCidrs[0]` */
const keyOf = (path: string) => `mlts:${path.split("/").filter(Boolean).map((part, i) => (i > 0 && /^\d+$/.test(part) ? `[${part}]` : `${i > 0 ? "." : ""}${part}`)).join("")}`;

/**
 * Reads and validates the whole stack config. `raw` defaults to the running stack's `mlts:*`
 * values; tests pass their own. Throws StackConfigError naming the first bad key.
 */
export function loadConfig(raw: Record<string, unknown> = readStack(), stack = pulumi.getStack()): StackConfig {
  let value: unknown = Value.Convert(StackConfigSchema, Value.Default(StackConfigSchema, structuredClone(raw)));
  const error = Value.Errors(StackConfigSchema, value).First();
  if (error) {
    const expected = error.schema.description ? `must be ${error.schema.description}` : error.message;
    throw new StackConfigError(keyOf(error.path), error.value === undefined ? `is required (${expected})` : `${expected}, got ${JSON.stringify(error.value)}`);
  }
  const config = { ...(value as Static<typeof StackConfigSchema>), name: `mlts-${stack}` };
  checkRelations(config);
  refusePlaceholders(config);
  return config;
}

/**
 * The tags the AWS provider puts on every resource it creates (`aws:defaultTags`), for what AWS
 * launches on our behalf (nodes, their volumes, CSI volumes), which the provider never sees.
 */
export function stackTags(): Record<string, string> {
  return new pulumi.Config("aws").getObject<{ tags?: Record<string, string> }>("defaultTags")?.tags ?? {};
}

function readStack(): Record<string, unknown> {
  const config = new pulumi.Config("mlts");
  return Object.fromEntries(SECTIONS.map((section) => [section, config.getObject<unknown>(section)]).filter(([, v]) => v !== undefined));
}

/** Rules across keys, which a per-field schema cannot say. */
function checkRelations(c: StackConfig): void {
  const fail = (key: string, problem: string) => { throw new StackConfigError(`mlts:${key}`, problem); };
  if (c.network.natGateways > c.network.availabilityZones) fail("network.natGateways", `must be at most availabilityZones (${c.network.availabilityZones})`);
  if (c.app.api.maxReplicas < c.app.api.minReplicas) fail("app.api.maxReplicas", `must be at least minReplicas (${c.app.api.minReplicas})`);
  if (c.app.worker.maxReplicas < c.app.worker.minReplicas) fail("app.worker.maxReplicas", `must be at least minReplicas (${c.app.worker.minReplicas})`);
  if (c.database.maxAllocatedStorageGiB < c.database.allocatedStorageGiB) fail("database.maxAllocatedStorageGiB", "must be at least allocatedStorageGiB");
  const { edge } = c.addons;
  if (edge.plainHttp && edge.domain) fail("addons.edge.plainHttp", "must be false when a domain is set (the domain is served over HTTPS)");
  if (!edge.plainHttp && !edge.domain) fail("addons.edge.domain", "is required (the API is served over HTTPS on it), unless addons.edge.plainHttp is true");
  if (c.cluster.publicAccessCidrs.length > 0 && !c.cluster.publicAccessReason) fail("cluster.publicAccessReason", "is required while publicAccessCidrs opens the public endpoint: say who needs it");
  if (edge.domain && (!edge.hostedZone || !`.${edge.domain}`.endsWith(`.${edge.hostedZone}`))) fail("addons.edge.hostedZone", `must be the Route 53 zone ${edge.domain} belongs to, got ${JSON.stringify(edge.hostedZone)}`);
  const region = new pulumi.Config("aws").get("region");
  if (c.backup.copyRegion !== undefined && c.backup.copyRegion === region) fail("backup.copyRegion", `must be another region than the stack's (${region}): a copy in the same region survives nothing the original does not`);
  c.app.api.delivery.steps.forEach(({ weight }, i, steps) => {
    if (!(CANARY_LADDER as readonly number[]).includes(weight)) fail(`app.api.delivery.steps[${i}].weight`, `must be a step of the ladder ${CANARY_LADDER.join(", ")} (then 100), got ${weight}`);
    if (i > 0 && weight <= steps[i - 1]!.weight) fail(`app.api.delivery.steps[${i}].weight`, `must rise from the step before (${steps[i - 1]!.weight}), got ${weight}`);
  });
  for (const [name, limit] of Object.entries(c.app.rateLimits)) {
    try {
      parseRateLimit(limit);
    } catch (error) {
      fail(`app.rateLimits.${name}`, (error as Error).message);
    }
  }
  const reserved = Object.keys(c.app.env).filter((name) => PROGRAM_ENV.some((prefix) => name.startsWith(prefix)));
  if (reserved.length > 0) fail(`app.env.${reserved[0]}`, "is set by the program from its own key (see infra/app); set that key instead");
}

/** Environment the program derives from other keys: setting it in `app.env` would give a fact two sources. */
const PROGRAM_ENV = ["NODE_ENV", "PORT", "WORKER_PORT", "LOG_LEVEL", "CORS_ORIGIN", "WORKER_CONCURRENCY", "RATE_LIMIT_", "TRUST_PROXY", "DATABASE_URL", "REDIS_URL", "JWT_", "OTEL_EXPORTER_OTLP_ENDPOINT"];

/**
 * The stack files ship documentation values where only the team can know the real one (who may
 * reach the API, the Pulumi org, the domain, who gets alerts). Deployed as they are, the result is
 * unreachable or silent, so any such value anywhere in the config stops the program.
 */
function refusePlaceholders(config: StackConfig): void {
  const visit = (value: unknown, key: string): void => {
    if (typeof value === "string") {
      const reason = placeholderReason(value);
      if (reason) throw new StackConfigError(key, `${JSON.stringify(value)} is a placeholder (${reason}); set your own value before deploying (docs/deploying.md)`);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${key}[${i}]`));
    } else if (typeof value === "object" && value !== null) {
      for (const [field, child] of Object.entries(value)) visit(child, `${key}.${field}`);
    }
  };
  for (const section of SECTIONS) visit(config[section], `mlts:${section}`);
}

/** Address blocks reserved for documentation (RFC 5737): never a real client or office. */
const DOCUMENTATION_NETWORKS = ["192.0.2.", "198.51.100.", "203.0.113."];
/** Domains reserved for examples and tests (RFC 2606, RFC 6761). */
const EXAMPLE_DOMAIN = /(^|[.@/])(example\.(com|net|org)|[^.\s/]+\.(example|test|invalid|localhost))(\b|$)/i;
/** Organization names that only ever appear in examples. */
const EXAMPLE_ORGS = new Set(["acme", "example", "your-org", "my-org", "org"]);

/** Why a config string is a placeholder, or undefined when it could be real. */
export function placeholderReason(value: string): string | undefined {
  if (DOCUMENTATION_NETWORKS.some((prefix) => value.startsWith(prefix))) return "an address range reserved for documentation, RFC 5737";
  if (EXAMPLE_DOMAIN.test(value)) return "a domain reserved for examples, RFC 2606";
  const org = /^([^/\s]+)\/[^/\s]+\/[^/\s]+$/.exec(value)?.[1];
  if (org !== undefined && EXAMPLE_ORGS.has(org.toLowerCase())) return `the example organization "${org}"`;
  if (/<[^>]*>|\bREPLACE[-_ ]?ME\b|\bCHANGE[-_ ]?ME\b|\bEXAMPLE\b/.test(value)) return "a fill-in marker";
  if (/\b123456789012\b/.test(value)) return "the account ID AWS's documentation uses";
  return undefined;
}
