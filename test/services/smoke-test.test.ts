// The blue/green pre-promotion check (scripts/smoke-test.ts, run as a Job against the preview
// Service) walks a real API: it must pass on a working one, and fail, saying where, on a broken one.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { smokeTest } from "../../scripts/smoke-test.ts";
import { startStack, type TestStack } from "./harness.ts";

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ worker: true });
});
afterAll(() => stack.stop());

test("passes on a working API and worker: ready, a new account, a training task that succeeds", async () => {
  const id = await smokeTest(stack.api.url);
  expect(await stack.db.task.findUniqueOrThrow({ where: { id } })).toMatchObject({ type: "train", status: "succeeded" });
});

test("fails, naming the step, when the API is not ready", async () => {
  const unready = Bun.serve({ port: 0, fetch: () => Response.json({ status: "starting" }, { status: 503 }) });
  try {
    await expect(smokeTest(unready.url.href)).rejects.toThrow('readiness: 503 {"status":"starting"}');
  } finally {
    unready.stop(true);
  }
});
