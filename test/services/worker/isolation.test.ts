// Training and drift maths run in a thread of their own: while a training of several seconds runs,
// the worker's /health and its predictions keep answering as fast as before, and a computation
// past WORKER_JOB_TIMEOUT_MS is stopped and its task failed, saying so.
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { eventually } from "../../../testing/polling.ts";
import { mulberry32, normal } from "../../../testing/random.ts";
import { startStack } from "../harness.ts";
import { succeed, submit, trainClassifier, waitFor } from "./helpers.ts";

setDefaultTimeout(60_000);

/** A logistic training of a few seconds: many rows, the most epochs a payload may ask for. */
function longTraining(model: string) {
  const draw = normal(mulberry32(3));
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const rows = Array.from({ length: 9_000 }, () => {
    const [a, b, c] = [round(draw()), round(draw()), round(draw())];
    return { a, b, c, y: a + b - c > 0 ? 1 : 0 };
  });
  return { model, algorithm: "logistic", label: "y", rows, options: { epochs: 10_000 } };
}

const timed = async <T>(call: () => Promise<T>) => {
  const started = performance.now();
  const value = await call();
  return { value, ms: performance.now() - started };
};

describe("a long training", () => {
  const env = { BODY_LIMIT_BYTES: String(4 * 1_048_576), WORKER_JOB_TIMEOUT_MS: "120000" };
  let stack: Awaited<ReturnType<typeof startStack>>;
  afterAll(() => stack.stop());

  test("leaves /health and predictions answering within their normal latency", async () => {
    stack = await startStack({ worker: true, env });
    const { token } = await stack.user();
    await trainClassifier(stack, token, "quick");
    const health = () => timed(() => fetch(`${stack.worker!.url}/health`).then((r) => r.status));
    const prediction = () => timed(() => succeed(stack, token, "predict", { model: "quick", input: { x1: 0.3, x2: -0.2 } }));
    const before = { health: (await health()).ms, prediction: (await prediction()).ms };

    const trainingId = await submit(stack, token, "train", longTraining("slow"));
    await eventually(() => stack.db.task.findUniqueOrThrow({ where: { id: trainingId } }), (task) => task.status === "running");
    const healthMs: number[] = [];
    const predictionMs: number[] = [];
    const running = async () => (await stack.db.task.findUniqueOrThrow({ where: { id: trainingId } })).status === "running";
    while (await running()) {
      const [probe, predicted] = await Promise.all([health(), prediction()]);
      expect(probe.value).toBe(200);
      healthMs.push(probe.ms);
      predictionMs.push(predicted.ms);
    }
    const trained = await waitFor(stack, token, trainingId);
    expect(trained).toMatchObject({ status: "succeeded", result: { version: 1 } });
    expect(predictionMs.length).toBeGreaterThanOrEqual(3); // samples taken while it was running
    console.log(`during a ${trained.durationMs} ms training: health max ${Math.max(...healthMs).toFixed(0)} ms (before ${before.health.toFixed(0)}), ` +
      `prediction max ${Math.max(...predictionMs).toFixed(0)} ms (before ${before.prediction.toFixed(0)}), ${predictionMs.length} samples`);
    // Were the fitting on the event loop, the first probe would wait for about the whole training:
    // the bound is the training's own length, whatever this machine's speed.
    expect(Math.max(...healthMs)).toBeLessThan(trained.durationMs / 2);
    expect(Math.max(...predictionMs)).toBeLessThan(trained.durationMs / 2);
  });
});

describe("the job time limit", () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  afterAll(() => stack.stop());

  test("a training past WORKER_JOB_TIMEOUT_MS is stopped and its task failed for good, saying so", async () => {
    stack = await startStack({ worker: true, env: { BODY_LIMIT_BYTES: String(4 * 1_048_576), WORKER_JOB_TIMEOUT_MS: "1000" } });
    const { token } = await stack.user();
    const id = await submit(stack, token, "train", longTraining("too-slow"));
    const task = await waitFor(stack, token, id);
    expect(task).toMatchObject({ status: "failed", attempts: 1, error: "the train computation took longer than the limit of 1 s and was stopped" });
    expect(await stack.db.model.count()).toBe(0);
    expect((await fetch(`${stack.worker!.url}/health`)).status).toBe(200);
  });
});
