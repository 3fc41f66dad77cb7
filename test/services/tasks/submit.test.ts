// The one submit path on a real PostgreSQL and Redis: a task is accepted only once it is stored
// AND queued; when its job cannot be queued its row is withdrawn and the submitter told so.
import { afterAll, describe, expect, spyOn, test } from "bun:test";
import { Redis } from "ioredis";
import { UnavailableError } from "../../../services/shared/errors.ts";
import { createQueues } from "../../../services/shared/queues.ts";
import { TaskStore } from "../../../services/shared/tasks/store.ts";
import { TaskSubmitter } from "../../../services/shared/tasks/submit.ts";
import { eventually } from "../../../testing/polling.ts";
import { startStores } from "../harness.ts";

const stores = await startStores();
const store = new TaskStore(stores.db);
const queues = createQueues(stores.redis, stores.config.queuePrefix);
/** Queues on a Redis that never answers (nothing listens on port 1): every enqueue hangs. */
const nowhere = new Redis("redis://127.0.0.1:1", { maxRetriesPerRequest: null, retryStrategy: () => 100 }).on("error", () => {});
const unreachable = createQueues(nowhere, stores.config.queuePrefix);
const ownerId = await stores.owner();
afterAll(async () => {
  nowhere.disconnect();
  await queues.close();
  await stores.stop();
});

const predict = (x: number) => ({ type: "predict" as const, payload: { model: "m", input: { x } } });
const tasksOf = (where: object = {}) => stores.db.task.findMany({ where: { ownerId, ...where } });
const ENQUEUE_TIMEOUT_MS = 200;

describe("accepted", () => {
  test("concurrent submissions go to Redis with one addBulk; each is stored and queued with its priority", async () => {
    const submitter = new TaskSubmitter(store, queues);
    const addBulk = spyOn(queues.families.predict, "addBulk");
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => submitter.submit(ownerId, { ...predict(i), priority: 1 + i })));
    expect(addBulk).toHaveBeenCalledTimes(1);
    expect(addBulk.mock.calls[0]![0]).toHaveLength(10);
    addBulk.mockRestore();
    for (const [i, { task, replayed }] of replies.entries()) {
      expect({ status: task.status, replayed }).toEqual({ status: "queued", replayed: false });
      const job = await queues.families.predict.getJob(task.id);
      expect(job?.opts.priority).toBe(11 - (1 + i)); // BullMQ: 1 is the highest
    }
  });

  test("an idempotency key's replay returns the first task as it is now, and queues nothing", async () => {
    const submitter = new TaskSubmitter(store, queues);
    const first = await submitter.submit(ownerId, predict(1), "key-1");
    await store.cancel(first.task.id);
    const addBulk = spyOn(queues.families.predict, "addBulk");
    const again = await submitter.submit(ownerId, predict(2), "key-1");
    expect(addBulk).not.toHaveBeenCalled();
    addBulk.mockRestore();
    expect(again).toEqual({ task: { id: first.task.id, status: "cancelled" }, replayed: true });
  });

  test("a schedule's firing, fired twice, is one task", async () => {
    const submitter = new TaskSubmitter(store, queues);
    const schedule = await stores.db.schedule.create({
      data: { id: Bun.randomUUIDv7(), ownerId, name: "fired", everyMs: 60_000, taskType: "predict", payload: predict(1).payload, priority: 7 },
    });
    const ids = await Promise.all([submitter.submitScheduled(schedule, "firing-1"), submitter.submitScheduled(schedule, "firing-1")]);
    expect(ids[0]).toBe(ids[1]!);
    expect(await tasksOf({ scheduleId: schedule.id })).toMatchObject([{ id: ids[0], priority: 7, idempotencyKey: "schedule:firing-1" }]);
    expect(await queues.families.predict.getJob(ids[0]!)).toBeDefined();
  });
});

describe("withdrawn when the job cannot be queued", () => {
  const submitter = () => new TaskSubmitter(store, unreachable, ENQUEUE_TIMEOUT_MS);

  test.each([
    ["a single submission", (s: TaskSubmitter) => s.submit(ownerId, predict(1))],
    ["concurrent submissions", (s: TaskSubmitter) => Promise.all([s.submit(ownerId, predict(1)), s.submit(ownerId, predict(2))])],
    ["an idempotent submission", (s: TaskSubmitter) => s.submit(ownerId, predict(1), "withdrawn-key")],
    ["a batch", (s: TaskSubmitter) => s.submitBatch(ownerId, [predict(1), predict(2), predict(3)])],
  ])("%s → UnavailableError and no row left", async (_, submit) => {
    const before = (await tasksOf()).length;
    expect(await submit(submitter()).catch((error: unknown) => error)).toBeInstanceOf(UnavailableError);
    expect(await tasksOf()).toHaveLength(before);
  });

  test("the same idempotency key works again after a withdrawn submission", async () => {
    await submitter().submit(ownerId, predict(1), "retry-me").catch(() => {});
    const { task, replayed } = await new TaskSubmitter(store, queues).submit(ownerId, predict(1), "retry-me");
    expect(replayed).toBe(false);
    expect(await queues.families.predict.getJob(task.id)).toBeDefined();
  });

  test("a schedule's firing → UnavailableError, no row left, and its retry submits the task", async () => {
    const schedule = await stores.db.schedule.create({
      data: { id: Bun.randomUUIDv7(), ownerId, name: "withdrawn", everyMs: 60_000, taskType: "predict", payload: predict(1).payload },
    });
    expect(await submitter().submitScheduled(schedule, "firing-2").catch((error: unknown) => error)).toBeInstanceOf(UnavailableError);
    expect(await tasksOf({ scheduleId: schedule.id })).toEqual([]);
    const id = await new TaskSubmitter(store, queues).submitScheduled(schedule, "firing-2");
    expect(await tasksOf({ scheduleId: schedule.id })).toMatchObject([{ id }]);
  });

  test("unless the task already ran to the end meanwhile: then it was accepted after all", async () => {
    const submitting = submitter().submit(ownerId, predict(1), "finished-meanwhile");
    // A late enqueue landed and a worker ran the task while the submitter was still waiting.
    const [stored] = await eventually(() => tasksOf({ idempotencyKey: "finished-meanwhile" }), (rows) => rows.length > 0, ENQUEUE_TIMEOUT_MS);
    await store.claim(stored!.id);
    await store.finish({ id: stored!.id, result: {}, durationMs: 1 });
    expect(await submitting).toEqual({ task: { id: stored!.id, status: "queued" }, replayed: false });
    expect((await tasksOf({ id: stored!.id }))[0]?.status).toBe("succeeded");
  });
});
