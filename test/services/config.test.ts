// The services' configuration: one schema of every variable, its defaults, messages that name the
// variable (never echoing a secret), production's stricter rules, the rate-limit notation, and the
// README's table listing exactly the schema's variables with the same defaults.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { configSchema, parseConfig, parseRateLimit, RATE_LIMIT_VARIABLES } from "../../services/shared/config.ts";
import { ConfigError } from "../../services/shared/errors.ts";

const failure = (env: Record<string, string>) => {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
};

describe("parseConfig", () => {
  test("no variables: the local defaults", () => {
    expect(parseConfig({})).toEqual({
      env: "development",
      port: 3000,
      workerPort: 3001,
      databaseUrl: "postgresql://postgres@127.0.0.1:5432/mlts",
      dbPool: { size: 10, connectTimeoutMs: 5_000, idleTimeoutMs: 30_000, statementTimeoutMs: 30_000 },
      redisUrl: "redis://127.0.0.1:6379",
      queuePrefix: "bull",
      jwtSecret: "dev-only-insecure-jwt-secret-change-me",
      jwtPreviousSecret: undefined,
      jwtTtlSeconds: 3600,
      logLevel: "info",
      corsOrigin: "*",
      trustProxy: false,
      bodyLimitBytes: 1_048_576,
      rateLimits: {
        enabled: true,
        perIp: { max: 200, windowMs: 60_000 },
        login: { max: 10, windowMs: 60_000 },
        register: { max: 5, windowMs: 3_600_000 },
        predict: { max: 30, windowMs: 60_000 },
        batch: { max: 10, windowMs: 3_600_000 },
      },
      workspaceRoleCacheMs: 2_000,
      schedulesPerWorkspace: 20,
      scheduleMinIntervalMs: 60_000,
      workerConcurrency: 8,
      workerPredictConcurrency: 32,
      workerLockDurationMs: 30_000,
      workerStalledIntervalMs: 30_000,
      workerJobTimeoutMs: 300_000,
      driftMinWindow: 200,
      reconcileIntervalMs: 30_000,
      reconcileGraceMs: 10_000,
      otlpEndpoint: undefined,
    });
  });

  test("values are read as their types; an empty value is unset", () => {
    const config = parseConfig({ PORT: "8080", TRUST_PROXY: "true", RATE_LIMIT_ENABLED: "false", WORKER_CONCURRENCY: "3", LOG_LEVEL: "", RATE_LIMIT_LOGIN: "3/10s" });
    expect(config).toMatchObject({ port: 8080, trustProxy: true, workerConcurrency: 3, workerPredictConcurrency: 12, logLevel: "info" });
    expect(config.rateLimits).toMatchObject({ enabled: false, login: { max: 3, windowMs: 10_000 } });
  });

  test.each([
    [{ PORT: "1.5" }, 'PORT must be an integer >= 0, got "1.5"'],
    [{ PORT: "abc" }, 'PORT must be an integer >= 0, got "abc"'],
    [{ DB_POOL_SIZE: "0" }, 'DB_POOL_SIZE must be an integer >= 1, got "0"'],
    [{ DB_CONNECT_TIMEOUT_MS: "0" }, 'DB_CONNECT_TIMEOUT_MS must be an integer >= 100, got "0"'],
    [{ DB_STATEMENT_TIMEOUT_MS: "soon" }, 'DB_STATEMENT_TIMEOUT_MS must be an integer >= 100, got "soon"'],
    [{ LOG_LEVEL: "loud" }, 'LOG_LEVEL must be one of debug, info, warn, error, got "loud"'],
    [{ NODE_ENV: "prod" }, 'NODE_ENV must be one of development, test, production, got "prod"'],
    [{ TRUST_PROXY: "yes" }, 'TRUST_PROXY must be true or false, got "yes"'],
    [{ RATE_LIMIT_BATCH: "10/day" }, 'RATE_LIMIT_BATCH must be a limit like 200/min, 5/hour or 30/10s, got "10/day"'],
    [{ DATABASE_URL: "mysql://app:secret@db/x" }, "DATABASE_URL must be a URL starting with postgresql:// or postgres://"],
    [{ REDIS_URL: "not a url" }, "REDIS_URL must be a URL starting with redis:// or rediss://"],
  ])("%o → %s", (env, message) => {
    expect(failure(env)).toBe(message);
  });

  describe("production", () => {
    const production = { NODE_ENV: "production", DATABASE_URL: "postgresql://app:pw@db/mlts", REDIS_URL: "rediss://:token@cache:6379", JWT_SECRET: "k".repeat(32) };

    test("needs its connection strings and a real secret; has no CORS origin by default", () => {
      expect(parseConfig(production)).toMatchObject({ env: "production", corsOrigin: "" });
      for (const name of ["DATABASE_URL", "REDIS_URL", "JWT_SECRET"]) {
        expect(failure({ ...production, [name]: "" })).toBe(`${name} is required in production`);
      }
      for (const secret of ["dev-only-insecure-jwt-secret-change-me", "k".repeat(31)]) {
        expect(failure({ ...production, JWT_SECRET: secret })).toBe("JWT_SECRET must be a random secret of at least 32 characters in production");
      }
    });

    test("a previous JWT key (rotation) is a real secret too, and not the current one", () => {
      expect(parseConfig({ ...production, JWT_PREVIOUS_SECRET: "p".repeat(32) }).jwtPreviousSecret).toBe("p".repeat(32));
      expect(failure({ ...production, JWT_PREVIOUS_SECRET: "p".repeat(31) })).toBe("JWT_PREVIOUS_SECRET must be a random secret of at least 32 characters in production");
      expect(failure({ ...production, JWT_PREVIOUS_SECRET: production.JWT_SECRET })).toBe("JWT_PREVIOUS_SECRET must differ from JWT_SECRET (it is the key JWT_SECRET replaced)");
    });
  });
});

describe("parseRateLimit", () => {
  test.each([
    ["200/min", 200, 60_000],
    ["5/hour", 5, 3_600_000],
    ["2/h", 2, 3_600_000],
    ["30/10s", 30, 10_000],
    ["1/sec", 1, 1_000],
    ["100/15min", 100, 900_000],
    ["0/min", 0, 60_000],
  ])("%s → %d per %d ms", (text, max, windowMs) => {
    expect(parseRateLimit(text)).toEqual({ max, windowMs });
  });

  test.each(["", "30", "/min", "30/", "30/10", "30/0s", "30/10 s", "1.5/min", "30/day", "-1/min", "30/min "])("%p is refused", (text) => {
    expect(() => parseRateLimit(text)).toThrow("is not a rate limit");
  });

  test("every rate limit's default is written in the notation", () => {
    for (const variable of Object.values(RATE_LIMIT_VARIABLES)) {
      expect(() => parseRateLimit(configSchema.properties[variable].default as string)).not.toThrow();
    }
  });
});

describe("the README's configuration table", () => {
  test("lists exactly the schema's variables, with the schema's defaults", async () => {
    const readme = await Bun.file(join(import.meta.dir, "../../README.md")).text();
    const rows = new Map([...readme.matchAll(/^\| `([A-Z_]+)` \| ([^|]*) \|/gm)].map((match) => [match[1]!, match[2]!]));
    expect([...rows.keys()].sort()).toEqual(Object.keys(configSchema.properties).sort());
    for (const [name, schema] of Object.entries(configSchema.properties) as [string, { default?: unknown; secret?: boolean }][]) {
      if (schema.default !== undefined && !schema.secret) expect([name, rows.get(name)]).toEqual([name, expect.stringContaining(`\`${schema.default}\``)]);
    }
  });
});
