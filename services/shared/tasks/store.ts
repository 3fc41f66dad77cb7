// Every write to Task and Prediction, and the reads the life cycle itself makes. Each transition is
// conditional on the state it leaves, so a retried, duplicated or cancelled job can never write a
// second final state, and a withdrawn task can never produce a result.
//
// One dialect: SQL. Prisma's model queries compiled a query plan per call (createMany per row
// count: ~30% of the API's CPU under POST /tasks load), so these are plain statements on the
// Prisma client's own pool (sqlOf, db.ts), a third of Prisma's raw-query cost; the one that must
// share a Prisma transaction (a training's model and its task's final state commit together) is
// Prisma's raw query.
import { type Db, type Json, type Prisma, type Sql, sqlOf } from "../db.ts";
import { UnavailableError } from "../errors.ts";
import type { QueuedTask } from "../queues.ts";
import { Batcher } from "./batcher.ts";
import { FINAL_STATUSES, type TaskStatus, type TaskType } from "./contract.ts";

/** A task as it is first stored: queued, no attempts yet. */
export interface NewTask extends QueuedTask {
  workspaceId: string;
  ownerId: string;
  payload: unknown;
  /** The model version a model-using task runs with (null for train). */
  modelVersion: number | null;
  idempotencyKey: string | null;
  scheduleId: string | null;
}

/** What a claimed task runs, where, and for whom. */
export interface ClaimedTask {
  type: TaskType;
  payload: unknown;
  workspaceId: string;
  ownerId: string;
  modelVersion: number | null;
}

/** The task an idempotency key names, and whether this submission created it. */
export interface IdempotentInsert {
  id: string;
  status: TaskStatus;
  created: boolean;
  /** False when the key's task was submitted with another type, payload or priority. */
  sameRequest: boolean;
}

/** Scored inputs kept for drift checks, written with their task's final state. */
export interface KeptPredictions {
  modelId: string;
  rows: { input: Json; score: number }[];
}

export interface Finish {
  id: string;
  result: Json;
  durationMs: number;
  predictions?: KeptPredictions;
  /** For a task run without a claim (its job carried it): when it started and which attempt this was. */
  started?: { at: Date; attempt: number };
}

/** Writes a processor makes in the transaction that marks its task succeeded; merged into the result. */
export type SaveInTransaction = (tx: Prisma.TransactionClient) => Promise<Json | void>;

/** Thrown inside a transaction to roll it back: the task was no longer running. */
class NotRunning extends Error {}

const idList = (ids: string[]) => JSON.stringify(ids);
/**
 * For statements over a list of ids: "not final" rather than `status IN ('queued', 'running')`,
 * which PostgreSQL answers from the status index (estimated at a few rows, since most tasks are
 * final) by scanning the whole backlog; a condition no index serves leaves it a primary-key lookup
 * per id.
 */
const FINAL = [...FINAL_STATUSES];

export class TaskStore {
  /** Concurrent submissions share one INSERT; a row the database refuses fails only its own caller. */
  private readonly inserting = new Batcher<NewTask, void>({
    run: (tasks) => this.insertAll(tasks).then(() => []),
    onFailure: "retry-each",
  });
  /** Jobs that start in the same turn are claimed by one statement. */
  private readonly claiming = new Batcher<string, ClaimedTask | undefined>({
    run: (ids) => this.claimAll(ids),
    onFailure: "retry-each",
    key: (id) => id,
  });
  /** Jobs that end in the same turn are finished by one statement. */
  private readonly finishing = new Batcher<Finish, boolean>({
    run: (finishes) => this.finishAll(finishes),
    onFailure: "retry-each",
    key: (finish) => finish.id,
  });

  private readonly sql: Sql;

  constructor(private readonly db: Db) {
    this.sql = sqlOf(db);
  }

  /** Stores a new task, sharing the statement with the other inserts of this event-loop turn. */
  insert(task: NewTask): Promise<void> {
    return this.inserting.run(task);
  }

  /** Stores every task with one statement, or none of them. */
  async insertAll(tasks: NewTask[]): Promise<void> {
    await this.sql.prepared("task_insert_all").execute`
      INSERT INTO "Task" (id, "workspaceId", "ownerId", type, priority, payload, "modelVersion", "idempotencyKey", "scheduleId")
      SELECT id, "workspaceId", "ownerId", type, priority, payload, "modelVersion", "idempotencyKey", "scheduleId"
      FROM jsonb_to_recordset(${JSON.stringify(tasks)}::jsonb)
        AS t(id uuid, "workspaceId" uuid, "ownerId" uuid, type text, priority int, payload jsonb, "modelVersion" int,
          "idempotencyKey" text, "scheduleId" uuid)`;
  }

  /**
   * Stores the task unless its owner already has one under its idempotency key in the workspace;
   * either way, answers with that key's task, whether it was created now and whether it was
   * submitted with the same type, payload and priority.
   */
  async insertIdempotent(task: NewTask & { idempotencyKey: string }): Promise<IdempotentInsert> {
    const payload = JSON.stringify(task.payload);
    const [created] = await this.sql.query<{ id: string; status: TaskStatus }>`
      INSERT INTO "Task" (id, "workspaceId", "ownerId", type, priority, payload, "modelVersion", "idempotencyKey", "scheduleId")
      VALUES (${task.id}::uuid, ${task.workspaceId}::uuid, ${task.ownerId}::uuid, ${task.type}, ${task.priority}, ${payload}::jsonb,
        ${task.modelVersion}::int, ${task.idempotencyKey}, ${task.scheduleId}::uuid)
      ON CONFLICT ("workspaceId", "ownerId", "idempotencyKey") DO NOTHING
      RETURNING id::text AS id, status::text AS status`;
    if (created) return { ...created, created: true, sameRequest: true };
    // The key's task exists: a concurrent insert with the same key waited for, then lost to, it.
    const [existing] = await this.sql.query<{ id: string; status: TaskStatus; sameRequest: boolean }>`
      SELECT id::text AS id, status::text AS status,
        (type = ${task.type} AND priority = ${task.priority} AND payload = ${payload}::jsonb) AS "sameRequest"
      FROM "Task"
      WHERE "workspaceId" = ${task.workspaceId}::uuid AND "ownerId" = ${task.ownerId}::uuid AND "idempotencyKey" = ${task.idempotencyKey}`;
    // Gone again: its submission could not queue it and withdrew it (a Redis outage), as must this one.
    if (!existing) throw new UnavailableError("the task queue is unavailable; nothing was accepted, retry shortly");
    return { ...existing, created: false };
  }

  /**
   * Stores a task that is final before it runs: failed with `error` (a schedule's firing past its
   * workspace's limit, or naming a model that is gone). Its idempotency key makes a repeat of it a
   * no-op; returns the key's task id.
   */
  async insertRefused(task: NewTask & { idempotencyKey: string }, error: string): Promise<string> {
    const [row] = await this.sql.query<{ id: string }>`
      WITH refused AS (
        INSERT INTO "Task" (id, "workspaceId", "ownerId", type, priority, payload, "idempotencyKey", "scheduleId", status, error, "finishedAt")
        VALUES (${task.id}::uuid, ${task.workspaceId}::uuid, ${task.ownerId}::uuid, ${task.type}, ${task.priority},
          ${JSON.stringify(task.payload)}::jsonb, ${task.idempotencyKey}, ${task.scheduleId}::uuid, 'failed', ${error}, now())
        ON CONFLICT ("workspaceId", "ownerId", "idempotencyKey") DO NOTHING
        RETURNING id
      )
      SELECT id::text AS id FROM refused
      UNION ALL
      SELECT id::text FROM "Task"
      WHERE "workspaceId" = ${task.workspaceId}::uuid AND "ownerId" = ${task.ownerId}::uuid AND "idempotencyKey" = ${task.idempotencyKey}`;
    return row!.id;
  }

  /** Deletes tasks that were never accepted (their enqueue failed); how many were still there. */
  async withdraw(ids: string[]): Promise<number> {
    // Also when already `running`: a timed-out enqueue may still land and be claimed before this
    // delete; without its row the worker's final write matches nothing, so a task the client was
    // refused never produces a result.
    return this.sql.execute`
      DELETE FROM "Task"
      WHERE id IN (SELECT value::uuid FROM jsonb_array_elements_text(${idList(ids)}::jsonb))
        AND status <> ALL (${FINAL}::"TaskStatus"[])`;
  }

  /**
   * Marks the task running (again, after a stall or retry), sharing the statement with the other
   * claims of this turn; undefined when it is no longer runnable (cancelled, final, never accepted).
   */
  claim(id: string): Promise<ClaimedTask | undefined> {
    return this.claiming.run(id);
  }

  private async claimAll(ids: string[]): Promise<(ClaimedTask | undefined)[]> {
    const rows = await this.sql.prepared("task_claim_all").query<ClaimedTask & { id: string }>`
      UPDATE "Task" SET status = 'running', attempts = attempts + 1, "startedAt" = now(),
        "queuedMs" = COALESCE("queuedMs", (EXTRACT(EPOCH FROM now() - "createdAt") * 1000)::int)
      WHERE id IN (SELECT value::uuid FROM jsonb_array_elements_text(${idList(ids)}::jsonb))
        AND status <> ALL (${FINAL}::"TaskStatus"[])
      RETURNING id::text AS id, type, payload, "workspaceId"::text AS "workspaceId", "ownerId"::text AS "ownerId", "modelVersion"`;
    const byId = new Map(rows.map(({ id, ...task }) => [id, task]));
    return ids.map((id) => byId.get(id));
  }

  /**
   * Marks the task succeeded and keeps its predictions, sharing the statement with the other
   * finishes of this turn: the predictions are inserted only if the status update matched. False
   * when the task was no longer running (cancelled, or finished by another run). A task run
   * without a claim (`started`) goes from queued to succeeded in this one write, which records its
   * start as the claim would have.
   */
  finish(finish: Finish): Promise<boolean> {
    return this.finishing.run(finish);
  }

  private async finishAll(finishes: Finish[]): Promise<boolean[]> {
    const input = finishes.map(({ id, result, durationMs, predictions, started }) => ({
      id, result, durationMs, modelId: predictions?.modelId ?? null, rows: predictions?.rows ?? [],
      startedAt: started?.at ?? null, attempt: started?.attempt ?? null,
    }));
    // Prepared: planning this statement took as long as running it for a dozen tasks.
    const rows = await this.sql.prepared("task_finish_all").query<{ id: string }>`
      WITH input AS (
        SELECT * FROM jsonb_to_recordset(${JSON.stringify(input)}::jsonb)
          AS i(id uuid, result jsonb, "durationMs" int, "modelId" uuid, rows jsonb, "startedAt" timestamptz, attempt int)
      ), done AS (
        UPDATE "Task" t SET status = 'succeeded', result = input.result, "finishedAt" = now(), "durationMs" = input."durationMs",
          "startedAt" = COALESCE(input."startedAt", t."startedAt"), attempts = COALESCE(input.attempt, t.attempts),
          -- The start is the worker's clock, the creation PostgreSQL's rounded to the millisecond:
          -- a start within a millisecond of the insert can read as -1 ms, which is 0.
          "queuedMs" = COALESCE(t."queuedMs", CASE WHEN input."startedAt" IS NOT NULL
            THEN GREATEST(0, (EXTRACT(EPOCH FROM input."startedAt" - t."createdAt") * 1000)::int) END)
        FROM input
        -- Running, or (a task its job carried) queued. Written as a condition on the pair, not on
        -- t alone: from \`status = 'running' OR status = 'queued'\` PostgreSQL planned a scan of
        -- every queued and running task (the status index, estimated at one row because most
        -- tasks are final) hashed against the input, so each finish cost O(backlog); this way
        -- it is a lookup by primary key per finished task.
        WHERE t.id = input.id
          AND t.status = ANY (CASE WHEN input."startedAt" IS NULL THEN '{running}' ELSE '{queued,running}' END::"TaskStatus"[])
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
   * Runs `save` and marks the task succeeded with its result (and what `save` returns) in one
   * transaction. False, and nothing written, when the task was no longer running.
   */
  async succeedWith(id: string, result: Json, save: SaveInTransaction, startedAt: number): Promise<boolean> {
    try {
      await this.db.$transaction(async (tx) => {
        const extra = (await save(tx)) ?? {};
        const durationMs = Math.round(performance.now() - startedAt);
        const updated = await tx.$executeRaw`
          UPDATE "Task" SET status = 'succeeded', result = ${JSON.stringify({ ...result, ...extra })}::jsonb,
            "finishedAt" = now(), "durationMs" = ${durationMs}
          WHERE id = ${id}::uuid AND status = 'running'`;
        if (updated === 0) throw new NotRunning(); // rolls back what `save` wrote
      });
      return true;
    } catch (error) {
      if (error instanceof NotRunning) return false;
      throw error;
    }
  }

  /** Final failure; a task already final keeps its state. `started`: as for finish. */
  async fail(id: string, error: string, started?: Finish["started"]): Promise<void> {
    const at = started?.at ?? null;
    await this.sql.execute`
      UPDATE "Task" SET status = 'failed', error = ${error.slice(0, 2_000)}, "finishedAt" = now(),
        "startedAt" = COALESCE(${at}::timestamptz, "startedAt"), attempts = COALESCE(${started?.attempt ?? null}::int, attempts),
        "queuedMs" = COALESCE("queuedMs", CASE WHEN ${at}::timestamptz IS NOT NULL
          THEN GREATEST(0, (EXTRACT(EPOCH FROM ${at}::timestamptz - "createdAt") * 1000)::int) END)
      WHERE id = ${id}::uuid AND status IN ('queued', 'running')`;
  }

  /** Cancels a queued or running task; false when it is already final. */
  async cancel(id: string): Promise<boolean> {
    const updated = await this.sql.execute`
      UPDATE "Task" SET status = 'cancelled', "finishedAt" = now()
      WHERE id = ${id}::uuid AND status IN ('queued', 'running')`;
    return updated > 0;
  }

  /** Unfinished tasks created before `before`, in id order after `after`: the reconciler's pages. */
  unfinished(before: Date, after: string | undefined, limit: number): Promise<QueuedTask[]> {
    return this.sql.query<QueuedTask>`
      SELECT id::text AS id, type, priority FROM "Task"
      WHERE status IN ('queued', 'running') AND "createdAt" < ${before}
        AND (${after ?? null}::uuid IS NULL OR id > ${after ?? null}::uuid)
      ORDER BY id LIMIT ${limit}`;
  }
}
