import * as pulumi from "@pulumi/pulumi";

/**
 * The stack configuration, read once from `Pulumi.<stack>.yaml` and validated.
 *
 * Every environment difference lives in those files as one object per concern
 * (`mlts:network`, `mlts:cluster`, ...). A key left out takes the default written
 * next to it below; defaults are the cheap-but-safe choice, so production values
 * (Multi-AZ, replicas, on-demand nodes) are spelled out in `Pulumi.prod.yaml`.
 * Values may be typed YAML or strings (as `pulumi config set --path` writes them).
 * To add a concern: a section reader below and one field in `StackConfig`.
 */
export interface StackConfig {
  /** Name prefix for AWS resources and the EKS cluster: `mlts-<stack>`. */
  name: string;
  network: NetworkConfig;
  cluster: ClusterConfig;
  database: DatabaseConfig;
  redis: RedisConfig;
  images: ImagesConfig;
  app: AppConfig;
}

export interface NetworkConfig {
  cidrBlock: string;
  availabilityZones: number;
  /** 1 = one shared NAT gateway; equal to availabilityZones = one per AZ (no cross-AZ dependency). */
  natGateways: number;
  /** Interface endpoints (ECR, STS, Secrets Manager, Logs) keep image pulls and AWS calls off the NAT. */
  interfaceEndpoints: boolean;
}

export type Architecture = "x86_64" | "arm64";

export interface ClusterConfig {
  kubernetesVersion: string;
  /** CPU architecture of the nodes; the dev image build targets the same one. */
  architecture: Architecture;
  instanceTypes: string[];
  capacityType: "ON_DEMAND" | "SPOT";
  minNodes: number;
  desiredNodes: number;
  maxNodes: number;
  nodeDiskGiB: number;
  /** CIDRs allowed to reach the public Kubernetes API endpoint; empty = private endpoint only. */
  publicAccessCidrs: string[];
  logRetentionDays: number;
}

export interface DatabaseConfig {
  engineVersion: string;
  instanceClass: string;
  allocatedStorageGiB: number;
  maxAllocatedStorageGiB: number;
  multiAz: boolean;
  backupRetentionDays: number;
  deletionProtection: boolean;
  /** false = keep a final snapshot when the instance is deleted. */
  skipFinalSnapshot: boolean;
}

export interface RedisConfig {
  engineVersion: string;
  nodeType: string;
  /** Read replicas besides the primary; > 0 enables automatic failover and Multi-AZ. */
  replicas: number;
  snapshotRetentionDays: number;
}

export interface ImagesConfig {
  /** Stack to take image digests from (`<org>/<project>/<stack>`); unset = build the images here. */
  promoteFrom?: string;
}

export interface WorkloadConfig {
  replicas: number;
  cpuRequest: string;
  cpuLimit: string;
  memoryRequest: string;
  memoryLimit: string;
}

/**
 * The services on the cluster. Clients reach the API only through the Istio ingress gateway (its
 * load balancer and who may reach it: `mlts:addons.gateway`); the `api` Service is cluster-internal.
 */
export interface AppConfig {
  namespace: string;
  logLevel: "debug" | "info" | "warn" | "error";
  corsOrigin: string;
  /**
   * The image the stable `api` Deployment runs instead of the stack's api image (built in dev,
   * promoted elsewhere): set it to the running digest (`pulumi stack output apiImage`) before a
   * canary so that `pulumi up` moves only the canary. Unset = the stack's api image.
   */
  stableImage?: string;
  /**
   * The image the `api-canary` Deployment runs while `mlts:addons.canary.weight` is above 0 (no
   * canary runs at 0). Unset = the stack's api image, i.e. the release a held stable has not taken yet.
   */
  canaryImage?: string;
  api: WorkloadConfig & { maxReplicas: number; targetCpuPercent: number };
  worker: WorkloadConfig & { concurrency: number; shutdownGraceSeconds: number };
  /** Extra environment for both services, e.g. RATE_LIMIT_* overrides. */
  env: Record<string, string>;
}

/** A bad or missing value, named by its full key so the fix is obvious. */
export class ConfigError extends Error {
  constructor(key: string, problem: string) {
    super(`Invalid stack config ${key}: ${problem}`);
    this.name = "ConfigError";
  }
}

type Raw = Record<string, unknown>;

/** Typed getters over one config object, e.g. `mlts:database`. */
class Section {
  constructor(private readonly key: string, private readonly raw: Raw) {}

  private value<T>(field: string, fallback: T | undefined, parse: (v: unknown) => T | undefined, expected: string): T {
    const v = this.raw[field];
    const full = `${this.key}.${field}`;
    if (v === undefined || v === null || v === "") {
      if (fallback === undefined) throw new ConfigError(full, `is required (${expected})`);
      return fallback;
    }
    const parsed = parse(v);
    if (parsed === undefined) throw new ConfigError(full, `must be ${expected}, got ${JSON.stringify(v)}`);
    return parsed;
  }

  string(field: string, fallback?: string): string {
    return this.value(field, fallback, (v) => (typeof v === "string" ? v : undefined), "a string");
  }

  optionalString(field: string): string | undefined {
    const v = this.raw[field];
    return v === undefined || v === "" ? undefined : this.string(field);
  }

  oneOf<T extends string>(field: string, allowed: readonly T[], fallback?: T): T {
    const isAllowed = (v: unknown): v is T => typeof v === "string" && (allowed as readonly string[]).includes(v);
    return this.value(field, fallback, (v) => (isAllowed(v) ? v : undefined), `one of ${allowed.join(", ")}`);
  }

  int(field: string, min: number, max: number, fallback?: number): number {
    const parse = (v: unknown) => {
      const n = typeof v === "string" ? Number(v) : v;
      return typeof n === "number" && Number.isInteger(n) && n >= min && n <= max ? n : undefined;
    };
    return this.value(field, fallback, parse, `an integer from ${min} to ${max}`);
  }

  bool(field: string, fallback?: boolean): boolean {
    const parse = (v: unknown) => (typeof v === "boolean" ? v : v === "true" ? true : v === "false" ? false : undefined);
    return this.value(field, fallback, parse, "true or false");
  }

  strings(field: string, fallback?: string[]): string[] {
    const parse = (v: unknown) => (Array.isArray(v) && v.every((s) => typeof s === "string") ? (v as string[]) : undefined);
    return this.value(field, fallback, parse, "a list of strings");
  }

  cidr(field: string, fallback?: string): string {
    return this.value(field, fallback, (v) => (typeof v === "string" && CIDR.test(v) ? v : undefined), "an IPv4 CIDR");
  }

  cidrs(field: string, fallback?: string[]): string[] {
    const list = this.strings(field, fallback);
    const bad = list.find((c) => !CIDR.test(c));
    if (bad !== undefined) throw new ConfigError(`${this.key}.${field}`, `${JSON.stringify(bad)} is not an IPv4 CIDR`);
    return list;
  }

  stringMap(field: string): Record<string, string> {
    const parse = (v: unknown) =>
      typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every((s) => typeof s === "string")
        ? (v as Record<string, string>)
        : undefined;
    return this.value(field, {}, parse, "a map of strings");
  }

  /** A nested object such as `mlts:app.api`. */
  section(field: string): Section {
    return new Section(`${this.key}.${field}`, this.value(field, {}, asObject, "an object"));
  }
}

/** An IPv4 CIDR, as the config readers here and in addons/config.ts accept it. */
export const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;

function asObject(v: unknown): Raw | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Raw) : undefined;
}

function readSection(config: pulumi.Config, name: string): Section {
  const key = `${config.name}:${name}`;
  const raw = config.getObject<unknown>(name) ?? {};
  const obj = asObject(raw);
  if (obj === undefined) throw new ConfigError(key, "must be an object");
  return new Section(key, obj);
}

function workload(s: Section, defaults: WorkloadConfig): WorkloadConfig {
  return {
    replicas: s.int("replicas", 1, 100, defaults.replicas),
    cpuRequest: s.string("cpuRequest", defaults.cpuRequest),
    cpuLimit: s.string("cpuLimit", defaults.cpuLimit),
    memoryRequest: s.string("memoryRequest", defaults.memoryRequest),
    memoryLimit: s.string("memoryLimit", defaults.memoryLimit),
  };
}

/** Reads and validates the whole stack config; throws ConfigError naming the first bad key. */
export function loadConfig(): StackConfig {
  const config = new pulumi.Config("mlts");
  const network = readSection(config, "network");
  const cluster = readSection(config, "cluster");
  const database = readSection(config, "database");
  const redis = readSection(config, "redis");
  const images = readSection(config, "images");
  const app = readSection(config, "app");
  const api = app.section("api");
  const worker = app.section("worker");

  const availabilityZones = network.int("availabilityZones", 2, 6, 2);
  const minNodes = cluster.int("minNodes", 1, 100, 1);
  const maxNodes = cluster.int("maxNodes", minNodes, 100, 3);
  const apiWorkload = workload(api, { replicas: 1, cpuRequest: "100m", cpuLimit: "500m", memoryRequest: "128Mi", memoryLimit: "256Mi" });

  return {
    name: `mlts-${pulumi.getStack()}`,
    network: {
      cidrBlock: network.cidr("cidrBlock", "10.0.0.0/16"),
      availabilityZones,
      natGateways: network.int("natGateways", 1, availabilityZones, 1),
      interfaceEndpoints: network.bool("interfaceEndpoints", false),
    },
    cluster: {
      kubernetesVersion: cluster.string("kubernetesVersion", "1.33"),
      architecture: cluster.oneOf("architecture", ["x86_64", "arm64"] as const, "x86_64"),
      instanceTypes: cluster.strings("instanceTypes", ["t3.large"]),
      capacityType: cluster.oneOf("capacityType", ["ON_DEMAND", "SPOT"] as const, "ON_DEMAND"),
      minNodes,
      desiredNodes: cluster.int("desiredNodes", minNodes, maxNodes, minNodes),
      maxNodes,
      nodeDiskGiB: cluster.int("nodeDiskGiB", 20, 1000, 50),
      publicAccessCidrs: cluster.cidrs("publicAccessCidrs", []),
      logRetentionDays: cluster.int("logRetentionDays", 1, 3653, 30),
    },
    database: {
      engineVersion: database.string("engineVersion", "17"),
      instanceClass: database.string("instanceClass", "db.t4g.micro"),
      allocatedStorageGiB: database.int("allocatedStorageGiB", 20, 65536, 20),
      maxAllocatedStorageGiB: database.int("maxAllocatedStorageGiB", 20, 65536, 100),
      multiAz: database.bool("multiAz", false),
      backupRetentionDays: database.int("backupRetentionDays", 1, 35, 7),
      deletionProtection: database.bool("deletionProtection", true),
      skipFinalSnapshot: database.bool("skipFinalSnapshot", false),
    },
    redis: {
      engineVersion: redis.string("engineVersion", "7.1"),
      nodeType: redis.string("nodeType", "cache.t4g.micro"),
      replicas: redis.int("replicas", 0, 5, 0),
      snapshotRetentionDays: redis.int("snapshotRetentionDays", 0, 35, 1),
    },
    images: { promoteFrom: images.optionalString("promoteFrom") },
    app: {
      namespace: app.string("namespace", "mlts"),
      logLevel: app.oneOf("logLevel", ["debug", "info", "warn", "error"] as const, "info"),
      corsOrigin: app.string("corsOrigin"),
      stableImage: app.optionalString("stableImage"),
      canaryImage: app.optionalString("canaryImage"),
      api: {
        ...apiWorkload,
        maxReplicas: api.int("maxReplicas", apiWorkload.replicas, 100, Math.max(apiWorkload.replicas, 3)),
        targetCpuPercent: api.int("targetCpuPercent", 10, 100, 70),
      },
      worker: {
        ...workload(worker, { replicas: 1, cpuRequest: "250m", cpuLimit: "1", memoryRequest: "256Mi", memoryLimit: "512Mi" }),
        concurrency: worker.int("concurrency", 1, 1000, 10),
        shutdownGraceSeconds: worker.int("shutdownGraceSeconds", 10, 3600, 60),
      },
      env: app.stringMap("env"),
    },
  };
}
