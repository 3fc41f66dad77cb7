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
  const repeat = schedule.cron ? { pattern: schedule.cron, tz: "UTC" } : { every: Number(schedule.everyMs!) };
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

/** Firings looked at to find a cron pattern's tightest gap: a day of minutes, or more. */
const FIRINGS_SAMPLED = 1_500;

/**
 * The shortest time between two firings of a cron pattern (checked with checkCron first), over its
 * next FIRINGS_SAMPLED firings: enough to catch a pattern of seconds or minutes that only
 * bunches up at some hour of the day.
 */
export function shortestCronGapMs(pattern: string, from = Date.now()): number {
  let previous = getNextMillis(from, { pattern, tz: "UTC" });
  let shortest = Infinity;
  for (let i = 0; i < FIRINGS_SAMPLED && previous !== undefined; i++) {
    const next = getNextMillis(previous, { pattern, tz: "UTC" });
    if (next === undefined) break;
    shortest = Math.min(shortest, next - previous);
    previous = next;
  }
  return shortest;
}
