// Why this exists: a single POST /tasks costs one INSERT (a commit with its WAL flush) and one BullMQ
// add (a Lua script) — two round trips and their client-side work per request, which bounded the
// API at ~1,100 submissions/s. Under concurrency the submissions that arrive within one event-loop
// turn are written with one INSERT (createMany) and queued with one addBulk per family queue.
//
// Semantics are those of one-by-one submission, per request:
// - a request resolves only once its task is persisted AND enqueued (the 202 promise);
// - if the flush's enqueue fails (or times out), `enqueue` withdraws every row of the flush and
//   rejects: every request of that flush gets its 503 — none of them was accepted;
// - if the multi-row INSERT fails, each row is retried on its own, so only the requests whose row
//   the database refuses fail, each with its own error (e.g. a deleted owner's FK violation → 401);
// - submissions with an Idempotency-Key do not come here (TaskService keeps them one by one, so a
//   concurrent duplicate still answers with the first task).

export interface NewTaskRow {
  id: string;
  ownerId: string;
  type: string;
  priority: number;
  payload: unknown;
  idempotencyKey: string | null;
}

export interface BatcherStore {
  /** One INSERT of all rows; all or nothing. */
  insertMany(rows: NewTaskRow[]): Promise<unknown>;
  /** One INSERT of one row (the fallback that tells which row the database refuses). */
  insertOne(row: NewTaskRow): Promise<unknown>;
  /** Enqueues every row, or withdraws them all and throws (TaskService.enqueueOrWithdraw). */
  enqueue(rows: NewTaskRow[]): Promise<void>;
}

interface Pending {
  row: NewTaskRow;
  resolve(): void;
  reject(error: unknown): void;
}

export class SubmissionBatcher {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly store: BatcherStore,
    /** Flush at once when this many are pending (one statement, one addBulk stay small). */
    private readonly maxBatch = 100,
  ) {}

  /** Resolves once the row is persisted and enqueued; rejects with the error its request answers. */
  submit(row: NewTaskRow): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ row, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flushNow();
      else if (!this.scheduled) {
        this.scheduled = true;
        // After the I/O of this event-loop turn: every request parsed in it joins the batch. A lone
        // request waits for nothing but the end of the current turn.
        setImmediate(() => this.flushNow());
      }
    });
  }

  private flushNow(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    void this.flush(batch);
  }

  private async flush(batch: Pending[]): Promise<void> {
    let stored = batch;
    try {
      await (batch.length === 1 ? this.store.insertOne(batch[0]!.row) : this.store.insertMany(batch.map((p) => p.row)));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // The statement wrote nothing. Find out which rows the database refuses, one by one.
      const results = await Promise.allSettled(batch.map((p) => this.store.insertOne(p.row)));
      stored = [];
      results.forEach((result, i) => {
        if (result.status === "fulfilled") stored.push(batch[i]!);
        else batch[i]!.reject(result.reason);
      });
      if (stored.length === 0) return;
    }
    try {
      await this.store.enqueue(stored.map((p) => p.row));
    } catch (error) {
      for (const p of stored) p.reject(error);
      return;
    }
    for (const p of stored) p.resolve();
  }
}
