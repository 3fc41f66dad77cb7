// The blue/green pre-promotion check runs `bun scripts/smoke-test.ts <preview url>` as a Job: it
// must pass on a working API, and fail, saying where, on a broken one.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { startStack, type TestStack } from "./harness.ts";
import { runToEnd } from "../../testing/processes.ts";

const SCRIPT = join(import.meta.dir, "../../scripts/smoke-test.ts");

const smokeTest = (url: string) => runToEnd(["bun", SCRIPT, url]);

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ worker: true });
});
afterAll(() => stack.stop());

test("passes on a working API and worker: ready, a new account, a training task that succeeds", async () => {
  const { stdout, exitCode } = await smokeTest(stack.api.url);
  expect(exitCode).toBe(0);
  const id = /smoke test passed: task (\S+) succeeded/.exec(stdout)?.[1];
  expect(await stack.db.task.findUniqueOrThrow({ where: { id } })).toMatchObject({ type: "train", status: "succeeded" });
});

test("fails, naming the step, when the API is not ready", async () => {
  const unready = Bun.serve({ port: 0, fetch: () => Response.json({ status: "starting" }, { status: 503 }) });
  try {
    const { stderr, exitCode } = await smokeTest(unready.url.href);
    expect(exitCode).not.toBe(0);
    expect(stderr).toContain('readiness: 503 {"status":"starting"}');
  } finally {
    unready.stop(true);
  }
});
