// A Schedule lives in PostgreSQL and runs as a BullMQ job scheduler on the schedules queue. Both the
// API (on every change) and the worker's reconciler (after Redis lost its keys) apply it with this.
import { getNextMillis, type Queue } from "bullmq";
import type { Schedule } from "./db.ts";
import { InputError } from "./errors.ts";
import { errorMessage } from "./logger.ts";

export const FIRE_JOB = "fire";

export async function applySchedule(queue: Queue, schedule: Schedule): Promise<void> {
  if (!schedule.enabled) {
    await queue.removeJobScheduler(schedule.id);
    return;
  }
  if (schedule.cron) checkCron(schedule.cron);
  const repeat = schedule.cron ? { pattern: schedule.cron, tz: "UTC" } : { every: schedule.everyMs! };
  await queue.upsertJobScheduler(schedule.id, repeat, {
    name: FIRE_JOB,
    data: { scheduleId: schedule.id },
    opts: { attempts: 3, backoff: { type: "exponential", delay: 1_000 }, removeOnComplete: 100, removeOnFail: 1_000 },
  });
}

/**
 * Throws InputError when BullMQ's own parser rejects `pattern`, so a client's mistake is told apart
 * from Redis failing (the parser's "Constraint error, got value 61…" names neither).
 */
export function checkCron(pattern: string): void {
  try {
    getNextMillis(Date.now(), { pattern, tz: "UTC" });
  } catch (error) {
    throw new InputError(`invalid cron pattern "${pattern}": ${errorMessage(error)}`);
  }
}
