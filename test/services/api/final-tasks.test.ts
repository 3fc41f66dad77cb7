// The final-task cache of GET /tasks/:id (services/api/modules/tasks/final-tasks.ts) never answers
// with a state PostgreSQL no longer holds: on two API replicas over one database, after every
// change a task can go through (claimed, finished, failed, cancelled through either replica), each
// replica's answer is the row PostgreSQL holds at that moment.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FinalTasks } from "../../../services/api/modules/tasks/final-tasks.ts";
import type { Task } from "../../../services/shared/db.ts";
import { TaskStore } from "../../../services/shared/tasks/store.ts";
import type { HttpClient } from "../../../testing/http.ts";
import { mulberry32 } from "../../../testing/random.ts";
import { startStack, storeModelVersion, type TestStack } from "../harness.ts";
import { submit as submitTask } from "../worker/helpers.ts";

let stack: TestStack;
let replicas: HttpClient[];
let store: TaskStore;
let token: string;

beforeAll(async () => {
  stack = await startStack(); // no worker: the test makes every transition itself
  replicas = [stack.http, await stack.startReplica()];
  store = new TaskStore(stack.db);
  const user = await stack.user();
  token = user.token;
  await storeModelVersion(stack.db, user.id, "m");
});
afterAll(() => stack.stop());

const submit = (x: number) => submitTask(stack, token, "predict", { model: "m", input: { x } });
/** The row as PostgreSQL holds it now, as JSON carries it. */
const held = async (id: string) => JSON.parse(JSON.stringify(await stack.db.task.findUniqueOrThrow({ where: { id } }))) as Task;

/** Every replica answers GET /tasks/:id with exactly what PostgreSQL holds. */
async function expectEveryReplicaAnswersWhatIsHeld(id: string) {
  const now = await held(id);
  for (const [i, http] of replicas.entries()) {
    const reply = await http("GET", `/tasks/${id}`, { token });
    expect([i, reply.status, reply.body]).toEqual([i, 200, now]);
  }
}

describe("GET /tasks/:id never answers a state PostgreSQL no longer holds", () => {
  test("a queued task cancelled through the other replica reads cancelled on both", async () => {
    const id = await submit(1);
    await expectEveryReplicaAnswersWhatIsHeld(id); // queued, read (and so offered to the cache) by both
    expect((await replicas[1]!("POST", `/tasks/${id}/cancel`, { token })).status).toBe(200);
    await expectEveryReplicaAnswersWhatIsHeld(id);
    expect((await held(id)).status).toBe("cancelled");
  });

  test("running, then succeeded: each state read on both replicas as it is written", async () => {
    const id = await submit(2);
    await expectEveryReplicaAnswersWhatIsHeld(id);
    expect(await store.claim(id)).toBeDefined();
    await expectEveryReplicaAnswersWhatIsHeld(id);
    expect(await store.finish({ id, result: { score: 0.25 }, durationMs: 3 })).toBe(true);
    await expectEveryReplicaAnswersWhatIsHeld(id);
    // A final task is written again by nothing: a late failure, a cancel, a retried finish.
    await store.fail(id, "late");
    expect(await store.cancel(id)).toBe(false);
    expect(await store.finish({ id, result: { score: 0.75 }, durationMs: 4 })).toBe(false);
    expect((await replicas[0]!("POST", `/tasks/${id}/cancel`, { token })).status).toBe(409);
    await expectEveryReplicaAnswersWhatIsHeld(id);
    expect((await held(id)).result).toEqual({ score: 0.25 });
  });

  test("seeded interleavings of claims, retries, finishes, failures and cancels through either replica", async () => {
    const random = mulberry32(13);
    const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => submit(10 + i)));
    const steps: Record<string, (id: string) => Promise<unknown>> = {
      claim: (id) => store.claim(id), // a start, or a retry after a stall
      finish: (id) => store.finish({ id, result: { score: random() }, durationMs: 1 }),
      fail: (id) => store.fail(id, "failed on purpose"),
      cancel: (id) => replicas[Math.floor(random() * 2)]!("POST", `/tasks/${id}/cancel`, { token }),
    };
    const names = Object.keys(steps);
    for (let step = 0; step < 120; step++) {
      const id = ids[Math.floor(random() * ids.length)]!;
      await steps[names[Math.floor(random() * names.length)]!]!(id);
      await expectEveryReplicaAnswersWhatIsHeld(id);
    }
    // Every task was read in each state it passed through; most ended final and are served from memory now.
    for (const id of ids) await expectEveryReplicaAnswersWhatIsHeld(id);
  });

  test("a cached task answers only in its own workspace: anyone else gets 404", async () => {
    const id = await submit(3);
    await store.claim(id);
    await store.finish({ id, result: { score: 0.5 }, durationMs: 1 });
    await expectEveryReplicaAnswersWhatIsHeld(id);
    const stranger = await stack.user();
    for (const http of replicas) expect((await http("GET", `/tasks/${id}`, { token: stranger.token })).status).toBe(404);
  });
});

describe("FinalTasks", () => {
  const task = (id: string, status: Task["status"], size = 10) =>
    ({ id, workspaceId: "w", status, payload: { pad: "x".repeat(size) } }) as unknown as Task;

  test("keeps final tasks only", () => {
    const cache = new FinalTasks();
    for (const status of ["queued", "running"] as const) cache.add(task(status, status));
    for (const status of ["succeeded", "failed", "cancelled"] as const) cache.add(task(status, status));
    expect(["queued", "running", "succeeded", "failed", "cancelled"].map((id) => cache.get("w", id) !== undefined)).toEqual([false, false, true, true, true]);
    expect(cache.get("another workspace", "succeeded")).toBeUndefined();
  });

  test("bounded by the bytes of its JSON: the oldest make room, and one too large is not kept", () => {
    const cache = new FinalTasks(64 * 1_000);
    for (let i = 0; i < 100; i++) cache.add(task(`t${i}`, "succeeded", 900));
    const kept = Array.from({ length: 100 }, (_, i) => cache.get("w", `t${i}`) !== undefined);
    expect(kept.indexOf(true)).toBeGreaterThan(0);
    expect(kept.slice(kept.indexOf(true)).every(Boolean)).toBe(true);
    cache.add(task("huge", "succeeded", 2_000));
    expect(cache.get("w", "huge")).toBeUndefined();
  });
});
