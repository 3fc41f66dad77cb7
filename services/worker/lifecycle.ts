// A task's life in PostgreSQL, written by the worker. Every transition is conditional on the state
// it leaves, so a retried, duplicated or cancelled job can never write a second final state.
import { type Job, UnrecoverableError } from "bullmq";
import type { Db } from "../shared/db.ts";
import { errorMessage, type Logger } from "../shared/logger.ts";
import { taskDuration, taskOutcomes } from "../shared/metrics.ts";
import { InputError } from "../shared/errors.ts";
import type { TaskType } from "../shared/queues.ts";
import { processors } from "./processors/index.ts";
import type { Outcome } from "./processors/types.ts";
import { TickBatcher } from "../shared/tick-batcher.ts";

interface Claimed {
  type: TaskType;
  payload: unknown;
}

/**
 * Marks tasks running (again, after a stall or retry), one statement for all the jobs that start in
 * the same event-loop turn; undefined for a task that is no longer runnable.
 */
async function claimMany(db: Db, ids: string[]): Promise<(Claimed | undefined)[]> {
  const rows = await db.$queryRaw<(Claimed & { id: string })[]>`
    UPDATE "Task" SET status = 'running', attempts = attempts + 1, "startedAt" = now(),
      "queuedMs" = COALESCE("queuedMs", (EXTRACT(EPOCH FROM now() - "createdAt") * 1000)::int)
    WHERE id IN (SELECT value::uuid FROM jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))
      AND status IN ('queued', 'running')
    RETURNING id::text AS id, type, payload`;
  const byId = new Map(rows.map((row) => [row.id, { type: row.type, payload: row.payload }]));
  return ids.map((id) => byId.get(id));
}

class Cancelled extends Error {}

interface Finish {
  id: string;
  result: Outcome["result"];
  durationMs: number;
  predictions: Outcome["predictions"];
}
type Finishing = TickBatcher<Finish, boolean>;

/**
 * Marks tasks succeeded and keeps their predictions, one statement for all the tasks that end in
 * the same event-loop turn: a task's predictions are inserted only if its status update matched.
 * True for each task that was still running (false: cancelled, or finished by another run).
 */
async function finishMany(db: Db, finishes: Finish[]): Promise<boolean[]> {
  const input = finishes.map(({ id, result, durationMs, predictions }) => ({
    id, result, durationMs, modelId: predictions?.modelId ?? null, rows: predictions?.rows ?? [],
  }));
  const rows = await db.$queryRaw<{ id: string }[]>`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(input)}::jsonb)
        AS i(id uuid, result jsonb, "durationMs" int, "modelId" uuid, rows jsonb)
    ), done AS (
      UPDATE "Task" t SET status = 'succeeded', result = input.result, "finishedAt" = now(), "durationMs" = input."durationMs"
      FROM input WHERE t.id = input.id AND t.status = 'running'
      RETURNING t.id
    ), kept AS (
      INSERT INTO "Prediction" ("modelId", input, score)
      SELECT input."modelId", kept.input, kept.score
      FROM done JOIN input ON input.id = done.id,
        jsonb_to_recordset(input.rows) AS kept(input jsonb, score float8)
      -- The version may have been deleted since it was resolved (cached ≤ 1 s): its predictions
      -- would be cascade-deleted anyway, so none are kept rather than failing the task.
      WHERE EXISTS (SELECT 1 FROM "Model" WHERE id = input."modelId")
    )
    SELECT id::text AS id FROM done`;
  const updated = new Set(rows.map((row) => row.id));
  return finishes.map((finish) => updated.has(finish.id));
}

/**
 * Marks the task succeeded with its result and writes what the outcome keeps, atomically; throws
 * Cancelled (nothing written) when the task is no longer running. An outcome without `save` takes
 * one statement: the predictions are inserted only if the status update matched.
 */
async function succeed(db: Db, finishing: Finishing, id: string, outcome: Outcome, started: number): Promise<void> {
  const { save, predictions } = outcome;
  if (!save) {
    const durationMs = Math.round(performance.now() - started);
    const finished = await finishing.run({ id, result: outcome.result, durationMs, predictions });
    if (!finished) throw new Cancelled();
    return;
  }
  await db.$transaction(async (tx) => {
    const extra = (await save(tx)) ?? {};
    const durationMs = Math.round(performance.now() - started);
    const { count } = await tx.task.updateMany({
      where: { id, status: "running" },
      data: { status: "succeeded", result: { ...outcome.result, ...extra }, finishedAt: new Date(), durationMs },
    });
    if (count === 0) throw new Cancelled(); // roll back what `save` wrote
  });
  outcome.committed?.();
}

const isPermanent = (error: unknown) => error instanceof UnrecoverableError || error instanceof InputError;

export function taskRunner(db: Db, logger: Logger) {
  // Concurrent jobs' claims and finishes share statements (see TickBatcher).
  const claimOne = async (id: string) => (await claimMany(db, [id]))[0];
  const finishOne = async (finish: Finish) => (await finishMany(db, [finish]))[0]!;
  const claiming = new TickBatcher<string, Claimed | undefined>((ids) => claimMany(db, ids), claimOne, (id) => id);
  const finishing: Finishing = new TickBatcher<Finish, boolean>((all) => finishMany(db, all), finishOne, (one) => one.id);
  return async function runTask(job: Job): Promise<{ status: string }> {
    const id = job.id!;
    const task = await claiming.run(id);
    if (!task) return { status: "skipped" }; // cancelled, already final, or never accepted
    const started = performance.now();
    try {
      const outcome = await processors[task.type](task.payload, { db, taskId: id });
      await succeed(db, finishing, id, outcome, started);
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
