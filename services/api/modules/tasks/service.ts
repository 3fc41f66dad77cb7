import type { TSchema } from "@sinclair/typebox";
import { type TypeCheck, TypeCompiler } from "@sinclair/typebox/compiler";
import type { Db, Task } from "../../../shared/db.ts";
import { isUniqueViolation, type Prisma } from "../../../shared/db.ts";
import { enqueueTasks, queueOf, type Queues, type TaskType } from "../../../shared/queues.ts";
import { within } from "../../../shared/within.ts";
import { ConflictError, InputError, NotFoundError, UnavailableError } from "../../../shared/errors.ts";
import type { TaskEvents } from "./events.ts";
import { FINAL_STATUSES, payloadSchemas, type Submission } from "./model.ts";
import { type NewTaskRow, SubmissionBatcher } from "./submission-batcher.ts";

const payloadCheckers = Object.fromEntries(
  Object.entries(payloadSchemas).map(([type, schema]) => [type, TypeCompiler.Compile<TSchema>(schema)]),
) as Record<TaskType, TypeCheck<TSchema>>;

/** Fields of a task shown in lists (no payload or result: those can be large). */
const summary = {
  id: true, type: true, status: true, priority: true, attempts: true, error: true, scheduleId: true,
  createdAt: true, startedAt: true, finishedAt: true, queuedMs: true, durationMs: true,
} as const;

/** Throws 422 naming the first problem of a submission's payload (`where` prefixes the path). */
export function checkPayload(submission: Submission, where = ""): void {
  const checker = payloadCheckers[submission.type];
  // Check is the compiled test; Errors walks the schema again to describe a failure (6.7% of the
  // API's CPU under POST /tasks load when it ran for every valid payload).
  if (checker.Check(submission.payload)) return;
  const first = checker.Errors(submission.payload).First();
  if (first) {
    const path = `${where}/payload${first.path}`;
    throw new InputError(`${path}: ${first.message}`, [{ path, message: first.message }]);
  }
}

const ENQUEUE_TIMEOUT_MS = 3_000;

export interface ListQuery {
  status?: string;
  type?: string;
  limit?: number;
  cursor?: string;
}

export class TaskService {
  /** Concurrent submissions without an Idempotency-Key: one INSERT + one addBulk per flush. */
  private readonly batcher = new SubmissionBatcher({
    insertMany: (rows) => this.insertMany(rows),
    insertOne: (row) => this.db.task.create({ data: row as Prisma.TaskUncheckedCreateInput, select: { id: true } }),
    enqueue: (rows) => this.enqueueOrWithdraw(rows),
  });

  constructor(
    private readonly db: Db,
    private readonly queues: Queues,
    private readonly events: TaskEvents,
  ) {}

  /** Persists then enqueues a task. The same idempotency key returns the first task, unchanged. */
  async submit(ownerId: string, submission: Submission, idempotencyKey?: string): Promise<{ task: { id: string; status: string }; replayed: boolean }> {
    checkPayload(submission);
    if (!idempotencyKey) {
      const row = this.newTask(ownerId, submission);
      await this.batcher.submit(row);
      return { task: { id: row.id, status: "queued" }, replayed: false };
    }
    const existing = await this.byIdempotencyKey(ownerId, idempotencyKey);
    if (existing) return { task: existing, replayed: true };
    let task: Task;
    try {
      task = await this.db.task.create({ data: this.newTask(ownerId, submission, idempotencyKey) });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // A concurrent request with the same key won the race: answer with its task.
      const winner = await this.byIdempotencyKey(ownerId, idempotencyKey);
      if (!winner) throw error;
      return { task: winner, replayed: true };
    }
    await this.enqueueOrWithdraw([task]);
    return { task, replayed: false };
  }

  /** All or nothing: every submission is checked before any is stored. */
  async submitBatch(ownerId: string, submissions: Submission[]): Promise<{ id: string; status: string }[]> {
    submissions.forEach((submission, i) => checkPayload(submission, `/tasks/${i}`));
    const data = submissions.map((submission) => this.newTask(ownerId, submission));
    // On failure Prisma's createMany (which wrote nothing either) reports it as the API maps it
    // (e.g. a deleted owner's FK violation → 401).
    await this.insertMany(data).catch(() => this.db.task.createMany({ data }));
    await this.enqueueOrWithdraw(data.map((task) => ({ id: task.id, type: task.type, priority: task.priority })));
    return data.map((task) => ({ id: task.id, status: "queued" }));
  }

  async get(ownerId: string, id: string): Promise<Task> {
    const task = await this.db.task.findFirst({ where: { id, ownerId } });
    if (!task) throw new NotFoundError("task");
    return task;
  }

  /** Newest first. Ids are UUIDv7, so "older than the cursor" is `id < cursor`. */
  async list(ownerId: string, { status, type, limit = 20, cursor }: ListQuery) {
    const rows = await this.db.task.findMany({
      where: {
        ownerId,
        ...(status && { status: status as Task["status"] }),
        ...(type && { type }),
        ...(cursor && { id: { lt: cursor } }),
      },
      orderBy: { id: "desc" },
      take: limit + 1,
      select: summary,
    });
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? items.at(-1)!.id : null };
  }

  /** Cancels a queued or running task; a running one's result is discarded when it ends. */
  async cancel(ownerId: string, id: string): Promise<Task> {
    const task = await this.get(ownerId, id);
    const { count } = await this.db.task.updateMany({
      where: { id, status: { in: ["queued", "running"] } },
      data: { status: "cancelled", finishedAt: new Date() },
    });
    if (count === 0) throw new ConflictError(`task is already ${task.status}`);
    // A waiting job is removed; an active one is locked by its worker and finishes harmlessly.
    await this.queues.families[queueOf[task.type as TaskType]].remove(id).catch(() => 0);
    this.events.notify(id);
    return this.get(ownerId, id);
  }

  /** The task once it is final or `seconds` have passed. */
  async wait(ownerId: string, id: string, seconds: number): Promise<Task> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      const changed = this.events.next(id, Math.min(2_000, Math.max(0, deadline - Date.now())));
      const task = await this.get(ownerId, id);
      if (FINAL_STATUSES.has(task.status) || Date.now() >= deadline) return task;
      await changed;
    }
  }

  /**
   * Every state the task passes through until it is final (for server-sent events), and `undefined`
   * after each quiet `heartbeatSeconds` so proxies do not close an idle stream.
   */
  async *follow(ownerId: string, id: string, maxSeconds = 600, heartbeatSeconds = 15): AsyncGenerator<Task | undefined> {
    const deadline = Date.now() + maxSeconds * 1000;
    let last = "";
    let lastSent = Date.now();
    while (Date.now() < deadline) {
      const changed = this.events.next(id, Math.min(5_000, heartbeatSeconds * 1000));
      const task = await this.get(ownerId, id);
      const state = `${task.status}:${task.attempts}`;
      if (state !== last || Date.now() - lastSent >= heartbeatSeconds * 1000) {
        yield state !== last ? task : undefined;
        lastSent = Date.now();
      }
      last = state;
      if (FINAL_STATUSES.has(task.status)) return;
      await changed;
    }
  }

  /**
   * Raw SQL, one statement whatever the count: Prisma's createMany compiles a new query plan for
   * every call (~30% of the API's CPU under POST /tasks load in a profile). All rows or none.
   */
  private insertMany(rows: NewTaskRow[]) {
    return this.db.$executeRaw`
      INSERT INTO "Task" (id, "ownerId", type, priority, payload, "idempotencyKey")
      SELECT id, "ownerId", type, priority, payload, "idempotencyKey"
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS t(id uuid, "ownerId" uuid, type text, priority int, payload jsonb, "idempotencyKey" text)`;
  }

  private byIdempotencyKey(ownerId: string, idempotencyKey: string) {
    return this.db.task.findUnique({ where: { ownerId_idempotencyKey: { ownerId, idempotencyKey } } });
  }

  private newTask(ownerId: string, submission: Submission, idempotencyKey?: string) {
    return {
      id: Bun.randomUUIDv7(),
      ownerId,
      type: submission.type,
      priority: submission.priority ?? 5,
      payload: submission.payload,
      idempotencyKey: idempotencyKey ?? null,
    };
  }

  /**
   * A task that cannot be queued is not accepted: its row is removed and the client gets 503. BullMQ
   * waits for Redis without limit, hence the timeout; should the add still land later, the worker
   * finds no row to claim and skips the job.
   */
  private async enqueueOrWithdraw(tasks: { id: string; type: string; priority: number }[]): Promise<void> {
    try {
      await within(enqueueTasks(this.queues, tasks), ENQUEUE_TIMEOUT_MS, "enqueue");
    } catch {
      // Also when already `running`: a timed-out enqueue may still land and be claimed before this
      // delete; without its row the worker's final write matches nothing and rolls back, so a task
      // the client was refused never produces a result.
      const { count } = await this.db.task.deleteMany({
        where: { id: { in: tasks.map((task) => task.id) }, status: { in: ["queued", "running"] } },
      });
      // None left to withdraw: the late enqueue landed and every task already finished, so they
      // were accepted after all, and saying 503 would hide a result the client will never ask for.
      if (count === 0) return;
      throw new UnavailableError("the task queue is unavailable; nothing was accepted, retry shortly");
    }
  }
}
