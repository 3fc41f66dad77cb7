// The predict and batch limits (RATE_LIMIT_PREDICT, RATE_LIMIT_BATCH) count per workspace in Redis,
// so one count holds across every API replica and the worker: a schedule's firings use up the
// same allowance as the submissions its workspace makes by hand.
import type { Config } from "./config.ts";
import { RateLimitedError } from "./errors.ts";
import type { Redis } from "./redis.ts";

export type WorkspaceLimitName = "predict" | "batch";

// A fixed window: the first hit starts it (and its expiry), each hit counts, in one round trip.
const COUNT_HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}`;

export class WorkspaceLimits {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limits: Config["rateLimits"],
  ) {}

  /** Counts one use of `name` by the workspace; throws RateLimitedError past its limit. */
  async hit(name: WorkspaceLimitName, workspaceId: string): Promise<void> {
    if (!this.limits.enabled) return;
    const { max, windowMs } = this.limits[name];
    const key = `${this.prefix}:limits:${name}:${workspaceId}`;
    const [count, ttlMs] = (await this.redis.eval(COUNT_HIT, 1, key, windowMs)) as [number, number];
    if (count > max) {
      throw new RateLimitedError(
        `too many requests (${name}: ${max} per ${windowMs / 1000}s in this workspace)`,
        Math.max(1, Math.ceil(ttlMs / 1000)),
      );
    }
  }
}
