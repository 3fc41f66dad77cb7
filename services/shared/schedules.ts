// A Schedule lives in PostgreSQL and runs as a BullMQ job scheduler on the schedules queue. Both the
// API (on every change) and the worker's reconciler (after Redis lost its keys) apply it with this.
import type { Queue } from "bullmq";
import { CronExpressionParser } from "cron-parser";
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
 * `pattern` parsed as BullMQ's job schedulers parse it (the same cron-parser, pinned to BullMQ's
 * version), firing after `from`. InputError when it is rejected, so a client's mistake is told
 * apart from Redis failing (the parser's "Constraint error, got value 61…" names neither).
 */
function parseCron(pattern: string, from: number) {
  try {
    return CronExpressionParser.parse(pattern, { currentDate: new Date(from), tz: "UTC" });
  } catch (error) {
    throw new InputError(`invalid cron pattern "${pattern}": ${errorMessage(error)}`);
  }
}

export function checkCron(pattern: string): void {
  parseCron(pattern, Date.now());
}

/** Firings looked at to find a cron pattern's tightest gap: a day of minutes, or more. */
const FIRINGS_SAMPLED = 1_500;
/** ...or a year of them, by when every month and weekday has come round: sparse patterns stop early. */
const SPAN_SAMPLED_MS = 366 * 86_400_000;

/**
 * The shortest time between two firings of a cron pattern (InputError if it is not one), over its
 * next FIRINGS_SAMPLED firings or a year of them, whichever comes first: enough to catch a pattern
 * of seconds or minutes that only bunches up at some hour of the day. It runs on the API's event
 * loop: the pattern is parsed once and stepped, and a yearly pattern stops after a few firings
 * (1,500 parses, or 1,500 years of a yearly pattern, held it for 100–500 ms).
 */
export function shortestCronGapMs(pattern: string, from = Date.now()): number {
  const firings = parseCron(pattern, from);
  let shortest = Infinity;
  const first = firings.next().getTime();
  let previous = first;
  for (let i = 0; i < FIRINGS_SAMPLED && previous - first <= SPAN_SAMPLED_MS && firings.hasNext(); i++) {
    const next = firings.next().getTime();
    shortest = Math.min(shortest, next - previous);
    previous = next;
  }
  return shortest;
}
