// A job scheduler firing becomes an ordinary task. The firing's job id is the idempotency key, so
// a retried firing never submits its task twice.
import type { Job } from "bullmq";
import type { Db } from "../shared/db.ts";
import { isUniqueViolation } from "../shared/db.ts";
import { enqueueTasks, type Queues } from "../shared/queues.ts";

export function scheduleFirer(db: Db, queues: Queues) {
  return async function fireSchedule(job: Job<{ scheduleId: string }>): Promise<{ taskId?: string }> {
    const schedule = await db.schedule.findUnique({ where: { id: job.data.scheduleId } });
    if (!schedule?.enabled) return {}; // deleted or paused since this firing was planned
    const idempotencyKey = `schedule:${job.id}`;
    const data = {
      id: Bun.randomUUIDv7(), ownerId: schedule.ownerId, type: schedule.taskType, priority: schedule.priority,
      payload: schedule.payload ?? {}, idempotencyKey, scheduleId: schedule.id,
    };
    const task = await db.task.create({ data, select: { id: true, type: true, priority: true } }).catch(async (error) => {
      if (!isUniqueViolation(error)) throw error;
      return db.task.findUniqueOrThrow({
        where: { ownerId_idempotencyKey: { ownerId: schedule.ownerId, idempotencyKey } },
        select: { id: true, type: true, priority: true },
      });
    });
    await enqueueTasks(queues, [task]);
    return { taskId: task.id };
  };
}
