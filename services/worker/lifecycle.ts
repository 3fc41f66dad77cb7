// A task's run in the worker: claim it (unless its job carries it), run its processor, record the
// outcome. Every write goes through the store, conditional on the state it leaves
// (services/shared/tasks/store.ts).
import { type Job, UnrecoverableError } from "bullmq";
import type { Db } from "../shared/db.ts";
import { InputError } from "../shared/errors.ts";
import { errorMessage, type Logger } from "../shared/logger.ts";
import { taskDuration, taskOutcomes } from "../shared/metrics.ts";
import type { TaskJobData } from "../shared/queues.ts";
import type { LoadedModels, ModelVersions } from "../shared/tasks/models.ts";
import type { Finish, TaskStore } from "../shared/tasks/store.ts";
import type { Compute } from "./compute/index.ts";
import { processors } from "./processors/index.ts";
import type { Outcome } from "./processors/types.ts";

/**
 * Marks the task succeeded with what its outcome keeps; false when it was no longer running (or,
 * for a task its job carried, no longer queued or running).
 */
function succeed(store: TaskStore, id: string, outcome: Outcome, started: number, unclaimed?: Finish["started"]): Promise<boolean> {
  const { result, save, predictions } = outcome;
  if (save) return store.succeedWith(id, result, save, started);
  return store.finish({ id, result, durationMs: Math.round(performance.now() - started), predictions, started: unclaimed });
}

const isPermanent = (error: unknown) => error instanceof UnrecoverableError || error instanceof InputError;

/**
 * What a failed task says: our own message for what the task got wrong; for anything else
 * (a store's or a driver's error text, which names tables and internals), a message of ours too.
 */
export const taskError = (error: unknown) =>
  error instanceof InputError ? error.message : "the task could not be run because of an internal error; it was retried and has been logged";

export interface TaskRunnerDeps {
  store: TaskStore;
  db: Db;
  models: LoadedModels;
  versions: ModelVersions;
  compute: Compute;
  driftMinWindow: number;
  logger: Logger;
}

export function taskRunner({ store, logger, ...context }: TaskRunnerDeps) {
  return async function runTask(job: Job<TaskJobData>): Promise<{ status: string }> {
    const id = job.id!;
    // A predict job carries its task (services/shared/queues.ts): no claim, one write at the end.
    const carried = job.data.task;
    const unclaimed = carried && { at: new Date(), attempt: job.attemptsMade + 1 };
    const task = carried ?? (await store.claim(id));
    if (!task) return { status: "skipped" }; // cancelled, already final, or never accepted
    const started = performance.now();
    try {
      const outcome = await processors[task.type](task.payload, { ...context, task: { ...task, id } });
      if (!(await succeed(store, id, outcome, started, unclaimed))) {
        taskOutcomes.inc({ type: task.type, outcome: "cancelled" });
        return { status: "cancelled" };
      }
      outcome.committed?.();
      taskOutcomes.inc({ type: task.type, outcome: "succeeded" });
      return { status: "succeeded" };
    } catch (error) {
      const lastAttempt = isPermanent(error) || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (!lastAttempt) throw error; // BullMQ retries with exponential backoff
      await store.fail(id, taskError(error), unclaimed);
      taskOutcomes.inc({ type: task.type, outcome: "failed" });
      logger.info("task failed", { taskId: id, type: task.type, error: errorMessage(error) });
      throw new UnrecoverableError(errorMessage(error));
    } finally {
      taskDuration.observe({ type: task.type }, (performance.now() - started) / 1000);
    }
  };
}
