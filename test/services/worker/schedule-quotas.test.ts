// Schedules cannot get around the limits: a workspace has at most SCHEDULES_PER_WORKSPACE, none
// fires more often than SCHEDULE_MIN_INTERVAL_MS (by `every` or by a cron pattern's tightest
// gap), and their firings use up the same predict allowance as submissions made by hand.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { eventually } from "../../../testing/polling.ts";
import { stackForFile, trainClassifier } from "./helpers.ts";

setDefaultTimeout(30_000);

const { stack, token } = await stackForFile({
  worker: true,
  env: {
    SCHEDULES_PER_WORKSPACE: "3",
    SCHEDULE_MIN_INTERVAL_MS: "2000",
    RATE_LIMIT_ENABLED: "true",
    RATE_LIMIT_PREDICT: "3/min",
    RATE_LIMIT_PER_IP: "10000/min",
    RATE_LIMIT_REGISTER: "100/hour",
  },
});
await trainClassifier(stack, token, "scored");
const predict = { type: "predict", payload: { model: "scored", input: { x1: 0.5, x2: -0.5 } } };
const create = (body: object, as = token) => stack.http("POST", "/schedules", { token: as, body: { task: predict, ...body } });
const remove = (id: string) => stack.http("DELETE", `/schedules/${id}`, { token });

describe("the minimum interval", () => {
  test.each([
    [{ every: 1_999 }, "every must be at least 2000 ms (SCHEDULE_MIN_INTERVAL_MS)"],
    [{ cron: "* * * * * *" }, 'cron pattern "* * * * * *" fires 1000 ms apart at its closest; the minimum is 2000 ms (SCHEDULE_MIN_INTERVAL_MS)'],
    [{ cron: "0,1 * * * * *" }, 'cron pattern "0,1 * * * * *" fires 1000 ms apart at its closest; the minimum is 2000 ms (SCHEDULE_MIN_INTERVAL_MS)'],
  ])("%o → 422", async (timing, message) => {
    const reply = await create({ name: `tight ${crypto.randomUUID().slice(0, 6)}`, ...timing });
    expect([reply.status, reply.body.error.message]).toEqual([422, message]);
  });

  test("at the minimum it is accepted, by every or by cron", async () => {
    for (const timing of [{ every: 2_000 }, { cron: "*/2 * * * * *" }]) {
      const reply = await create({ name: `ok ${crypto.randomUUID().slice(0, 6)}`, ...timing, enabled: false });
      expect(reply.status).toBe(201);
      expect((await remove(reply.body.id)).status).toBe(204);
    }
  });
});

describe("the cap per workspace", () => {
  test("the fourth → 409; another workspace is not counted; after a delete there is room again", async () => {
    const made = [];
    for (const name of ["one", "two", "three"]) made.push((await create({ name, cron: "0 3 * * *", enabled: false })).body.id as string);
    const fourth = await create({ name: "four", cron: "0 3 * * *" });
    expect([fourth.status, fourth.body.error.message]).toEqual([409, "the workspace has 3 schedules, the most it may have (SCHEDULES_PER_WORKSPACE): delete one first"]);
    const other = await stack.user();
    expect((await create({ name: "four", cron: "0 3 * * *", task: { type: "drift-check", payload: { model: "x" } } }, other.token)).status).toBe(201);
    await remove(made[0]!);
    expect((await create({ name: "four", cron: "0 3 * * *", enabled: false })).status).toBe(201);
    for (const id of [...made.slice(1)]) await remove(id);
    await stack.db.schedule.deleteMany({ where: { name: "four" } });
  });
});

describe("firings and hand submissions share the predict limit", () => {
  test("past RATE_LIMIT_PREDICT firings are kept as failed tasks saying why, and a hand submission gets 429", async () => {
    const schedule = await create({ name: "fast", every: 2_000 });
    expect(schedule.status).toBe(201);
    const fired = () => stack.db.task.findMany({ where: { scheduleId: schedule.body.id }, orderBy: { id: "asc" } });
    const tasks = await eventually(fired, (rows) => rows.length >= 5, 20_000, 200);
    await remove(schedule.body.id);
    const accepted = tasks.filter((task) => task.error === null);
    const refused = tasks.filter((task) => task.status === "failed" && task.error?.startsWith("schedule firing refused"));
    expect(accepted.length).toBeLessThanOrEqual(3);
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(refused[0]!.error).toBe("schedule firing refused: too many requests (predict: 3 per 60s in this workspace)");
    const byHand = await stack.http("POST", "/tasks", { token, body: predict });
    expect([byHand.status, byHand.body.error.code]).toEqual([429, "rate_limited"]);
  });
});

test("cron patterns are judged by the parser BullMQ's schedulers use: the same cron-parser version", async () => {
  const version = async (path: string) => (await Bun.file(path).json()) as { version?: string; dependencies?: Record<string, string> };
  const root = `${import.meta.dir}/../../..`;
  expect((await version(`${root}/package.json`)).dependencies?.["cron-parser"]).toBe((await version(`${root}/node_modules/bullmq/package.json`)).dependencies?.["cron-parser"]);
});
