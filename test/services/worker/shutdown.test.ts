// SIGTERM to a real worker process mid-run: it stops taking jobs, finishes the active ones and exits 0;
// the next worker runs the rest. Every accepted task succeeds exactly once — none lost, none twice.
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { eventually } from "../../../testing/polling.ts";
import { ServiceProcess, stopAll } from "../../../testing/processes.ts";
import { settled, stackForFile, submitMany, trainClassifier, versionKey } from "./helpers.ts";

setDefaultTimeout(60_000);

const TASKS = 300;

afterAll(() => stopAll()); // the worker process, when the test failed before it exited
const { stack, queues, token, workspaceId } = await stackForFile();
// The model to predict with, trained by an in-process worker that is gone before the test.
const trainer = await stack.startWorker();
await trainClassifier(stack, token, "served");
await trainer.stop();

const countByStatus = async (ids: string[]) => {
  const groups = await stack.db.task.groupBy({ by: ["status"], where: { id: { in: ids } }, _count: { _all: true } });
  return Object.fromEntries(groups.map((group) => [group.status, group._count._all])) as Record<string, number>;
};

test(`SIGTERM mid-run loses no task and runs none twice (${TASKS} predict tasks)`, async () => {
  // Each input is unique (x1 = i), so every task's Prediction row can be told apart.
  const ids = await submitMany(
    stack,
    token,
    Array.from({ length: TASKS }, (_, i) => ({ type: "predict", payload: { model: "served", input: { x1: i, x2: 0 } } })),
  );
  expect(ids).toHaveLength(TASKS);

  // `bun services/worker/main.ts` against this stack, as Kubernetes would run it.
  const { child } = new ServiceProcess("worker", { ...stack.env, WORKER_CONCURRENCY: "4" });
  const started = await eventually(() => countByStatus(ids), (counts) => (counts.succeeded ?? 0) >= 20 || !child.alive);
  expect(child.alive).toBe(true);
  expect(started.succeeded).toBeGreaterThanOrEqual(20);

  child.proc.kill("SIGTERM");
  const code = await child.exited();
  expect({ code, stderr: child.stderr }).toEqual({ code: 0, stderr: "" });

  // Stopped cleanly: nothing half-done in PostgreSQL or Redis, the rest still waiting in the queue.
  const afterStop = await countByStatus(ids);
  expect(afterStop.running).toBeUndefined();
  expect(afterStop.failed).toBeUndefined();
  expect(afterStop.succeeded).toBeLessThan(TASKS); // it really was cut off mid-run
  expect(await queues.families.predict.getActiveCount()).toBe(0);
  expect(await queues.families.predict.getJobCountByTypes("waiting", "prioritized", "delayed")).toBe(afterStop.queued!);

  await stack.startWorker();
  const tasks = await settled(stack, ids, 30_000);
  expect(tasks.filter((task) => task.status !== "succeeded")).toEqual([]);
  expect(tasks.filter((task) => task.attempts !== 1).map((task) => [task.id, task.attempts])).toEqual([]);

  const model = await stack.db.model.findUniqueOrThrow({ where: versionKey(workspaceId, "served", 1) });
  const predictions = await stack.db.prediction.findMany({ where: { modelId: model.id }, select: { input: true } });
  expect(predictions).toHaveLength(TASKS);
  const scored = new Set(predictions.map((prediction) => (prediction.input as { x1: number }).x1));
  expect(scored.size).toBe(TASKS);
});
