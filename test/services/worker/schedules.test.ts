// Schedules fire as ordinary tasks through the worker; pausing or deleting one stops its firings.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { eventually } from "../../../testing/polling.ts";
import { settled, stackForFile, trainClassifier } from "./helpers.ts";

setDefaultTimeout(30_000);

// Firings every second, to see several in a test (production's minimum interval is a minute).
const { stack, queues, token } = await stackForFile({ worker: true, env: { SCHEDULE_MIN_INTERVAL_MS: "1000" } });
await trainClassifier(stack, token, "scored");

const template = { type: "predict", payload: { model: "scored", input: { x1: 0.5, x2: -0.5 } } };
const create = (body: object) => stack.http("POST", "/schedules", { token, body });
const firedTasks = (scheduleId: string) => stack.db.task.findMany({ where: { scheduleId }, orderBy: { id: "asc" } });

describe("an interval schedule", () => {
  test("fires tasks that succeed; pausing and deleting stop the firings", async () => {
    // Two schedules side by side, so one quiet period shows that both pausing and deleting work.
    const [paused, deleted] = await Promise.all([
      create({ name: "every second paused", every: 1_000, task: template }),
      create({ name: "every second deleted", every: 1_000, task: template }),
    ]);
    expect([paused.status, deleted.status]).toEqual([201, 201]);
    expect(paused.body).toMatchObject({ every: 1_000, cron: null, enabled: true, task: { ...template, priority: 5 } });
    const ids = [paused.body.id as string, deleted.body.id as string];

    for (const id of ids) {
      const fired = await eventually(() => firedTasks(id), (tasks) => tasks.length >= 2);
      expect(fired.length).toBeGreaterThanOrEqual(2);
      for (const task of await settled(stack, fired.map((t) => t.id))) {
        expect(task).toMatchObject({ status: "succeeded", type: "predict", attempts: 1 });
        expect((task.result as { version: number }).version).toBe(1);
      }
    }

    const pause = await stack.http("PATCH", `/schedules/${ids[0]}`, { token, body: { enabled: false } });
    expect(pause.status).toBe(200);
    expect(pause.body.enabled).toBe(false);
    const remove = await stack.http("DELETE", `/schedules/${ids[1]}`, { token });
    expect(remove.status).toBe(204);
    expect((await stack.http("GET", `/schedules/${ids[1]}`, { token })).status).toBe(404);
    expect(await stack.db.schedule.count({ where: { id: ids[1] } })).toBe(0);
    for (const id of ids) expect(await queues.schedules.getJobScheduler(id)).toBeUndefined();

    // A firing already being handled when the change landed may still finish; after that, nothing.
    await Bun.sleep(200);
    const counts = await Promise.all(ids.map(async (id) => (await firedTasks(id)).length));
    await Bun.sleep(2_200); // more than two intervals
    expect(await Promise.all(ids.map(async (id) => (await firedTasks(id)).length))).toEqual(counts);

    // Each firing submitted its task once: one idempotency key per task.
    for (const id of ids) {
      const tasks = await firedTasks(id);
      expect(new Set(tasks.map((task) => task.idempotencyKey)).size).toBe(tasks.length);
    }
  });
});

describe("validation", () => {
  test.each([
    ["a cron pattern out of range", { cron: "61 * * * *" }],
    ["a cron pattern that is not one", { cron: "whenever it suits" }],
    ["both cron and every", { cron: "*/5 * * * *", every: 60_000 }],
    ["neither cron nor every", {}],
  ])("%s → 422, and no schedule is stored", async (_, timing) => {
    const name = `invalid ${crypto.randomUUID().slice(0, 8)}`;
    const schedulersBefore = await queues.schedules.getJobSchedulersCount();
    const reply = await create({ name, task: template, ...timing });
    expect(reply.status).toBe(422);
    expect(reply.body.error.code).toBe("validation_failed");
    expect(await stack.db.schedule.count({ where: { name } })).toBe(0);
    expect(await queues.schedules.getJobSchedulersCount()).toBe(schedulersBefore);
  });

  test("a valid cron schedule is stored and registered with BullMQ, in UTC", async () => {
    const reply = await create({ name: "yearly", cron: "0 0 1 1 *", task: template });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ cron: "0 0 1 1 *", every: null, enabled: true });
    const scheduler = await queues.schedules.getJobScheduler(reply.body.id);
    expect(scheduler).toMatchObject({ pattern: "0 0 1 1 *", tz: "UTC" });
    // Its first firing is next 1 January, 00:00 UTC, whatever the machine's time zone.
    const nextYear = new Date().getUTCFullYear() + 1;
    expect(scheduler!.next).toBe(Date.UTC(nextYear, 0, 1));
  });
});
