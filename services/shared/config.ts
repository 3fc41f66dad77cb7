// The one place a process reads its environment (12-factor): one schema of every variable, with its
// default and meaning, and the typed config derived from it. Validated at start: a bad value stops
// the process (exit code 78) with a message that names the variable. The README's configuration
// table lists the same variables (a test keeps the two in step).
import { FormatRegistry, type Static, type StaticDecode, type TLiteral, type TSchema, type TUnion, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { ConfigError } from "./errors.ts";

export interface RateLimit {
  max: number;
  windowMs: number;
}

const WINDOW_UNITS_MS = { s: 1_000, sec: 1_000, min: 60_000, h: 3_600_000, hour: 3_600_000 } as const;

/**
 * The notation of a rate limit, the reference for every component that reads one (the API, and
 * the ingress gateway's limits in infra/): `<count>/<n?><unit>`, so many requests per window of
 * `n` units (1 when left out), the unit one of `s` (or `sec`), `min`, `h` (or `hour`).
 * E.g. `200/min`, `5/hour`, `30/10s`.
 */
export const RATE_LIMIT_PATTERN = /^(\d+)\/([1-9]\d*)?(s|sec|min|h|hour)$/;

/** Reads a limit written in RATE_LIMIT_PATTERN's notation; throws on anything else. */
export function parseRateLimit(text: string): RateLimit {
  const match = RATE_LIMIT_PATTERN.exec(text);
  if (!match) throw new Error(`"${text}" is not a rate limit: write <count>/<n?><unit>, unit s, sec, min, h or hour (e.g. 200/min, 5/hour, 30/10s)`);
  const unit = match[3] as keyof typeof WINDOW_UNITS_MS;
  return { max: Number(match[1]), windowMs: Number(match[2] ?? 1) * WINDOW_UNITS_MS[unit] };
}

const DEV_JWT_SECRET = "dev-only-insecure-jwt-secret-change-me";

/**
 * What each variable's schema carries besides TypeBox's own keywords: the words of its error
 * message, whether its value may be echoed in that message (never a secret or a URL with a
 * password), and how production differs from the local defaults.
 */
interface VariableOptions {
  description: string;
  expected: string;
  secret?: boolean;
  /** Production has no default for it: it must be set. */
  requiredInProduction?: boolean;
  /** Production's default, when it differs from the local one. */
  productionDefault?: string;
}

const integer = (fallback: number | undefined, minimum: number, description: string) =>
  Type.Integer({ default: fallback, minimum, description, expected: `an integer >= ${minimum}` });
const oneOf = <const T extends readonly string[]>(values: T, fallback: T[number], description: string) =>
  Type.Union(
    values.map((value) => Type.Literal(value)),
    { default: fallback, description, expected: `one of ${values.join(", ")}` },
  ) as unknown as TUnion<{ -readonly [K in keyof T]: TLiteral<T[K]> }>; // a tuple, as StaticDecode needs
const flag = (fallback: boolean, description: string) =>
  Type.Transform(Type.Union([Type.Literal("true"), Type.Literal("false")], { default: String(fallback), description, expected: "true or false" }))
    .Decode((value) => value === "true")
    .Encode((value) => (value ? "true" : "false"));
const text = (fallback: string | undefined, description: string, options: Partial<VariableOptions> = {}) =>
  Type.String({ default: fallback, description, expected: "a string", ...options });

// Connection strings are checked as URLs of their scheme, and never echoed (they carry passwords).
const URL_SCHEMES = { "postgresql-url": ["postgresql:", "postgres:"], "redis-url": ["redis:", "rediss:"] } as const;
for (const [format, schemes] of Object.entries(URL_SCHEMES)) {
  FormatRegistry.Set(format, (value) => URL.canParse(value) && (schemes as readonly string[]).includes(new URL(value).protocol));
}
const url = (format: keyof typeof URL_SCHEMES, fallback: string, description: string) =>
  Type.String({
    format,
    default: fallback,
    description,
    expected: `a URL starting with ${URL_SCHEMES[format].map((scheme) => `${scheme}//`).join(" or ")}`,
    secret: true,
    requiredInProduction: true,
  });
const rate = (fallback: string, description: string) =>
  Type.Transform(Type.String({ pattern: RATE_LIMIT_PATTERN.source, default: fallback, description, expected: "a limit like 200/min, 5/hour or 30/10s" }))
    .Decode(parseRateLimit)
    .Encode(({ max, windowMs }) => `${max}/${windowMs / 1000}s`);

/** Every environment variable the services read, with its local default. */
export const configSchema = Type.Object({
  NODE_ENV: oneOf(["development", "test", "production"], "development", "development, test or production"),
  PORT: integer(3000, 0, "API port"),
  WORKER_PORT: integer(3001, 0, "worker's /health and /metrics port"),
  DATABASE_URL: url("postgresql-url", "postgresql://postgres@127.0.0.1:5432/mlts", "PostgreSQL"),
  DB_POOL_SIZE: integer(10, 1, "connections per process (one pool: Prisma's and the hot paths' plain SQL)"),
  DB_CONNECT_TIMEOUT_MS: integer(5_000, 100, "longest wait for a new PostgreSQL connection; past it the query fails (503) instead of hanging"),
  DB_IDLE_TIMEOUT_MS: integer(30_000, 1_000, "an idle connection is closed after this long"),
  DB_STATEMENT_TIMEOUT_MS: integer(30_000, 100, "PostgreSQL cancels a statement running longer (statement_timeout)"),
  REDIS_URL: url("redis-url", "redis://127.0.0.1:6379", "Redis; rediss://:token@host:6379 for TLS + AUTH"),
  QUEUE_PREFIX: text("bull", "prefix of every BullMQ key, so tests and benchmarks can share one Redis"),
  JWT_SECRET: text(DEV_JWT_SECRET, "HS256 key tokens are signed with; at least 32 characters in production", { secret: true, requiredInProduction: true }),
  JWT_PREVIOUS_SECRET: Type.Optional(
    text(undefined, "the key JWT_SECRET replaced: its tokens are still accepted until this is unset (key rotation)", { secret: true }),
  ),
  JWT_TTL_SECONDS: integer(3600, 60, "token lifetime"),
  LOG_LEVEL: oneOf(["debug", "info", "warn", "error"], "info", "debug, info, warn, error (JSON lines)"),
  CORS_ORIGIN: text("*", "allowed origins, comma-separated", { productionDefault: "" }),
  TRUST_PROXY: flag(false, "behind the ingress gateway: take the client IP from the last X-Forwarded-For hop"),
  BODY_LIMIT_BYTES: integer(1_048_576, 1024, "larger request bodies get 413"),
  RATE_LIMIT_ENABLED: flag(true, "false switches every limit off (benchmarks, load tests)"),
  RATE_LIMIT_PER_IP: rate("200/min", "every route but health and metrics, per client IP"),
  RATE_LIMIT_LOGIN: rate("10/min", "POST /auth/login"),
  RATE_LIMIT_REGISTER: rate("5/hour", "POST /auth/register"),
  RATE_LIMIT_PREDICT: rate("30/min", "predict and batch-predict submissions per workspace, schedules' firings included"),
  RATE_LIMIT_BATCH: rate("10/hour", "POST /tasks/batch per workspace"),
  WORKSPACE_ROLE_CACHE_MS: integer(2_000, 0, "how long a workspace role read from PostgreSQL is trusted: a removed or demoted member loses access within it"),
  SCHEDULES_PER_WORKSPACE: integer(20, 1, "schedules a workspace may have"),
  SCHEDULE_MIN_INTERVAL_MS: integer(60_000, 1_000, "shortest interval between a schedule's firings (every, or a cron pattern's tightest gap)"),
  WORKER_CONCURRENCY: integer(8, 1, "train and drift-check jobs a worker runs at once (CPU-bound)"),
  WORKER_PREDICT_CONCURRENCY: Type.Optional(
    // A predict task is milliseconds of CPU between database round trips, so more of them in flight
    // share batched statements instead of waiting.
    integer(undefined, 1, "predict and batch-predict jobs at once; 4 × WORKER_CONCURRENCY when unset"),
  ),
  RECONCILE_INTERVAL_MS: integer(30_000, 100, "how often the worker re-queues tasks Redis lost"),
  RECONCILE_GRACE_MS: integer(10_000, 1_000, "the reconciler leaves younger tasks alone (the API may be between insert and enqueue)"),
  WORKER_LOCK_DURATION_MS: integer(30_000, 1_000, "BullMQ job lock: how long a killed worker's job stays locked"),
  WORKER_STALLED_INTERVAL_MS: integer(30_000, 500, "how often stalled jobs are looked for and taken back"),
  WORKER_JOB_TIMEOUT_MS: integer(300_000, 1_000, "longest a train or drift-check computation may run; past it the task fails"),
  DRIFT_MIN_WINDOW: integer(200, 10, "fewest scored inputs a drift check compares; with fewer it reports not enough data"),
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(text(undefined, "where to send traces; nothing is exported when unset")),
});

export type Variables = StaticDecode<typeof configSchema>;
type Encoded = Static<typeof configSchema>;
export type VariableName = keyof Encoded;

/** Each rate limit's variable. */
export const RATE_LIMIT_VARIABLES = {
  perIp: "RATE_LIMIT_PER_IP",
  login: "RATE_LIMIT_LOGIN",
  register: "RATE_LIMIT_REGISTER",
  predict: "RATE_LIMIT_PREDICT",
  batch: "RATE_LIMIT_BATCH",
} as const satisfies Record<string, VariableName>;
export type RateLimitName = keyof typeof RATE_LIMIT_VARIABLES;

/** The variables as the services use them. */
function toConfig(v: Variables) {
  return {
    env: v.NODE_ENV,
    port: v.PORT,
    workerPort: v.WORKER_PORT,
    databaseUrl: v.DATABASE_URL,
    dbPool: {
      size: v.DB_POOL_SIZE,
      connectTimeoutMs: v.DB_CONNECT_TIMEOUT_MS,
      idleTimeoutMs: v.DB_IDLE_TIMEOUT_MS,
      statementTimeoutMs: v.DB_STATEMENT_TIMEOUT_MS,
    },
    redisUrl: v.REDIS_URL,
    queuePrefix: v.QUEUE_PREFIX,
    jwtSecret: v.JWT_SECRET,
    jwtPreviousSecret: v.JWT_PREVIOUS_SECRET,
    jwtTtlSeconds: v.JWT_TTL_SECONDS,
    logLevel: v.LOG_LEVEL,
    corsOrigin: v.CORS_ORIGIN,
    trustProxy: v.TRUST_PROXY,
    bodyLimitBytes: v.BODY_LIMIT_BYTES,
    rateLimits: {
      enabled: v.RATE_LIMIT_ENABLED,
      ...(Object.fromEntries(Object.entries(RATE_LIMIT_VARIABLES).map(([name, variable]) => [name, v[variable]])) as Record<RateLimitName, RateLimit>),
    },
    workspaceRoleCacheMs: v.WORKSPACE_ROLE_CACHE_MS,
    schedulesPerWorkspace: v.SCHEDULES_PER_WORKSPACE,
    scheduleMinIntervalMs: v.SCHEDULE_MIN_INTERVAL_MS,
    workerConcurrency: v.WORKER_CONCURRENCY,
    workerPredictConcurrency: v.WORKER_PREDICT_CONCURRENCY ?? 4 * v.WORKER_CONCURRENCY,
    workerLockDurationMs: v.WORKER_LOCK_DURATION_MS,
    workerStalledIntervalMs: v.WORKER_STALLED_INTERVAL_MS,
    workerJobTimeoutMs: v.WORKER_JOB_TIMEOUT_MS,
    driftMinWindow: v.DRIFT_MIN_WINDOW,
    reconcileIntervalMs: v.RECONCILE_INTERVAL_MS,
    reconcileGraceMs: v.RECONCILE_GRACE_MS,
    otlpEndpoint: v.OTEL_EXPORTER_OTLP_ENDPOINT,
  };
}
export type Config = ReturnType<typeof toConfig>;

const variables = Object.entries(configSchema.properties) as unknown as [VariableName, TSchema & VariableOptions][];

/** The typed config of `env`, or a ConfigError naming the first variable that is wrong. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const production = env.NODE_ENV === "production";
  // Local defaults make `bun dev` work with zero configuration; production must say everything.
  const given: Record<string, unknown> = {};
  for (const [name, schema] of variables) {
    const raw = env[name] || undefined; // empty is unset
    if (raw === undefined) {
      if (production && schema.requiredInProduction) throw new ConfigError(`${name} is required in production`);
      const fallback = production && schema.productionDefault !== undefined ? schema.productionDefault : schema.default;
      if (fallback !== undefined) given[name] = fallback;
    } else {
      given[name] = schema.type === "integer" ? Number(raw) : raw;
    }
  }
  const error = Value.Errors(configSchema, given).First();
  if (error) {
    const name = error.path.split("/")[1] as VariableName;
    const { expected, secret } = configSchema.properties[name] as unknown as VariableOptions;
    throw new ConfigError(`${name} must be ${expected}${secret ? "" : `, got "${env[name]}"`}`);
  }
  const config = toConfig(Value.Decode(configSchema, given));
  if (production && (config.jwtSecret === DEV_JWT_SECRET || config.jwtSecret.length < 32)) {
    throw new ConfigError("JWT_SECRET must be a random secret of at least 32 characters in production");
  }
  if (production && config.jwtPreviousSecret !== undefined && config.jwtPreviousSecret.length < 32) {
    throw new ConfigError("JWT_PREVIOUS_SECRET must be a random secret of at least 32 characters in production");
  }
  if (config.jwtPreviousSecret === config.jwtSecret) {
    throw new ConfigError("JWT_PREVIOUS_SECRET must differ from JWT_SECRET (it is the key JWT_SECRET replaced)");
  }
  return config;
}

/** Loads the config from the process's environment or exits with the reason: the first thing each process does. */
export function loadConfigOrExit(): Config {
  try {
    return parseConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Configuration error: ${error.message}`);
    process.exit(78); // EX_CONFIG
  }
}
