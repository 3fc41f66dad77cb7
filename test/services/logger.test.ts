// Log lines carry the trace of the request or job they are about, so a line found in CloudWatch
// leads to its trace in Jaeger: with the SDK the services register when tracing is on.
import { afterAll, beforeAll, expect, spyOn, test } from "bun:test";
import { context, propagation, trace } from "@opentelemetry/api";
import { node } from "@opentelemetry/sdk-node";
import { createLogger } from "../../services/shared/logger.ts";

beforeAll(() => new node.NodeTracerProvider().register());
// The SDK is process-global and test files share the process: leave it as untraced as it was.
afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

/** The JSON lines `run` writes to stdout. */
async function linesOf(run: () => unknown): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  const spy = spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return written.join("").split("\n").filter(Boolean).map((line) => JSON.parse(line));
}

test("every line written inside a span carries its trace and span ids, nested calls included", async () => {
  const logger = createLogger("api", "info");
  const tracer = trace.getTracer("test");
  let ids: { traceId: string; spanId: string } | undefined;
  const lines = await linesOf(() => tracer.startActiveSpan("POST /tasks", async (span) => {
    ids = { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
    logger.info("accepted", { taskId: "t1" });
    await Bun.sleep(1); // still the same request after an await
    logger.info("enqueued", { taskId: "t1" });
    span.end();
  }));
  expect(lines).toHaveLength(2);
  for (const line of lines) expect(line).toMatchObject({ ...ids, service: "api", taskId: "t1" });
  expect(ids!.traceId).toMatch(/^[0-9a-f]{32}$/);
});

test("a line outside any span has no trace fields", async () => {
  const [line] = await linesOf(() => createLogger("worker", "info").info("worker started"));
  expect(line).not.toHaveProperty("traceId");
  expect(line).not.toHaveProperty("spanId");
});
