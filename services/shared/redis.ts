import { Redis } from "ioredis";

export type { Redis };

/**
 * A connection for request paths: commands fail at once while Redis is away instead of queueing,
 * so the API can answer 503 rather than hang or accept a task it cannot keep.
 */
export function createFailFastRedis(url: string): Redis {
  return new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
}

/** A connection for BullMQ workers: blocking commands must wait out an outage, never give up. */
export function createWorkerRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}
