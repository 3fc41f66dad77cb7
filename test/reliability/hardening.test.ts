// Hardening: rate limits beyond login (test/services/api/operations.test.ts has that one), security
// headers on every kind of answer, CORS from CORS_ORIGIN, production refusing default or missing
// secrets (exit 78 naming the variable), graceful SIGTERM in both services with no secret in their
// logs, and images that run as a non-root user.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Redis } from "ioredis";
import { migrate } from "../../services/shared/migrate.ts";
import { httpClient } from "../../testing/http.ts";
import { eventually } from "../../testing/polling.ts";
import { freePort } from "../../testing/ports.ts";
import { REPO, ServiceProcess, stopAll } from "../../testing/processes.ts";
import { deleteKeys, dropDatabase } from "../../testing/stores.ts";
import { startStack, storeModelVersion, testEnv, type TestStack } from "../services/harness.ts";

const predict = () => ({ type: "predict", payload: { model: "m", input: { x: 1 } } });
/** A logistic training on a label that is not 0/1: accepted, then failed by the worker at once. */
const failingTrain = () => ({ type: "train", payload: { model: "m", algorithm: "logistic", label: "y", rows: [{ x: 1, y: 2 }, { x: 2, y: 3 }] } });

describe("rate limits → 429 with Retry-After", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({
      env: {
        RATE_LIMIT_ENABLED: "true",
        RATE_LIMIT_PER_IP: "40/min",
        RATE_LIMIT_REGISTER: "2/hour",
        RATE_LIMIT_PREDICT: "2/min",
        RATE_LIMIT_BATCH: "1/hour",
      },
    });
  });
  afterAll(() => stack.stop());

  const limited = (reply: { status: number; headers: Headers; body: any }, maxSeconds: number) => {
    expect(reply.status).toBe(429);
    expect(reply.body.error.code).toBe("rate_limited");
    const retryAfter = Number(reply.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
    expect(reply.headers.get("x-content-type-options")).toBe("nosniff");
  };
  let token: string;

  test("register: 2 per hour", async () => {
    const first = await stack.user();
    token = first.token;
    await storeModelVersion(stack.db, first.id, "m"); // a model to predict with
    const second = await stack.http("POST", "/auth/register", { body: { email: "second@example.com", password: "correct-horse-battery" } });
    expect(second.status).toBe(201);
    limited(await stack.http("POST", "/auth/register", { body: { email: "third@example.com", password: "correct-horse-battery" } }), 3600);
  });

  test("predict: 2 per minute, and a train task is not a prediction", async () => {
    expect((await stack.http("POST", "/tasks", { token, body: predict() })).status).toBe(202);
    expect((await stack.http("POST", "/tasks", { token, body: predict() })).status).toBe(202);
    limited(await stack.http("POST", "/tasks", { token, body: predict() }), 60);
    const train = { type: "train", payload: { model: "m", algorithm: "linear", label: "y", rows: [{ x: 1, y: 1 }, { x: 2, y: 2 }] } };
    expect((await stack.http("POST", "/tasks", { token, body: train })).status).toBe(202);
  });

  test("batch: 1 per hour, and the refused batch stores nothing", async () => {
    expect((await stack.http("POST", "/tasks/batch", { token, body: { tasks: [predict()] } })).status).toBe(202);
    const before = await stack.db.task.count();
    limited(await stack.http("POST", "/tasks/batch", { token, body: { tasks: [predict()] } }), 3600);
    expect(await stack.db.task.count()).toBe(before);
  });

  test("per IP over every route, but never the probes or metrics", async () => {
    let reply = await stack.http("GET", "/tasks", { token });
    for (let i = 0; i < 60 && reply.status !== 429; i++) reply = await stack.http("GET", "/tasks", { token });
    limited(reply, 60);
    limited(await stack.http("GET", "/models", { token }), 60);
    for (const path of ["/health", "/health/ready", "/metrics"]) expect((await stack.http("GET", path)).status).toBe(200);
  });
});

describe("security headers and CORS", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ env: { CORS_ORIGIN: "https://app.example.com,https://admin.example.com" } });
  });
  afterAll(() => stack.stop());

  test("on success, client errors and unknown routes alike", async () => {
    const { token } = await stack.user();
    const replies = [
      await stack.http("GET", "/health"),
      await stack.http("GET", "/tasks", { token }),
      await stack.http("GET", "/tasks"), // 401
      await stack.http("POST", "/tasks", { token, body: { type: "nope" } }), // 422
      await stack.http("POST", "/tasks", { token, body: "{", headers: { "content-type": "application/json" } }), // 400
      await stack.http("GET", "/no/such/route"), // 404
    ];
    for (const reply of replies) {
      expect(Object.fromEntries(["x-content-type-options", "x-frame-options", "referrer-policy", "strict-transport-security"].map((h) => [h, !!reply.headers.get(h)]))).toEqual({
        "x-content-type-options": true,
        "x-frame-options": true,
        "referrer-policy": true,
        "strict-transport-security": true,
      });
      expect(reply.headers.get("x-powered-by")).toBeNull();
    }
  });

  const preflight = (origin: string) =>
    fetch(`${stack.api.url}/tasks`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
    });

  test("a listed origin is allowed, by name", async () => {
    for (const origin of ["https://app.example.com", "https://admin.example.com"]) {
      const reply = await preflight(origin);
      expect(reply.status).toBeLessThan(300);
      expect(reply.headers.get("access-control-allow-origin")).toBe(origin);
    }
  });

  test("any other origin gets no CORS grant", async () => {
    for (const origin of ["https://evil.example.com", "https://app.example.com.evil.io", "null"]) {
      const reply = await preflight(origin);
      expect(reply.headers.get("access-control-allow-origin")).not.toBe(origin);
      expect(reply.headers.get("access-control-allow-origin")).not.toBe("*");
      const get = await fetch(`${stack.api.url}/health`, { headers: { origin } });
      expect(get.headers.get("access-control-allow-origin")).not.toBe(origin);
    }
  });
});

describe("production refuses to start without real secrets", () => {
  const SECRET = "a-long-random-production-secret-0123456789abcdef";
  const production = {
    NODE_ENV: "production",
    JWT_SECRET: SECRET,
    DATABASE_URL: "postgresql://app:db-password-not-to-print@127.0.0.1:1/mlts",
    REDIS_URL: "redis://127.0.0.1:1",
  };
  const cases: [string, Record<string, string | undefined>, string][] = [
    ["no JWT_SECRET", { JWT_SECRET: undefined }, "JWT_SECRET"],
    ["the development JWT_SECRET", { JWT_SECRET: "dev-only-insecure-jwt-secret-change-me" }, "JWT_SECRET"],
    ["a short JWT_SECRET", { JWT_SECRET: "short-secret" }, "JWT_SECRET"],
    ["no DATABASE_URL", { DATABASE_URL: undefined }, "DATABASE_URL"],
    ["no REDIS_URL", { REDIS_URL: undefined }, "REDIS_URL"],
    ["a DATABASE_URL that is not one", { DATABASE_URL: "mysql://app:db-password-not-to-print@db/x" }, "DATABASE_URL"],
  ];

  for (const kind of ["api", "worker"] as const) {
    test.each(cases)(`${kind}: %s → exit 78 naming the variable, printing no secret`, async (_, change, variable) => {
      const env = Object.fromEntries(
        Object.entries({ ...production, ...change }).filter((entry): entry is [string, string] => entry[1] !== undefined),
      );
      const { child } = new ServiceProcess(kind, env);
      expect(await child.exited()).toBe(78);
      expect(child.output).toContain(variable);
      expect(child.output).not.toContain("db-password-not-to-print");
      expect(child.output).not.toContain(SECRET);
      expect(child.output).not.toMatch(/^\s+at /m);
    });
  }
});

describe("SIGTERM, and what the logs never contain", () => {
  const SECRETS = { jwt: "sigterm-jwt-secret-5d1c0e9a7b3f42e6a8c1d0f9e7b6a5c4", password: "sigterm-user-password-2c7e", database: "sigterm-db-password-9a1f" };
  const name = `sigterm${Date.now().toString(36)}`;
  const base = testEnv(name, { LOG_LEVEL: "debug", JWT_SECRET: SECRETS.jwt });
  const databaseUrl = new URL(base.DATABASE_URL!);
  databaseUrl.password = SECRETS.database; // the shared test server trusts loopback: the password is only carried
  const env: Record<string, string> = { ...base, DATABASE_URL: databaseUrl.toString() };
  let api: ServiceProcess;
  let worker: ServiceProcess | undefined;

  beforeAll(async () => {
    await migrate(env.DATABASE_URL!);
    api = await ServiceProcess.start("api", { ...env, PORT: String(freePort()) });
  }, 30_000);
  afterAll(async () => {
    await stopAll();
    const redis = new Redis(process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379");
    await deleteKeys(redis, `${env.QUEUE_PREFIX}:*`);
    redis.disconnect();
    await dropDatabase(env.DATABASE_URL!);
  }, 30_000);

  test("the API finishes the request in flight, then exits 0", async () => {
    const http = httpClient(api.url);
    const email = "sigterm@example.com";
    expect((await http("POST", "/auth/register", { body: { email, password: SECRETS.password } })).status).toBe(201);
    expect((await http("POST", "/auth/login", { body: { email, password: `${SECRETS.password}-wrong` } })).status).toBe(401);
    const { token } = (await http("POST", "/auth/login", { body: { email, password: SECRETS.password } })).body;
    const { id } = (await http("POST", "/tasks", { body: failingTrain(), token })).body; // no worker yet: stays queued

    const waiting = http("GET", `/tasks/${id}?wait=2`, { token }); // in flight for 2 s
    await Bun.sleep(300);
    const since = performance.now();
    api.child.proc.kill("SIGTERM");
    const reply = await waiting;
    expect(reply).toMatchObject({ status: 200, body: { id, status: "queued" } });
    expect(await api.child.exited()).toBe(0);
    expect(performance.now() - since).toBeLessThan(10_000);
    expect(api.logs).toContain('"shutting down"');
  }, 30_000);

  test("the worker runs what is queued, then exits 0 on SIGTERM", async () => {
    const started = await ServiceProcess.start("worker", { ...env, WORKER_PORT: String(freePort()) });
    worker = started;
    // The queued training's label is not 0/1: it fails at once, and says so.
    expect(await eventually(async () => started.logs, (logs) => logs.includes('"task failed"'))).toContain('"task failed"');
    started.child.proc.kill("SIGTERM");
    expect(await started.child.exited()).toBe(0);
  }, 30_000);

  test("no secret in either service's logs, at debug level", () => {
    const logs = api.logs + (worker?.logs ?? "");
    expect(logs.length).toBeGreaterThan(0);
    for (const [what, secret] of Object.entries(SECRETS)) expect([what, logs.includes(secret)]).toEqual([what, false]);
  });
});

describe("images", () => {
  test("the service images run as a non-root user", async () => {
    const dockerfile = await Bun.file(`${REPO}/services/Dockerfile`).text();
    // Every stage the api and worker targets are built from: runtime, then api/worker on top of it.
    const runtime = dockerfile.slice(dockerfile.indexOf("AS runtime"), dockerfile.indexOf("AS api"));
    const user = [...runtime.matchAll(/^USER\s+(\S+)/gm)].at(-1)?.[1];
    expect(user).toBeDefined();
    expect(["root", "0", "0:0"]).not.toContain(user!);
    for (const target of ["api", "worker"]) expect(dockerfile).toMatch(new RegExp(`FROM runtime AS ${target}`));
    expect(dockerfile.slice(dockerfile.indexOf("AS api"))).not.toMatch(/^USER\s+(root|0)\b/m);
  });
});
