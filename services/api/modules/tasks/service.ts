// Reading, waiting for and cancelling tasks. Submitting is the shared submit path's
// (services/shared/tasks/submit.ts), the routes call it directly.
import { type Db, type Sql, sqlOf, type Task } from "../../../shared/db.ts";
import { ConflictError, NotFoundError } from "../../../shared/errors.ts";
import { queueOf, type Queues } from "../../../shared/queues.ts";
import { FINAL_STATUSES, type TaskStatus, type TaskType } from "../../../shared/tasks/contract.ts";
import type { TaskStore } from "../../../shared/tasks/store.ts";
import type { TaskEvents } from "./events.ts";
import { FinalTasks } from "./final-tasks.ts";

/** Fields of a task shown in lists (no payload or result: those can be large). */
const summary = {
  id: true, ownerId: true, type: true, status: true, priority: true, modelVersion: true, attempts: true, error: true, scheduleId: true,
  createdAt: true, startedAt: true, finishedAt: true, queuedMs: true, durationMs: true,
} as const;

export interface ListQuery {
  status?: TaskStatus;
  type?: TaskType;
  limit?: number;
  cursor?: string;
}

export class TaskService {
  private readonly finalTasks = new FinalTasks();
  private readonly sql: Sql;

  constructor(
    private readonly db: Db,
    private readonly store: TaskStore,
    private readonly queues: Queues,
    private readonly events: TaskEvents,
  ) {
    this.sql = sqlOf(db);
  }

  /** The workspace's task; a task of another workspace is as missing as one that never was. */
  async get(workspaceId: string, id: string): Promise<Task> {
    return this.finalTasks.get(workspaceId, id)?.task ?? (await this.load(workspaceId, id)).task;
  }

  /** The task as the API answers it: a final one from memory once read (final-tasks.ts). */
  async json(workspaceId: string, id: string): Promise<string> {
    const cached = this.finalTasks.get(workspaceId, id);
    if (cached) return cached.json;
    const { task, json } = await this.load(workspaceId, id);
    return json ?? JSON.stringify(task);
  }

  /** The task from PostgreSQL, and its JSON when the final-task cache made it. */
  private async load(workspaceId: string, id: string): Promise<{ task: Task; json?: string }> {
    // Plain SQL (every poll of a running task comes here), the columns in the schema's order. By
    // primary key alone, the workspace compared here: with "workspaceId" in the WHERE, PostgreSQL
    // planned a scan of the workspace's rows through another index whenever its statistics were
    // older than the workspace's growth (measured: 40 ms a read at 37,000 tasks, 276 req/s).
    const [task] = await this.sql.query<Task>`
      SELECT id, "workspaceId", "ownerId", type, status::text AS status, priority, payload, "modelVersion", result, error,
        attempts, "idempotencyKey", "scheduleId", "createdAt", "startedAt", "finishedAt", "queuedMs", "durationMs"
      FROM "Task" WHERE id = ${id}::uuid`;
    if (task?.workspaceId !== workspaceId) throw new NotFoundError("task");
    return { task, json: this.finalTasks.add(task) };
  }

  /** Newest first. Ids are UUIDv7, so "older than the cursor" is `id < cursor`. */
  async list(workspaceId: string, { status, type, limit = 20, cursor }: ListQuery) {
    const rows = await this.db.task.findMany({
      where: {
        workspaceId,
        ...(status && { status }),
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
  async cancel(workspaceId: string, id: string): Promise<Task> {
    const task = await this.get(workspaceId, id);
    if (!(await this.store.cancel(id))) throw new ConflictError(`task is already ${task.status}`);
    // A waiting job is removed; an active one is locked by its worker and finishes harmlessly.
    await this.queues.families[queueOf[task.type as TaskType]].remove(id).catch(() => 0);
    this.events.notify(id);
    return this.get(workspaceId, id);
  }

  /** The task once it is final or `seconds` have passed. */
  async wait(workspaceId: string, id: string, seconds: number): Promise<Task> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      const changed = this.events.next(id, Math.min(2_000, Math.max(0, deadline - Date.now())));
      const task = await this.get(workspaceId, id);
      if (FINAL_STATUSES.has(task.status) || Date.now() >= deadline) return task;
      await changed;
    }
  }

  /**
   * Every state the task passes through until it is final (for server-sent events), and `undefined`
   * after each quiet `heartbeatSeconds` so proxies do not close an idle stream. A run can be over
   * before its task is read again (a prediction takes milliseconds); its `running` state is then
   * told from the record (startedAt), so a stream never goes from queued to final for a task that ran.
   */
  async *follow(workspaceId: string, id: string, maxSeconds = 600, heartbeatSeconds = 15): AsyncGenerator<Task | undefined> {
    const deadline = Date.now() + maxSeconds * 1000;
    let last = "";
    let lastSent = Date.now();
    let sentRunning = false;
    while (Date.now() < deadline) {
      const changed = this.events.next(id, Math.min(5_000, heartbeatSeconds * 1000));
      const task = await this.get(workspaceId, id);
      const state = `${task.status}:${task.attempts}`;
      if (state !== last && FINAL_STATUSES.has(task.status) && task.startedAt !== null && !sentRunning) {
        yield { ...task, status: "running", result: null, error: null, finishedAt: null, durationMs: null };
      }
      if (task.status === "running") sentRunning = true;
      if (state !== last || Date.now() - lastSent >= heartbeatSeconds * 1000) {
        yield state !== last ? task : undefined;
        lastSent = Date.now();
      }
      last = state;
      if (FINAL_STATUSES.has(task.status)) return;
      await changed;
    }
  }
}
