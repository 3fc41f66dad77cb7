// The one batcher: calls of one event-loop turn share a call, each caller gets its own result or
// error, and a failed call fails only the items at fault ("retry-each") or all of them ("fail-all").
import { describe, expect, test } from "bun:test";
import { Batcher, type BatcherOptions } from "../../../services/shared/tasks/batcher.ts";

/** A batcher over `run`, recording the items of every call it makes. */
function recording<O>(run: (items: number[]) => Promise<O[]>, options: Partial<BatcherOptions<number, O>> = {}) {
  const calls: number[][] = [];
  const batcher = new Batcher<number, O>({
    onFailure: "retry-each",
    ...options,
    run: (items) => {
      calls.push(items);
      return run(items);
    },
  });
  return { batcher, calls };
}

const doubled = async (items: number[]) => items.map((n) => n * 2);

describe("coalescing", () => {
  test("calls made in one turn share one call, each caller gets its own result", async () => {
    const { batcher, calls } = recording(doubled);
    expect(await Promise.all([1, 2, 3, 4].map((n) => batcher.run(n)))).toEqual([2, 4, 6, 8]);
    expect(calls).toEqual([[1, 2, 3, 4]]);
  });

  test("calls of later turns make later calls; a lone call is a call of one", async () => {
    const { batcher, calls } = recording(doubled);
    const first = [batcher.run(1), batcher.run(2)];
    await Bun.sleep(5);
    const second = batcher.run(3);
    expect(await Promise.all([...first, second])).toEqual([2, 4, 6]);
    expect(calls).toEqual([[1, 2], [3]]);
  });

  test("maxBatch pending items start a call at once; the rest wait for the end of the turn", async () => {
    const { batcher, calls } = recording(doubled, { maxBatch: 3 });
    const results = [1, 2, 3, 4, 5].map((n) => batcher.run(n));
    expect(calls).toEqual([[1, 2, 3]]); // before the turn ended
    expect(await Promise.all(results)).toEqual([2, 4, 6, 8, 10]);
    expect(calls).toEqual([[1, 2, 3], [4, 5]]);
  });

  test("items with the same key never share a call", async () => {
    const { batcher, calls } = recording(doubled, { key: (n) => String(n % 10) });
    expect(await Promise.all([1, 2, 11, 3].map((n) => batcher.run(n)))).toEqual([2, 4, 22, 6]);
    expect(calls).toContainEqual([1, 2, 3]);
    expect(calls).toContainEqual([11]);
    expect(calls).toHaveLength(2);
  });
});

describe("failures", () => {
  /** Refuses any call that carries a 13. */
  const refusing13 = async (items: number[]) => {
    if (items.includes(13)) throw new Error("13 refused");
    return items.map((n) => n * 2);
  };

  test('"retry-each": only the item at fault fails, the others succeed on their own', async () => {
    const { batcher, calls } = recording(refusing13);
    const results = await Promise.allSettled([1, 13, 2].map((n) => batcher.run(n)));
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual([2, "13 refused", 4]);
    expect(calls).toEqual([[1, 13, 2], [1], [13], [2]]);
  });

  test('"fail-all": every caller of the call gets its error, nothing is retried', async () => {
    const { batcher, calls } = recording(refusing13, { onFailure: "fail-all" });
    const results = await Promise.allSettled([1, 13, 2].map((n) => batcher.run(n)));
    expect(results.map((r) => r.status === "rejected" && (r.reason as Error).message)).toEqual(["13 refused", "13 refused", "13 refused"]);
    expect(calls).toEqual([[1, 13, 2]]);
  });

  test("a failed call leaves the batcher working for the next turn", async () => {
    const { batcher } = recording(refusing13, { onFailure: "fail-all" });
    await Promise.allSettled([batcher.run(13), batcher.run(1)]);
    expect(await Promise.all([batcher.run(5), batcher.run(6)])).toEqual([10, 12]);
  });
});
