// Wakes waiters when a task's job moves (active, completed, failed, removed), from BullMQ's event
// streams, so waiting and streaming cost one Redis stream reader per queue, not a poll per client.
//
// The readers run only while someone waits (GET /tasks/:id?wait=, the events stream) and a while
// after: reading and decoding every job's events was ~18% of the API's CPU under POST /tasks and
// pipeline load when nobody waited, and three idle blocking connections. A reader that starts
// replays the last seconds of its stream, so a change made just before it started still wakes its
// waiter; and a waiter never depends on an event alone (it reads PostgreSQL again on a timeout).
import { QueueEvents } from "bullmq";
import { EventEmitter } from "node:events";
import { FAMILY_QUEUES } from "../../../shared/queues.ts";
import { createWorkerRedis, type Redis } from "../../../shared/redis.ts";

const JOB_EVENTS = ["active", "completed", "failed", "removed"] as const;
/** How far back a starting reader replays (more than a clock skew between API and Redis). */
const REPLAY_MS = 5_000;

export class TaskEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private readers: { events: QueueEvents; connection: Redis }[] | undefined;
  private waiting = 0;
  private stopTimer: Timer | undefined;

  constructor(
    private readonly redisUrl: string,
    private readonly prefix: string,
    /** How long the readers outlive their last waiter (the next one may come soon). */
    private readonly lingerMs = 10_000,
  ) {}

  /** Tells local waiters that `taskId` changed (e.g. cancelled here). */
  notify(taskId: string): void {
    this.emitter.emit(taskId);
  }

  /** Resolves at the next change of `taskId` or after `timeoutMs`, whichever comes first. */
  next(taskId: string, timeoutMs: number): Promise<void> {
    this.waiting += 1;
    this.listen();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.emitter.off(taskId, done);
        if (--this.waiting === 0) this.stopTimer = setTimeout(() => void this.stopReading(), this.lingerMs);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.emitter.on(taskId, done);
    });
  }

  async close(): Promise<void> {
    await this.stopReading();
  }

  private listen(): void {
    clearTimeout(this.stopTimer);
    if (this.readers) return;
    const lastEventId = `${Date.now() - REPLAY_MS}-0`;
    this.readers = FAMILY_QUEUES.map((name) => {
      const connection = createWorkerRedis(this.redisUrl).on("error", () => {}); // it reconnects by itself
      const events = new QueueEvents(name, { connection, prefix: this.prefix, lastEventId });
      for (const event of JOB_EVENTS) events.on(event, ({ jobId }: { jobId: string }) => this.emitter.emit(jobId));
      events.on("error", () => {}); // readiness reports Redis outages
      return { events, connection };
    });
  }

  private async stopReading(): Promise<void> {
    clearTimeout(this.stopTimer);
    const readers = this.readers;
    this.readers = undefined;
    await Promise.all((readers ?? []).map(({ events }) => events.close()));
    for (const { connection } of readers ?? []) connection.disconnect();
  }
}
