// Wakes waiters when a task's job moves (active, completed, failed, removed), from BullMQ's event
// streams, so waiting and streaming cost one Redis stream reader per queue, not a poll per client.
import { QueueEvents } from "bullmq";
import { EventEmitter } from "node:events";
import { FAMILY_QUEUES } from "../../../shared/queues.ts";
import { createWorkerRedis } from "../../../shared/redis.ts";

const JOB_EVENTS = ["active", "completed", "failed", "removed"] as const;

export class TaskEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private readonly streams: QueueEvents[];

  constructor(redisUrl: string, prefix: string) {
    this.streams = FAMILY_QUEUES.map((name) => {
      const connection = createWorkerRedis(redisUrl).on("error", () => {}); // it reconnects by itself
      const events = new QueueEvents(name, { connection, prefix });
      for (const event of JOB_EVENTS) events.on(event, ({ jobId }: { jobId: string }) => this.emitter.emit(jobId));
      events.on("error", () => {}); // readiness reports Redis outages
      return events;
    });
  }

  /** Tells local waiters that `taskId` changed (e.g. cancelled here). */
  notify(taskId: string): void {
    this.emitter.emit(taskId);
  }

  /** Resolves at the next change of `taskId` or after `timeoutMs`, whichever comes first. */
  next(taskId: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.emitter.off(taskId, done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.emitter.on(taskId, done);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.streams.map((events) => events.close()));
  }
}
