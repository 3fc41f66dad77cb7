// With OTEL_EXPORTER_OTLP_ENDPOINT set, both services send traces over OTLP/HTTP: the API's request
// spans and BullMQ's job spans. Real processes (the OpenTelemetry SDK is process-global) and a small
// OTLP receiver standing in for the collector.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { httpClient, registerAndLogin } from "../../testing/http.ts";
import { eventually } from "../../testing/polling.ts";
import { freePort } from "../../testing/ports.ts";
import { ServiceProcess, stopAll } from "../../testing/processes.ts";
import { startStack, type TestStack } from "./harness.ts";

let stack: TestStack;
const received: string[] = [];
const collector = Bun.serve({
  port: 0,
  async fetch(request) {
    if (new URL(request.url).pathname === "/v1/traces") received.push(new TextDecoder("latin1").decode(await request.arrayBuffer()));
    return new Response(null, { status: 200 });
  },
});

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stopAll();
  collector.stop(true);
  await stack.stop();
});

test("API and worker export spans for a task's whole path", async () => {
  const env = { ...stack.env, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collector.port}`, PORT: String(freePort()), WORKER_PORT: String(freePort()), LOG_LEVEL: "info" };
  const [api, worker] = await Promise.all([ServiceProcess.start("api", env), ServiceProcess.start("worker", env)]);
  // Through the API, so that a password and a token cross it in bodies and headers.
  const password = `pw-${crypto.randomUUID()}`;
  const { token } = await registerAndLogin(httpClient(api.url), { password });
  const rows = [{ x: 1, y: 2 }, { x: 2, y: 4 }, { x: 3, y: 6 }];
  const submitted = await httpClient(api.url)("POST", "/tasks", { token, body: { type: "train", payload: { model: "traced", algorithm: "linear", label: "y", rows } } });
  expect(submitted.status).toBe(202);
  const { id } = submitted.body as { id: string };
  await eventually(() => stack.db.task.findUniqueOrThrow({ where: { id } }), (task) => task.status === "succeeded");
  // A task that fails (the model has no feature z): the worker logs it, inside the job's span.
  const doomed = await httpClient(api.url)("POST", "/tasks", { token, body: { type: "predict", payload: { model: "traced", input: { z: 1 } } } });
  expect(doomed.status).toBe(202);
  const doomedId = (doomed.body as { id: string }).id;
  await eventually(() => stack.db.task.findUniqueOrThrow({ where: { id: doomedId } }), (task) => task.status === "failed");

  // Batches are flushed every few seconds and on shutdown: stop both services to flush them now.
  await stopAll();
  const spans = received.join("");
  expect(spans).toContain("mlts-api");
  expect(spans).toContain("mlts-worker");
  expect(spans).toContain("/tasks"); // the API's request span
  expect(spans).toContain(id); // BullMQ's job spans carry the job id, which is the task id
  // No credential or user data in a span: the HTTP plugin copies headers and bodies, we drop them.
  for (const secret of [password, token, token.split(".")[2]!, "authorization", "http.request.body\u0012", '"rows"']) expect(spans).not.toContain(secret);
  expect(spans).toContain("http.request.body.size"); // the sizes stay

  // The worker's line about the failure names its trace: the one Jaeger holds for that task, which
  // BullMQ continued from the API request that submitted it.
  const failure = worker!.logs.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line))
    .find((line) => line.message === "task failed" && line.taskId === doomedId);
  expect(failure?.traceId).toMatch(/^[0-9a-f]{32}$/);
  // Ids are raw bytes in OTLP/protobuf, decoded here as the spans were.
  expect(spans.includes(new TextDecoder("latin1").decode(Buffer.from(failure.traceId, "hex")))).toBe(true);
}, 60_000);
