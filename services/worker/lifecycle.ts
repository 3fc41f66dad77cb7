// A task's run in the worker: claim it, run its processor, record the outcome. Every write goes
// through the store, conditional on the state it leaves (services/shared/tasks/store.ts).
import { type Job, UnrecoverableError } from "bullmq";
import type { Db } from "../shared/db.ts";
import { InputError } from "../shared/errors.ts";
import { errorMessage, type Logger } from "../shared/logger.ts";
import { taskDuration, taskOutcomes } from "../shared/metrics.ts";
import type { TaskStore } from "../shared/tasks/store.ts";
import { processors } from "./processors/index.ts";
import type { Outcome } from "./processors/types.ts";

/** Marks the task succeeded with what its outcome keeps; false when it was no longer running. */
function succeed(store: TaskStore, id: string, outcome: Outcome, started: number): Promise<boolean> {
  const { result, save, predictions } = outcome;
  if (save) return store.succeedWith(id, result, save, started);
  return store.finish({ id, result, durationMs: Math.round(performance.now() - started), predictions });
}

const isPermanent = (error: unknown) => error instanceof UnrecoverableError || error instanceof InputError;

export function taskRunner(store: TaskStore, db: Db, logger: Logger) {
  return async function runTask(job: Job): Promise<{ status: string }> {
    const id = job.id!;
    const task = await store.claim(id);
    if (!task) return { status: "skipped" }; // cancelled, already final, or never accepted
    const started = performance.now();
    try {
      const outcome = await processors[task.type](task.payload, { db, taskId: id });
      if (!(await succeed(store, id, outcome, started))) {
        taskOutcomes.inc({ type: task.type, outcome: "cancelled" });
        return { status: "cancelled" };
      }
      outcome.committed?.();
      taskOutcomes.inc({ type: task.type, outcome: "succeeded" });
      return { status: "succeeded" };
    } catch (error) {
      const lastAttempt = isPermanent(error) || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (!lastAttempt) throw error; // BullMQ retries with exponential backoff
      await store.fail(id, errorMessage(error));
      taskOutcomes.inc({ type: task.type, outcome: "failed" });
      logger.info("task failed", { taskId: id, type: task.type, error: errorMessage(error) });
      throw new UnrecoverableError(errorMessage(error));
    } finally {
      taskDuration.observe({ type: task.type }, (performance.now() - started) / 1000);
    }
  };
}
