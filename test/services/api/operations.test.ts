// Health, metrics, docs, limits and outages: the API as operators and the platform see it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startApi } from "../../../services/api/server.ts";
import { parseConfig } from "../../../services/shared/config.ts";
import { createLogger } from "../../../services/shared/logger.ts";
import { eventually } from "../../../testing/polling.ts";
import { deleteKeys } from "../../../testing/stores.ts";
import { startStack, testEnv, type TestStack } from "../harness.ts";

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ env: { BODY_LIMIT_BYTES: "65536" } });
});
afterAll(() => stack.stop());

describe("health", () => {
  test("GET /health → 200 without touching any dependency", async () => {
    expect(await stack.http("GET", "/health")).toMatchObject({ status: 200, body: { status: "ok" } });
  });

  test("GET /health/ready → 200 when PostgreSQL and Redis answer", async () => {
    const reply = await stack.http("GET", "/health/ready");
    expect(reply).toMatchObject({ status: 200, body: { status: "ready", checks: { postgres: "up", redis: "up" } } });
  });
});

describe("GET /metrics", () => {
  test("Prometheus text with the metric names the SLO rules and dashboards read", async () => {
    const { token } = await stack.user();
    await stack.http("GET", "/tasks", { token });
    const reply = await stack.http("GET", "/metrics");
    expect(reply.headers.get("content-type")).toContain("text/plain");
    for (const name of ["http_requests_total", "http_request_duration_seconds_bucket", "bullmq_queue_jobs", "process_resident_memory_bytes"]) {
      expect(reply.body).toContain(name);
    }
    expect(reply.body).toContain('http_requests_total{method="GET",route="/tasks",status="200"}');
    expect(reply.body).toMatch(/bullmq_queue_jobs\{queue="predict",state="waiting"\} \d+/);
  });

  test("routes are labelled by template, never by raw path", async () => {
    const { token } = await stack.user();
    await stack.http("GET", `/tasks/${Bun.randomUUIDv7()}`, { token });
    const reply = await stack.http("GET", "/metrics");
    expect(reply.body).toContain('route="/tasks/:id",status="404"');
  });
});

describe("OpenAPI", () => {
  test("the JSON document describes every route", async () => {
    const { body } = await stack.http("GET", "/openapi/json");
    expect(body.openapi).toStartWith("3.");
    for (const path of ["/auth/register", "/auth/login", "/tasks", "/tasks/batch", "/tasks/{id}", "/tasks/{id}/cancel", "/tasks/{id}/events", "/models", "/models/{name}", "/schedules", "/schedules/{id}", "/health", "/health/ready"]) {
      expect(Object.keys(body.paths)).toContain(path);
    }
  });

  test("GET /openapi serves the docs page", async () => {
    const reply = await stack.http("GET", "/openapi");
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toContain("text/html");
  });
});

describe("errors", () => {
  test("an unknown route → 404 JSON", async () => {
    expect(await stack.http("GET", "/nope")).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
  });

  test("a body over the limit → 413, and nothing is stored", async () => {
    const { token } = await stack.user();
    const before = await stack.db.task.count();
    const rows = Array.from({ length: 5_000 }, (_, i) => ({ x: i, y: i % 2 }));
    const reply = await stack.http("POST", "/tasks", { token, body: { type: "train", payload: { model: "m", algorithm: "logistic", label: "y", rows } } });
    expect(reply.status).toBe(413);
    expect(await stack.db.task.count()).toBe(before);
  });

  test("an unsupported method on a known path → 405 with Allow; an unknown path stays 404", async () => {
    const { token } = await stack.user();
    const cases = [
      ["PUT", "/tasks", "GET, HEAD, POST"],
      ["DELETE", `/tasks/${Bun.randomUUIDv7()}`, "GET, HEAD"],
      ["GET", `/tasks/${Bun.randomUUIDv7()}/cancel`, "POST"],
      ["POST", "/health", "GET, HEAD"],
      ["PATCH", "/models/churn/aliases/production", "DELETE, GET, HEAD, PUT"],
    ] as const;
    for (const [method, path, allow] of cases) {
      const reply = await stack.http(method, path, { token });
      expect([method, path, reply.status, reply.headers.get("allow"), reply.body.error?.code]).toEqual([method, path, 405, allow, "method_not_allowed"]);
    }
    expect((await stack.http("PUT", "/nope", { token })).status).toBe(404);
  });

  test("no answer may be cached: tokens and everything read with one say Cache-Control: no-store", async () => {
    const { token, email } = await stack.user();
    const replies = [
      await stack.http("POST", "/auth/login", { body: { email, password: "correct-horse-battery" } }),
      await stack.http("GET", "/tasks", { token }),
      await stack.http("GET", "/models", { token }),
      await stack.http("GET", "/workspaces", { token }),
      await stack.http("GET", `/tasks/${Bun.randomUUIDv7()}`, { token }), // 404
      await stack.http("GET", "/tasks"), // 401
    ];
    expect(replies.map((reply) => reply.headers.get("cache-control"))).toEqual(Array(replies.length).fill("no-store"));
  });
});

describe("rate limits", () => {
  let limited: TestStack;
  beforeAll(async () => {
    limited = await startStack({ env: { RATE_LIMIT_ENABLED: "true", RATE_LIMIT_LOGIN: "3/min", RATE_LIMIT_PER_IP: "1000/min" } });
  });
  afterAll(() => limited.stop());

  test("login past its limit → 429 with Retry-After and the JSON error", async () => {
    const attempt = () => limited.http("POST", "/auth/login", { body: { email: "x@example.com", password: "wrong-password" } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await attempt()).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const reply = await attempt();
    expect(reply.body.error.code).toBe("rate_limited");
    expect(Number(reply.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("outages", () => {
  test("Redis unreachable: ready → 503, a submission → 503 and nothing is kept", async () => {
    const down = await startStack({ env: { REDIS_URL: "redis://127.0.0.1:1" } });
    try {
      expect(await down.http("GET", "/health/ready")).toMatchObject({ status: 503, body: { checks: { postgres: "up", redis: "down" } } });
      const { token } = await down.user();
      const train = { type: "train", payload: { model: "m", algorithm: "linear", label: "y", rows: [{ x: 1, y: 1 }, { x: 2, y: 2 }] } };
      const reply = await down.http("POST", "/tasks", { token, body: train });
      expect(reply.status).toBe(503);
      expect(reply.headers.get("retry-after")).toBeTruthy();
      expect(await down.db.task.count()).toBe(0);
    } finally {
      await down.stop();
    }
  }, 20_000); // the enqueue waits out its timeout, then stopping waits out BullMQ's close

  test("PostgreSQL unreachable: ready → 503, a request that needs it → 503, never a stack trace", async () => {
    const config = parseConfig(testEnv(`pgdown-${Date.now()}`, { DATABASE_URL: "postgresql://postgres@127.0.0.1:1/none" }));
    const api = await startApi(config, createLogger("test", "error"));
    try {
      const ready = await eventually(
        async () => (await (await fetch(`${api.url}/health/ready`)).json()) as { checks: { redis: string } },
        (body) => body.checks.redis === "up", // connects just after start
      );
      expect(ready).toMatchObject({ status: "unavailable", checks: { postgres: "down", redis: "up" } });
      const login = await fetch(`${api.url}/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "x@example.com", password: "correct-horse-battery" }),
      });
      expect(login.status).toBe(503);
      expect(await login.text()).not.toContain("    at ");
    } finally {
      await api.stop();
      await deleteKeys(stack.redis, `${config.queuePrefix}:*`);
    }
  }, 20_000);
});
