// A Schedule lives in PostgreSQL and runs as a BullMQ job scheduler on the schedules queue. Both the
// API (on every change) and the worker's reconciler (after Redis lost its keys) apply it with this.
import type { Queue } from "bullmq";
import type { Schedule } from "./db.ts";

export const FIRE_JOB = "fire";

export async function applySchedule(queue: Queue, schedule: Schedule): Promise<void> {
  if (!schedule.enabled) {
    await queue.removeJobScheduler(schedule.id);
    return;
  }
  const repeat = schedule.cron ? { pattern: schedule.cron, utc: true } : { every: schedule.everyMs! };
  await queue.upsertJobScheduler(schedule.id, repeat, {
    name: FIRE_JOB,
    data: { scheduleId: schedule.id },
    opts: { attempts: 3, backoff: { type: "exponential", delay: 1_000 }, removeOnComplete: 100, removeOnFail: 1_000 },
  });
}
