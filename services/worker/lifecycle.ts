// A task's life in PostgreSQL, written by the worker. Every transition is conditional on the state
// it leaves, so a retried, duplicated or cancelled job can never write a second final state.
import { type Job, UnrecoverableError } from "bullmq";
import type { Db } from "../shared/db.ts";
import { errorMessage, type Logger } from "../shared/logger.ts";
import { taskDuration, taskOutcomes } from "../shared/metrics.ts";
import { MlInputError } from "../shared/ml/index.ts";
import type { TaskType } from "../shared/queues.ts";
import { processors } from "./processors/index.ts";

interface Claimed {
  type: TaskType;
  payload: unknown;
}

/** Marks the task running (again, after a stall or retry); undefined when it is no longer runnable. */
async function claim(db: Db, id: string): Promise<Claimed | undefined> {
  const rows = await db.$queryRaw<Claimed[]>`
    UPDATE "Task" SET status = 'running', attempts = attempts + 1, "startedAt" = now(),
      "queuedMs" = COALESCE("queuedMs", (EXTRACT(EPOCH FROM now() - "createdAt") * 1000)::int)
    WHERE id = ${id}::uuid AND status IN ('queued', 'running')
    RETURNING type, payload`;
  return rows[0];
}

class Cancelled extends Error {}

const isPermanent = (error: unknown) => error instanceof UnrecoverableError || error instanceof MlInputError;

export function taskRunner(db: Db, logger: Logger) {
  return async function runTask(job: Job): Promise<{ status: string }> {
    const id = job.id!;
    const task = await claim(db, id);
    if (!task) return { status: "skipped" }; // cancelled, already final, or never accepted
    const started = performance.now();
    try {
      const outcome = await processors[task.type](task.payload, { db, taskId: id });
      await db.$transaction(async (tx) => {
        const extra = (await outcome.save?.(tx)) ?? {};
        const durationMs = Math.round(performance.now() - started);
        const { count } = await tx.task.updateMany({
          where: { id, status: "running" },
          data: { status: "succeeded", result: { ...outcome.result, ...extra }, finishedAt: new Date(), durationMs },
        });
        if (count === 0) throw new Cancelled(); // roll back what `save` wrote
      });
      taskOutcomes.inc({ type: task.type, outcome: "succeeded" });
      return { status: "succeeded" };
    } catch (error) {
      if (error instanceof Cancelled) {
        taskOutcomes.inc({ type: task.type, outcome: "cancelled" });
        return { status: "cancelled" };
      }
      const lastAttempt = isPermanent(error) || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (!lastAttempt) throw error; // BullMQ retries with exponential backoff
      await markFailed(db, id, errorMessage(error));
      taskOutcomes.inc({ type: task.type, outcome: "failed" });
      logger.info("task failed", { taskId: id, type: task.type, error: errorMessage(error) });
      throw new UnrecoverableError(errorMessage(error));
    } finally {
      taskDuration.observe({ type: task.type }, (performance.now() - started) / 1000);
    }
  };
}

/** Final failure, also for jobs BullMQ gives up on without running us (stalled too often). */
export async function markFailed(db: Db, id: string, error: string): Promise<void> {
  await db.task.updateMany({
    where: { id, status: { in: ["queued", "running"] } },
    data: { status: "failed", error: error.slice(0, 2_000), finishedAt: new Date() },
  });
}
