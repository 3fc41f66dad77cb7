// PostgreSQL is the record of accepted work; Redis only carries it. If Redis loses jobs (flush,
// restart without persistence), or a job ended while PostgreSQL could not record it (an outage
// longer than the retries), this puts every unfinished task back on its queue, and every enabled
// schedule back into BullMQ. Re-adding is safe: the job id is the task id.
import { type Db, sqlOf } from "../shared/db.ts";
import { enqueueTasks, queueOf, type Queues } from "../shared/queues.ts";
import type { Redis } from "../shared/redis.ts";
import { applySchedule } from "../shared/schedules.ts";
import type { TaskStore } from "../shared/tasks/store.ts";

const PAGE = 1_000;

export interface ReconcileResult {
  tasks: number;
  schedules: number;
}

/**
 * Tasks younger than `graceMs` are left alone: the API may still be between its insert and its
 * enqueue (and withdraws the row if the enqueue fails).
 */
export async function reconcileOrphanedTasks(store: TaskStore, redis: Redis, queues: Queues, prefix: string, graceMs = 10_000): Promise<number> {
  const before = new Date(Date.now() - graceMs);
  let cursor: string | undefined;
  let requeued = 0;
  for (;;) {
    const page = await store.unfinished(before, cursor, PAGE);
    if (page.length === 0) return requeued;
    cursor = page.at(-1)!.id;
    const pipeline = redis.pipeline();
    for (const task of page) {
      const queue = `${prefix}:${queueOf[task.type]}`;
      pipeline.exists(`${queue}:${task.id}`).zscore(`${queue}:failed`, task.id).zscore(`${queue}:completed`, task.id);
    }
    const replies = (await pipeline.exec()) ?? [];
    const reply = (i: number, k: number) => replies[i * 3 + k]?.[1];
    const missing = page.filter((_, i) => reply(i, 0) === 0);
    // A job BullMQ has finished while PostgreSQL still says queued/running: its final write was
    // lost (PostgreSQL was down through every retry). Run it again; the conditional writes make a
    // second run of a task that did finish a no-op.
    const finished = page.filter((_, i) => reply(i, 0) === 1 && (reply(i, 1) !== null || reply(i, 2) !== null));
    await Promise.all(finished.map((task) => queues.families[queueOf[task.type]].remove(task.id)));
    const orphaned = [...missing, ...finished];
    if (orphaned.length > 0) await enqueueTasks(queues, orphaned);
    requeued += orphaned.length;
  }
}

/** Puts back the job scheduler of every enabled schedule Redis has lost; how many it restored. */
export async function reconcileSchedules(db: Db, queues: Queues): Promise<number> {
  // Ids first, in plain SQL: whole rows (through Prisma, whose query compiler is ~20 MB once
  // loaded) only for the rare schedule Redis lost, so a worker that only predicts never loads it.
  const enabled = await sqlOf(db).query<{ id: string }>`SELECT id::text AS id FROM "Schedule" WHERE enabled`;
  const lost: string[] = [];
  for (const { id } of enabled) if (!(await queues.schedules.getJobScheduler(id))) lost.push(id);
  if (lost.length === 0) return 0;
  const schedules = await db.schedule.findMany({ where: { id: { in: lost }, enabled: true } });
  for (const schedule of schedules) await applySchedule(queues.schedules, schedule);
  return schedules.length;
}

export async function reconcile(db: Db, store: TaskStore, redis: Redis, queues: Queues, prefix: string, graceMs?: number): Promise<ReconcileResult> {
  return { tasks: await reconcileOrphanedTasks(store, redis, queues, prefix, graceMs), schedules: await reconcileSchedules(db, queues) };
}
