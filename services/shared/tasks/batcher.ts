// Why this exists: under Bun every PostgreSQL statement and every BullMQ call costs a socket write
// and its client-side work, and in profiles of the API under POST /tasks load and of the worker
// those were most of the CPU. Calls made in the same event-loop turn (the inserts of concurrent
// requests, the claims and finishes of concurrent jobs, their enqueues) run as ONE call instead,
// and each caller still gets its own result or its own error.

export interface BatcherOptions<I, O> {
  /** One call for all the items; their results in the same order (an empty list for void results). */
  run(items: I[]): Promise<O[]>;
  /**
   * What a failed call means. "retry-each": the call changed nothing, so each item is run again on
   * its own and only the items at fault fail (one refused row fails only its own request).
   * "fail-all": the items stand or fall together, and every caller gets the error.
   */
  onFailure: "retry-each" | "fail-all";
  /** Items with the same key never share a call (e.g. the same task id twice in one statement). */
  key?(item: I): string;
  /** Pending items that start a call at once rather than at the end of the turn. */
  maxBatch?: number;
}

interface Pending<I, O> {
  item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

export class Batcher<I, O> {
  private pending: Pending<I, O>[] = [];
  private keys = new Set<string>();
  private scheduled = false;

  constructor(private readonly options: BatcherOptions<I, O>) {}

  /** Resolves with the item's result once the call that carried it is done. */
  run(item: I): Promise<O> {
    const key = this.options.key?.(item);
    if (key !== undefined) {
      if (this.keys.has(key)) return this.runAlone(item);
      this.keys.add(key);
    }
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= (this.options.maxBatch ?? 100)) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        // After the I/O of this event-loop turn: every call made in it joins. A lone call waits for
        // nothing but the end of the current turn.
        setImmediate(() => this.flush());
      }
    });
  }

  private runAlone(item: I): Promise<O> {
    return this.options.run([item]).then((results) => results[0]!);
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.keys = new Set();
    const each = () => batch.forEach((p) => this.runAlone(p.item).then(p.resolve, p.reject));
    if (batch.length === 1) return each();
    this.options.run(batch.map((p) => p.item)).then(
      (results) => batch.forEach((p, i) => p.resolve(results[i]!)),
      (error: unknown) => (this.options.onFailure === "retry-each" ? each() : batch.forEach((p) => p.reject(error))),
    );
  }
}
