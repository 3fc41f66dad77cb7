// With OTEL_EXPORTER_OTLP_ENDPOINT set, both services send traces over OTLP/HTTP: the API's request
// spans and BullMQ's job spans. Real processes (the OpenTelemetry SDK is process-global) and a small
// OTLP receiver standing in for the collector.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eventually, startStack, type TestStack } from "./harness.ts";

let stack: TestStack;
const received: string[] = [];
const collector = Bun.serve({
  port: 0,
  async fetch(request) {
    if (new URL(request.url).pathname === "/v1/traces") received.push(new TextDecoder("latin1").decode(await request.arrayBuffer()));
    return new Response(null, { status: 200 });
  },
});
const children: Bun.Subprocess[] = [];

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(children.map((child) => child.exited));
  collector.stop(true);
  await stack.stop();
});

test("API and worker export spans for a task's whole path", async () => {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const env = { PATH: process.env.PATH ?? "", ...stack.env, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collector.port}`, PORT: String(port) };
  for (const entry of ["services/api/main.ts", "services/worker/main.ts"]) {
    children.push(Bun.spawn(["bun", entry], { env, stdout: "ignore", stderr: "inherit" }));
  }
  const api = `http://127.0.0.1:${port}`;
  await eventually(() => fetch(`${api}/health`).then((r) => r.ok, () => false), Boolean);
  const { token } = await stack.user();
  const submitted = await fetch(`${api}/tasks`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ type: "train", payload: { model: "traced", algorithm: "linear", label: "y", rows: [{ x: 1, y: 2 }, { x: 2, y: 4 }, { x: 3, y: 6 }] } }),
  });
  expect(submitted.status).toBe(202);
  const { id } = (await submitted.json()) as { id: string };
  await eventually(() => stack.db.task.findUniqueOrThrow({ where: { id } }), (task) => task.status === "succeeded");

  // Batches are flushed every few seconds and on shutdown: stop both services to flush them now.
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(children.map((child) => child.exited));
  const spans = received.join("");
  expect(spans).toContain("mlts-api");
  expect(spans).toContain("mlts-worker");
  expect(spans).toContain("/tasks"); // the API's request span
  expect(spans).toContain(id); // BullMQ's job spans carry the job id, which is the task id
}, 60_000);
