// An accepted task is never lost: when Redis loses jobs (or everything), the reconciler puts every
// unfinished task and every enabled schedule back, from PostgreSQL.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { deleteKeys } from "../../../testing/stores.ts";
import { backdate, features, labelled, settled, stackForFile, stackKeys, submit, submitMany } from "./helpers.ts";

setDefaultTimeout(30_000);

// No worker at first: the tests decide when one runs.
const { stack, queues, token } = await stackForFile();

const trainTask = (model: string) => ({
  type: "train",
  payload: { model, algorithm: "linear", label: "y", rows: labelled(features(31, 30), (row) => row.x1! + 2 * row.x2!) },
});

describe("a task whose job Redis lost", () => {
  test("is re-enqueued by reconcile once past the grace period, and then runs once", async () => {
    const [old, young] = await submitMany(stack, token, [trainTask("orphan-old"), trainTask("orphan-young")]);
    for (const id of [old!, young!]) {
      expect(await queues.families.train.remove(id)).toBe(1);
      expect(await queues.families.train.getJob(id)).toBeUndefined();
    }
    await backdate(stack, [old!]);

    const worker = await stack.startWorker();
    await worker.reconcile(); // (the worker also reconciles on start: either run may restore it)
    const [restored] = await settled(stack, [old!]);
    expect(restored).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(await stack.db.model.count({ where: { name: "orphan-old" } })).toBe(1);

    // The young one may still be between the API's insert and enqueue: left alone for now...
    expect(await queues.families.train.getJob(young!)).toBeUndefined();
    expect(await stack.db.task.findUniqueOrThrow({ where: { id: young! } })).toMatchObject({ status: "queued", attempts: 0 });
    // ...and restored once it is old enough.
    await backdate(stack, [young!]);
    expect(await worker.reconcile()).toEqual({ tasks: 1, schedules: 0 });
    expect((await settled(stack, [young!]))[0]).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(await worker.reconcile()).toEqual({ tasks: 0, schedules: 0 });
  });
});

describe("after every one of the stack's Redis keys is deleted", () => {
  test("reconcile restores every unfinished task and the enabled schedules", async () => {
    await stack.worker!.stop(); // what was accepted now waits in Redis
    const template = trainTask("scheduled");
    const schedules = await Promise.all(
      [
        { name: "nightly", cron: "0 3 * * *", task: template },
        { name: "hourly", every: 3_600_000, task: template, enabled: true },
        { name: "paused", cron: "0 4 * * *", task: template, enabled: false },
      ].map((body) => stack.http("POST", "/schedules", { token, body })),
    );
    expect(schedules.map((reply) => reply.status)).toEqual([201, 201, 201]);
    const [nightly, hourly, paused] = schedules.map((reply) => reply.body.id as string);

    const ids = await submitMany(stack, token, Array.from({ length: 12 }, (_, i) => trainTask(`lost-${i % 4}`)));
    const single = await submit(stack, token, "predict", { model: "orphan-old", input: { x1: 1, x2: 1 } });
    ids.push(single);
    // One that a worker had started when Redis lost everything (its worker is gone too).
    await stack.db.task.update({ where: { id: ids[0] }, data: { status: "running", attempts: 1 } });
    await backdate(stack, ids);

    await deleteKeys(stack.redis, `${stack.config.queuePrefix}:*`);
    expect(await stackKeys(stack)).toEqual([]);

    const worker = await stack.startWorker();
    await worker.reconcile();
    expect(await queues.schedules.getJobScheduler(nightly!)).toMatchObject({ pattern: "0 3 * * *" });
    expect(await queues.schedules.getJobScheduler(hourly!)).toMatchObject({ every: 3_600_000 });
    expect(await queues.schedules.getJobScheduler(paused!)).toBeUndefined();

    const tasks = await settled(stack, ids);
    for (const task of tasks) expect(task.status).toBe("succeeded");
    // Each ran once: the interrupted one is on its second attempt, the rest on their first.
    expect(tasks.find((task) => task.id === ids[0])!.attempts).toBe(2);
    expect(tasks.filter((task) => task.id !== ids[0]).map((task) => task.attempts)).toEqual(Array(ids.length - 1).fill(1));
    const versions = await stack.db.model.groupBy({ by: ["name"], where: { name: { startsWith: "lost-" } }, _count: { _all: true } });
    expect(versions.map((group) => group._count._all)).toEqual([3, 3, 3, 3]);
    expect(await stack.db.prediction.count()).toBe(1);
  });
});
