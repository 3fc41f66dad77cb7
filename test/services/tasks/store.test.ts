// The store's conditional transitions on a real PostgreSQL, raced the way concurrent jobs, retries
// and cancels race in production: every task ends in exactly one final state, written once.
import { afterAll, describe, expect, test } from "bun:test";
import { sqlState } from "../../../services/shared/db.ts";
import { type NewTask, type SaveInTransaction, TaskStore } from "../../../services/shared/tasks/store.ts";
import { startStores, storeModelVersion } from "../harness.ts";

const stores = await startStores();
afterAll(() => stores.stop());
const store = new TaskStore(stores.db);
const ownerId = await stores.owner();
const workspaceId = ownerId; // the owner's personal workspace
const modelId = await storeModelVersion(stores.db, workspaceId, "m");

const task = (overrides: Partial<NewTask> = {}): NewTask => ({
  id: Bun.randomUUIDv7(), workspaceId, ownerId, type: "predict", priority: 5, payload: { model: "m", input: { x: 1 } },
  modelVersion: 1, idempotencyKey: null, scheduleId: null, ...overrides,
});
const row = (id: string) => stores.db.task.findUniqueOrThrow({ where: { id } });
const predictionsOf = async (id: string) => stores.db.prediction.count({ where: { input: { equals: { task: id } } } });
const finishOf = (id: string) => ({ id, result: { score: 1 }, durationMs: 1, predictions: { modelId, rows: [{ input: { task: id }, score: 1 }] } });

/** Stored, queued tasks. */
async function queued(n: number): Promise<string[]> {
  const tasks = Array.from({ length: n }, () => task());
  await store.insertAll(tasks);
  return tasks.map((t) => t.id);
}

describe("inserting", () => {
  test("concurrent inserts: a row the database refuses fails only its own caller", async () => {
    const good = [task(), task(), task()];
    const orphan = task({ ownerId: Bun.randomUUIDv7() }); // no such user
    const results = await Promise.allSettled([good[0]!, orphan, good[1]!, good[2]!].map((t) => store.insert(t)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    expect(sqlState((results[1] as PromiseRejectedResult).reason)).toBe("23503"); // the API answers 401
    expect(await stores.db.task.count({ where: { id: { in: good.map((t) => t.id) }, status: "queued" } })).toBe(3);
    expect(await stores.db.task.count({ where: { id: orphan.id } })).toBe(0);
  });

  test("insertAll is all or nothing", async () => {
    const tasks = [task(), task({ ownerId: Bun.randomUUIDv7() }), task()];
    expect(sqlState(await store.insertAll(tasks).catch((error: unknown) => error))).toBe("23503");
    expect(await stores.db.task.count({ where: { id: { in: tasks.map((t) => t.id) } } })).toBe(0);
  });

  test("20 concurrent inserts under one idempotency key: one task, created once, the same id for all", async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => store.insertIdempotent({ ...task(), idempotencyKey: "once" })));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results.every((r) => r.sameRequest)).toBe(true);
    expect(await stores.db.task.count({ where: { idempotencyKey: "once" } })).toBe(1);
  });

  test("an idempotency key's task says whether a repeat is the same request (JSON equality, not text)", async () => {
    const first = await store.insertIdempotent({ ...task({ payload: { model: "m", input: { x: 1, y: 2 } } }), idempotencyKey: "compared" });
    const same = await store.insertIdempotent({ ...task({ payload: { input: { y: 2, x: 1.0 }, model: "m" } }), idempotencyKey: "compared" });
    const otherPayload = await store.insertIdempotent({ ...task({ payload: { model: "m", input: { x: 2, y: 2 } } }), idempotencyKey: "compared" });
    const otherPriority = await store.insertIdempotent({ ...task({ payload: { model: "m", input: { x: 1, y: 2 } }, priority: 9 }), idempotencyKey: "compared" });
    expect([first, same, otherPayload, otherPriority].map((r) => [r.id === first.id, r.created, r.sameRequest])).toEqual([
      [true, true, true], [true, false, true], [true, false, false], [true, false, false],
    ]);
  });

  test("the same key in another workspace is another task", async () => {
    const other = await stores.owner();
    const shared = { ...task(), idempotencyKey: "per-workspace-and-owner" };
    const mine = await store.insertIdempotent(shared);
    const theirs = await store.insertIdempotent({ ...shared, id: Bun.randomUUIDv7(), workspaceId: other, ownerId: other });
    expect(theirs.created).toBe(true);
    expect(theirs.id).not.toBe(mine.id);
  });

  test("a refused task is stored failed with its reason, once per idempotency key", async () => {
    const refused = { ...task(), idempotencyKey: "refused-once" };
    const id = await store.insertRefused(refused, "schedule firing refused: over the limit");
    expect(await store.insertRefused({ ...refused, id: Bun.randomUUIDv7() }, "again")).toBe(id);
    expect(await row(id)).toMatchObject({ status: "failed", error: "schedule firing refused: over the limit", attempts: 0 });
    expect((await row(id)).finishedAt).toBeInstanceOf(Date);
  });
});

describe("claiming", () => {
  test("concurrent claims each get their own task; the same id twice is claimed twice", async () => {
    const ids = await queued(5);
    const claims = await Promise.all([...ids, ids[0]!].map((id) => store.claim(id)));
    expect(claims.map((c) => c?.type)).toEqual(Array(6).fill("predict"));
    expect((await row(ids[0]!)).attempts).toBe(2);
    expect((await row(ids[1]!)).attempts).toBe(1);
  });

  test("a cancelled, final or unknown task is not claimed", async () => {
    const [cancelled, finished] = await queued(2);
    await store.cancel(cancelled!);
    await store.claim(finished!);
    await store.finish(finishOf(finished!));
    expect(await Promise.all([cancelled!, finished!, Bun.randomUUIDv7()].map((id) => store.claim(id)))).toEqual([undefined, undefined, undefined]);
    expect((await row(cancelled!)).attempts).toBe(0);
  });
});

describe("finishing under concurrency", () => {
  test("finish racing cancel: each task ends in exactly one final state, with predictions only if it succeeded", async () => {
    const ids = await queued(40);
    await Promise.all(ids.map((id) => store.claim(id)));
    const outcomes = await Promise.all(
      ids.map((id, i) =>
        Promise.all(i % 2 ? [store.cancel(id), store.finish(finishOf(id))] : [store.finish(finishOf(id)), store.cancel(id)]),
      ),
    );
    for (const [i, id] of ids.entries()) {
      const [first, second] = outcomes[i]!;
      const [cancelled, finished] = i % 2 ? [first, second] : [second, first];
      expect(cancelled !== finished).toBe(true); // exactly one of them won
      const stored = await row(id);
      expect(stored.status).toBe(finished ? "succeeded" : "cancelled");
      expect(await predictionsOf(id)).toBe(finished ? 1 : 0);
    }
  });

  test("two finishes of one task in one turn: one wins, its predictions kept once", async () => {
    const [id] = await queued(1);
    await store.claim(id!);
    const results = await Promise.all([store.finish(finishOf(id!)), store.finish(finishOf(id!))]);
    expect(results.sort()).toEqual([false, true]);
    expect(await predictionsOf(id!)).toBe(1);
  });

  test("a task that is not running is not finished, and keeps no predictions", async () => {
    const [id] = await queued(1);
    expect(await store.finish(finishOf(id!))).toBe(false);
    expect((await row(id!)).status).toBe("queued");
    expect(await predictionsOf(id!)).toBe(0);
  });

  test("succeedWith: the processor's writes commit with the final state, or roll back with it", async () => {
    const [kept, cancelled] = await queued(2);
    await Promise.all([kept!, cancelled!].map((id) => store.claim(id)));
    await store.cancel(cancelled!);
    const save = (name: string): SaveInTransaction => async (tx) => {
      await tx.model.create({
        data: { id: Bun.randomUUIDv7(), workspaceId, name, version: 1, algorithm: "linear", label: "y", features: [], parameters: {}, metrics: {}, featureStats: {} },
      });
      return { version: 1 };
    };
    expect(await store.succeedWith(kept!, { model: "kept" }, save("kept"), performance.now())).toBe(true);
    expect(await store.succeedWith(cancelled!, { model: "rolled-back" }, save("rolled-back"), performance.now())).toBe(false);
    expect(await row(kept!)).toMatchObject({ status: "succeeded", result: { model: "kept", version: 1 } });
    expect((await row(cancelled!)).status).toBe("cancelled");
    expect(await stores.db.model.count({ where: { name: { in: ["kept", "rolled-back"] } } })).toBe(1);
  });

  test("fail and cancel never overwrite a final state", async () => {
    const [id] = await queued(1);
    await store.claim(id!);
    await store.finish(finishOf(id!));
    await store.fail(id!, "too late");
    expect(await store.cancel(id!)).toBe(false);
    expect(await row(id!)).toMatchObject({ status: "succeeded", error: null });
  });
});

describe("withdrawing", () => {
  test("removes queued and running tasks, never final ones; says how many it removed", async () => {
    const [waiting, running, done] = await queued(3);
    await store.claim(running!);
    await store.claim(done!);
    await store.finish(finishOf(done!));
    expect(await store.withdraw([waiting!, running!, done!])).toBe(2);
    expect(await stores.db.task.findMany({ where: { id: { in: [waiting!, running!, done!] } }, select: { id: true } })).toEqual([{ id: done! }]);
    // The worker's final write for a withdrawn task matches nothing.
    expect(await store.finish(finishOf(running!))).toBe(false);
  });
});

describe("the reconciler's pages", () => {
  test("unfinished tasks older than the cut, in id order, page by page", async () => {
    const ids = await queued(5);
    await store.cancel(ids[4]!);
    const cut = new Date(Date.now() + 1_000);
    const mine = (page: { id: string }[]) => page.map((t) => t.id).filter((id) => ids.includes(id));
    const all = await store.unfinished(cut, undefined, 1_000);
    expect(mine(all)).toEqual(ids.slice(0, 4));
    expect(all.map((t) => t.id)).toEqual([...all.map((t) => t.id)].sort());
    const afterSecond = await store.unfinished(cut, ids[1], 1_000);
    expect(mine(afterSecond)).toEqual(ids.slice(2, 4));
    expect(await store.unfinished(new Date(0), undefined, 1_000)).toEqual([]);
  });
});

describe("a task run without a claim (its job carried it: predict)", () => {
  const started = (attempt = 1) => ({ at: new Date(), attempt });

  test("queued → succeeded in one write, with its start recorded as a claim would have", async () => {
    const [id] = await queued(1);
    expect(await store.finish({ ...finishOf(id!), started: started(2) })).toBe(true);
    const done = await row(id!);
    expect(done).toMatchObject({ status: "succeeded", attempts: 2, result: { score: 1 } });
    expect(done.startedAt).not.toBeNull();
    expect(done.queuedMs).toBeGreaterThanOrEqual(0);
    expect(await predictionsOf(id!)).toBe(1);
  });

  test("cancelled, or finished by another run, before it ends: nothing written", async () => {
    const [cancelled, finished] = await queued(2);
    await store.cancel(cancelled!);
    await store.finish({ ...finishOf(finished!), started: started() });
    expect(await store.finish({ ...finishOf(cancelled!), started: started() })).toBe(false);
    expect(await store.finish({ ...finishOf(finished!), started: started(2) })).toBe(false);
    expect(await row(cancelled!)).toMatchObject({ status: "cancelled", startedAt: null, attempts: 0 });
    expect(await row(finished!)).toMatchObject({ status: "succeeded", attempts: 1 });
    expect([await predictionsOf(cancelled!), await predictionsOf(finished!)]).toEqual([0, 1]);
  });

  test("a final failure records its start and attempt too", async () => {
    const [id] = await queued(1);
    await store.fail(id!, "bad input", started(3));
    expect(await row(id!)).toMatchObject({ status: "failed", error: "bad input", attempts: 3, startedAt: expect.any(Date) });
  });

  test("without a claim, a claimed-path finish still needs the task running", async () => {
    const [id] = await queued(1);
    expect(await store.finish(finishOf(id!))).toBe(false);
    expect((await row(id!)).status).toBe("queued");
  });
});
