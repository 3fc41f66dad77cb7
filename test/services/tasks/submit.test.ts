// The one submit path on a real PostgreSQL and Redis: a task is accepted only once it is stored
// AND queued; when its job cannot be queued its row is withdrawn and the submitter told so.
import { afterAll, describe, expect, spyOn, test } from "bun:test";
import { Redis } from "ioredis";
import { parseConfig } from "../../../services/shared/config.ts";
import { InputError, UnavailableError } from "../../../services/shared/errors.ts";
import { createQueues } from "../../../services/shared/queues.ts";
import { ModelVersions } from "../../../services/shared/tasks/models.ts";
import { TaskStore } from "../../../services/shared/tasks/store.ts";
import { TaskSubmitter } from "../../../services/shared/tasks/submit.ts";
import { WorkspaceLimits } from "../../../services/shared/workspace-limits.ts";
import { eventually } from "../../../testing/polling.ts";
import { startStores, storeModelVersion } from "../harness.ts";

const stores = await startStores();
const store = new TaskStore(stores.db);
const queues = createQueues(stores.redis, stores.config.queuePrefix);
/** Queues on a Redis that never answers (nothing listens on port 1): every enqueue hangs. */
const nowhere = new Redis("redis://127.0.0.1:1", { maxRetriesPerRequest: null, retryStrategy: () => 100 }).on("error", () => {});
const unreachable = createQueues(nowhere, stores.config.queuePrefix);
const ownerId = await stores.owner();
const by = { workspaceId: ownerId, ownerId }; // the owner's personal workspace
const versions = new ModelVersions(stores.db);
const noLimits = new WorkspaceLimits(stores.redis, stores.config.queuePrefix, stores.config.rateLimits);
const newSubmitter = (onQueues = queues, timeoutMs?: number) => new TaskSubmitter(store, onQueues, versions, noLimits, timeoutMs);
const version = (workspaceId: string, name: string, v: number) => storeModelVersion(stores.db, workspaceId, name, v);
await version(ownerId, "m", 1);
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
    const submitter = newSubmitter();
    const addBulk = spyOn(queues.families.predict, "addBulk");
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => submitter.submit(by, { ...predict(i), priority: 1 + i })));
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
    const submitter = newSubmitter();
    const first = await submitter.submit(by, predict(1), "key-1");
    await store.cancel(first.task.id);
    const addBulk = spyOn(queues.families.predict, "addBulk");
    const again = await submitter.submit(by, predict(1), "key-1");
    expect(addBulk).not.toHaveBeenCalled();
    addBulk.mockRestore();
    expect(again).toEqual({ task: { id: first.task.id, status: "cancelled" }, replayed: true });
    // Another request under the same key is refused, not answered with the first task.
    expect(await submitter.submit(by, predict(2), "key-1").catch((error: unknown) => error)).toBeInstanceOf(InputError);
  });

  test("a schedule's firing, fired twice, is one task", async () => {
    const submitter = newSubmitter();
    const schedule = await stores.db.schedule.create({
      data: { id: Bun.randomUUIDv7(), workspaceId: ownerId, ownerId, name: "fired", everyMs: 60_000n, taskType: "predict", payload: predict(1).payload, priority: 7 },
    });
    const ids = await Promise.all([submitter.submitScheduled(schedule, "firing-1"), submitter.submitScheduled(schedule, "firing-1")]);
    expect(ids[0]).toBe(ids[1]!);
    expect(await tasksOf({ scheduleId: schedule.id })).toMatchObject([{ id: ids[0], priority: 7, idempotencyKey: "schedule:firing-1" }]);
    expect(await queues.families.predict.getJob(ids[0]!)).toBeDefined();
  });
});

describe("model versions, resolved at submission", () => {
  test("version, alias or neither (production if set, else the latest) → the version kept on the task", async () => {
    const submitter = newSubmitter();
    await version(ownerId, "registry", 1);
    const v2 = await version(ownerId, "registry", 2);
    await version(ownerId, "registry", 3);
    const submitOf = async (reference: object) => {
      const { task } = await submitter.submit(by, { type: "predict", payload: { model: "registry", ...reference, input: { x: 1 } } });
      return (await stores.db.task.findUniqueOrThrow({ where: { id: task.id } })).modelVersion;
    };
    expect(await submitOf({})).toBe(3); // no production alias: the latest
    await stores.db.modelAlias.create({ data: { workspaceId: ownerId, model: "registry", alias: "production", modelId: v2 } });
    versions.forget(ownerId, "registry");
    expect([await submitOf({}), await submitOf({ alias: "production" }), await submitOf({ version: 1 })]).toEqual([2, 2, 1]);
  });

  test("another workspace's model of the same name is not found", async () => {
    const stranger = await stores.owner();
    await version(stranger, "theirs", 1);
    const error = await newSubmitter().submit(by, { type: "predict", payload: { model: "theirs", input: { x: 1 } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe('/payload/model: model "theirs" does not exist');
  });

  test("a batch names the task whose model is missing, and stores nothing", async () => {
    const before = (await tasksOf()).length;
    const error = await newSubmitter().submitBatch(by, [predict(1), { type: "predict", payload: { model: "nope", input: { x: 1 } } }]).catch((e: unknown) => e);
    expect((error as Error).message).toBe('/tasks/1/payload/model: model "nope" does not exist');
    expect(await tasksOf()).toHaveLength(before);
  });
});

describe("a schedule's firings count against its workspace's limits", () => {
  test("past the predict limit, or with its model gone, a firing is kept as a failed task saying why", async () => {
    const limited = parseConfig({ ...stores.env, RATE_LIMIT_ENABLED: "true", RATE_LIMIT_PREDICT: "2/min" }).rateLimits;
    const submitter = new TaskSubmitter(store, queues, versions, new WorkspaceLimits(stores.redis, stores.config.queuePrefix, limited));
    const schedule = await stores.db.schedule.create({
      data: { id: Bun.randomUUIDv7(), workspaceId: ownerId, ownerId, name: "limited", everyMs: 60_000n, taskType: "predict", payload: predict(1).payload },
    });
    await submitter.submit(by, predict(1)); // one by hand
    const fired: string[] = [];
    for (const firing of ["l-1", "l-2", "l-3"]) fired.push(await submitter.submitScheduled(schedule, firing));
    const tasks = await stores.db.task.findMany({ where: { id: { in: fired } }, orderBy: { idempotencyKey: "asc" } });
    expect(tasks.map((t) => t.status)).toEqual(["queued", "failed", "failed"]);
    expect(tasks[1]!.error).toBe("schedule firing refused: too many requests (predict: 2 per 60s in this workspace)");
    expect(await queues.families.predict.getJob(tasks[1]!.id)).toBeUndefined();

    const gone = await stores.db.schedule.create({
      data: { id: Bun.randomUUIDv7(), workspaceId: ownerId, ownerId, name: "gone", everyMs: 60_000n, taskType: "drift-check", payload: { model: "deleted" } },
    });
    const id = await newSubmitter().submitScheduled(gone, "g-1");
    expect(await stores.db.task.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "failed", error: 'schedule firing refused: /payload/model: model "deleted" does not exist',
    });
  });
});

describe("withdrawn when the job cannot be queued", () => {
  const submitter = () => newSubmitter(unreachable, ENQUEUE_TIMEOUT_MS);

  test.each([
    ["a single submission", (s: TaskSubmitter) => s.submit(by, predict(1))],
    ["concurrent submissions", (s: TaskSubmitter) => Promise.all([s.submit(by, predict(1)), s.submit(by, predict(2))])],
    ["an idempotent submission", (s: TaskSubmitter) => s.submit(by, predict(1), "withdrawn-key")],
    ["a batch", (s: TaskSubmitter) => s.submitBatch(by, [predict(1), predict(2), predict(3)])],
  ])("%s → UnavailableError and no row left", async (_, submit) => {
    const before = (await tasksOf()).length;
    expect(await submit(submitter()).catch((error: unknown) => error)).toBeInstanceOf(UnavailableError);
    expect(await tasksOf()).toHaveLength(before);
  });

  test("the same idempotency key works again after a withdrawn submission", async () => {
    await submitter().submit(by, predict(1), "retry-me").catch(() => {});
    const { task, replayed } = await newSubmitter().submit(by, predict(1), "retry-me");
    expect(replayed).toBe(false);
    expect(await queues.families.predict.getJob(task.id)).toBeDefined();
  });

  test("a schedule's firing → UnavailableError, no row left, and its retry submits the task", async () => {
    const schedule = await stores.db.schedule.create({
      data: { id: Bun.randomUUIDv7(), workspaceId: ownerId, ownerId, name: "withdrawn", everyMs: 60_000n, taskType: "predict", payload: predict(1).payload },
    });
    expect(await submitter().submitScheduled(schedule, "firing-2").catch((error: unknown) => error)).toBeInstanceOf(UnavailableError);
    expect(await tasksOf({ scheduleId: schedule.id })).toEqual([]);
    const id = await newSubmitter().submitScheduled(schedule, "firing-2");
    expect(await tasksOf({ scheduleId: schedule.id })).toMatchObject([{ id }]);
  });

  test("unless the task already ran to the end meanwhile: then it was accepted after all", async () => {
    const submitting = submitter().submit(by, predict(1), "finished-meanwhile");
    // A late enqueue landed and a worker ran the task while the submitter was still waiting.
    const [stored] = await eventually(() => tasksOf({ idempotencyKey: "finished-meanwhile" }), (rows) => rows.length > 0, ENQUEUE_TIMEOUT_MS);
    await store.claim(stored!.id);
    await store.finish({ id: stored!.id, result: {}, durationMs: 1 });
    expect(await submitting).toEqual({ task: { id: stored!.id, status: "queued" }, replayed: false });
    expect((await tasksOf({ id: stored!.id }))[0]?.status).toBe("succeeded");
  });
});
