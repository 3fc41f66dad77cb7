// The one place a process reads its environment (12-factor). Validated at start: a bad value stops
// the process with a message that names the variable.

const DEV_JWT_SECRET = "dev-only-insecure-jwt-secret-change-me";

import { ConfigError } from "./errors.ts";

export interface RateLimit {
  max: number;
  windowMs: number;
}

export interface Config {
  env: "development" | "test" | "production";
  port: number;
  workerPort: number;
  databaseUrl: string;
  dbPoolSize: number;
  redisUrl: string;
  /** Prepended to every BullMQ key, so tests and benchmarks can share one Redis. */
  queuePrefix: string;
  jwtSecret: string;
  jwtTtlSeconds: number;
  logLevel: "debug" | "info" | "warn" | "error";
  corsOrigin: string;
  /** Behind the ingress gateway: take the client IP from the last X-Forwarded-For hop. */
  trustProxy: boolean;
  bodyLimitBytes: number;
  rateLimits: {
    enabled: boolean;
    perIp: RateLimit;
    login: RateLimit;
    register: RateLimit;
    predict: RateLimit;
    batch: RateLimit;
  };
  workerConcurrency: number;
  /**
   * Jobs the predict queue runs at once. A predict task is milliseconds of CPU between database
   * round trips, so more of them in flight share statements (TickBatcher) instead of waiting;
   * train and drift-check tasks are CPU-bound and keep workerConcurrency.
   */
  workerPredictConcurrency: number;
  /** How long a worker's job lock lasts, and how often stalled jobs (lock expired) are recovered. */
  workerLockDurationMs: number;
  workerStalledIntervalMs: number;
  reconcileIntervalMs: number;
  /** The reconciler leaves younger tasks alone: the API may be between its insert and its enqueue. */
  reconcileGraceMs: number;
  otlpEndpoint: string | undefined;
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name] || fallback;
  if (!allowed.includes(raw as T)) throw new ConfigError(`${name} must be one of ${allowed.join(", ")}, got "${raw}"`);
  return raw as T;
}

function url(env: Env, name: string, protocols: string[], fallback: string | undefined): string {
  const raw = env[name] || fallback;
  if (!raw) throw new ConfigError(`${name} is required in production`);
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(" or ")}`);
  }
  return raw;
}

/** A limit written as "<max>/<window>", e.g. "200/min", "5/hour", "30/10s". */
function rateLimit(env: Env, name: string, fallback: string): RateLimit {
  const raw = env[name] || fallback;
  const match = /^(\d+)\/(\d*)(s|sec|min|h|hour)$/.exec(raw);
  if (!match) throw new ConfigError(`${name} must look like 200/min, 5/hour or 30/10s, got "${raw}"`);
  const unitMs = { s: 1_000, sec: 1_000, min: 60_000, h: 3_600_000, hour: 3_600_000 }[match[3] as "s"];
  return { max: Number(match[1]), windowMs: Number(match[2] || 1) * unitMs };
}

export function loadConfig(env: Env = process.env): Config {
  const mode = oneOf(env, "NODE_ENV", ["development", "test", "production"], "development");
  const production = mode === "production";
  // Local defaults make `bun dev` work with zero configuration; production must say everything.
  const local = (value: string) => (production ? undefined : value);

  const jwtSecret = env.JWT_SECRET || local(DEV_JWT_SECRET);
  if (!jwtSecret) throw new ConfigError("JWT_SECRET is required in production");
  if (production && (jwtSecret === DEV_JWT_SECRET || jwtSecret.length < 32)) {
    throw new ConfigError("JWT_SECRET must be a random secret of at least 32 characters in production");
  }

  return {
    env: mode,
    port: int(env, "PORT", 3000),
    workerPort: int(env, "WORKER_PORT", 3001),
    databaseUrl: url(env, "DATABASE_URL", ["postgresql:", "postgres:"], local("postgresql://postgres@127.0.0.1:5432/mlts")),
    dbPoolSize: int(env, "DB_POOL_SIZE", 10, 1),
    redisUrl: url(env, "REDIS_URL", ["redis:", "rediss:"], local("redis://127.0.0.1:6379")),
    queuePrefix: env.QUEUE_PREFIX || "bull",
    jwtSecret,
    jwtTtlSeconds: int(env, "JWT_TTL_SECONDS", 3600, 60),
    logLevel: oneOf(env, "LOG_LEVEL", ["debug", "info", "warn", "error"], "info"),
    corsOrigin: env.CORS_ORIGIN || (production ? "" : "*"),
    trustProxy: oneOf(env, "TRUST_PROXY", ["true", "false"], "false") === "true",
    bodyLimitBytes: int(env, "BODY_LIMIT_BYTES", 1_048_576, 1024),
    rateLimits: {
      enabled: oneOf(env, "RATE_LIMIT_ENABLED", ["true", "false"], "true") === "true",
      perIp: rateLimit(env, "RATE_LIMIT_PER_IP", "200/min"),
      login: rateLimit(env, "RATE_LIMIT_LOGIN", "10/min"),
      register: rateLimit(env, "RATE_LIMIT_REGISTER", "5/hour"),
      predict: rateLimit(env, "RATE_LIMIT_PREDICT", "30/min"),
      batch: rateLimit(env, "RATE_LIMIT_BATCH", "10/hour"),
    },
    workerConcurrency: int(env, "WORKER_CONCURRENCY", 8, 1),
    workerPredictConcurrency: int(env, "WORKER_PREDICT_CONCURRENCY", 4 * int(env, "WORKER_CONCURRENCY", 8, 1), 1),
    workerLockDurationMs: int(env, "WORKER_LOCK_DURATION_MS", 30_000, 1_000),
    workerStalledIntervalMs: int(env, "WORKER_STALLED_INTERVAL_MS", 30_000, 500),
    reconcileIntervalMs: int(env, "RECONCILE_INTERVAL_MS", 30_000, 100),
    reconcileGraceMs: int(env, "RECONCILE_GRACE_MS", 10_000, 1_000),
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
  };
}

/** Loads the config or exits with the reason: the first thing each process does. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Configuration error: ${error.message}`);
    process.exit(78); // EX_CONFIG
  }
}
