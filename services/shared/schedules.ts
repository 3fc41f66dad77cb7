// A Schedule lives in PostgreSQL and runs as a BullMQ job scheduler on the schedules queue. Both the
// API (on every change) and the worker's reconciler (after Redis lost its keys) apply it with this.
import { getNextMillis, type Queue } from "bullmq";
import type { Schedule } from "./db.ts";
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
 * Throws when BullMQ's own parser rejects `pattern`, with a message that says "cron pattern": the
 * parser's own ("Constraint error, got value 61 expected range 0-59") does not say what was wrong,
 * so callers could not tell the client's mistake from Redis failing.
 */
export function checkCron(pattern: string): void {
  try {
    getNextMillis(Date.now(), { pattern, tz: "UTC" });
  } catch (error) {
    throw new Error(`invalid cron pattern "${pattern}": ${errorMessage(error)}`);
  }
}
