// Why this exists: under Bun every PostgreSQL query costs a socket write and its own Prisma
// compile/interpret pass, and in a profile of the worker those were most of its CPU. Calls made in
// the same event-loop turn (e.g. the claims of concurrent jobs) are run as ONE statement instead.
// Each caller still gets its own result; if the batched statement fails, every item is retried on
// its own, so one bad item fails only its own caller.

export class TickBatcher<I, O> {
  private pending: { item: I; resolve(value: O): void; reject(error: unknown): void }[] = [];
  private keys = new Set<string>();
  private scheduled = false;

  constructor(
    /** One statement for all items; returns their results in the same order. */
    private readonly runMany: (items: I[]) => Promise<O[]>,
    /** One item on its own: a lone call, a batch's fallback, or a key already pending. */
    private readonly runOne: (item: I) => Promise<O>,
    /** Items with the same key never share a statement (e.g. the same task id twice). */
    private readonly key: (item: I) => string,
    private readonly maxBatch = 100,
  ) {}

  run(item: I): Promise<O> {
    const key = this.key(item);
    if (this.keys.has(key)) return this.runOne(item);
    return new Promise<O>((resolve, reject) => {
      this.keys.add(key);
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.keys = new Set();
    const settleEach = () =>
      batch.forEach((p) =>
        this.runOne(p.item).then(p.resolve, p.reject),
      );
    if (batch.length === 1) return settleEach();
    this.runMany(batch.map((p) => p.item)).then(
      (results) => batch.forEach((p, i) => p.resolve(results[i]!)),
      settleEach,
    );
  }
}
