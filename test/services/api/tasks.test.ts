// The tasks contract without a worker: everything the API does on its own (tasks stay queued).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Queue } from "bullmq";
import { TaskEvents } from "../../../services/api/modules/tasks/events.ts";
import { TaskService } from "../../../services/api/modules/tasks/service.ts";
import { createQueues } from "../../../services/shared/queues.ts";
import { TaskStore } from "../../../services/shared/tasks/store.ts";
import { startStack, storeModelVersion, type TestStack } from "../harness.ts";

let stack: TestStack;
let token: string;
let predictQueue: Queue;
const predict = (x = 1) => ({ type: "predict", payload: { model: "m", input: { x } } });
/** A user whose personal workspace has a model "m" to predict with. */
const userWithModel = async () => {
  const user = await stack.user();
  await storeModelVersion(stack.db, user.id, "m");
  return user;
};

beforeAll(async () => {
  stack = await startStack();
  ({ token } = await userWithModel());
  predictQueue = new Queue("predict", { connection: stack.redis, prefix: stack.config.queuePrefix });
});
afterAll(async () => {
  await predictQueue.close();
  await stack.stop();
});

describe("POST /tasks", () => {
  test("202 {id, status: queued}; persisted and queued under the task id with its priority", async () => {
    const reply = await stack.http("POST", "/tasks", { token, body: { ...predict(), priority: 9 } });
    expect(reply.status).toBe(202);
    expect(reply.body).toEqual({ id: expect.any(String), status: "queued" });
    const row = await stack.db.task.findUniqueOrThrow({ where: { id: reply.body.id } });
    expect(row).toMatchObject({ type: "predict", status: "queued", priority: 9 });
    const job = await predictQueue.getJob(reply.body.id);
    expect(job?.opts.priority).toBe(2); // BullMQ: 1 is the highest
  });

  test("the same Idempotency-Key returns the first task, never a second", async () => {
    const headers = { "idempotency-key": "order-42" };
    const first = await stack.http("POST", "/tasks", { token, headers, body: predict(1) });
    const second = await stack.http("POST", "/tasks", { token, headers, body: predict(1) });
    expect(second.status).toBe(202);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await stack.db.task.count({ where: { idempotencyKey: "order-42" } })).toBe(1);
  });

  test("keys are per user: another user's same key makes their own task", async () => {
    const other = await userWithModel();
    const headers = { "idempotency-key": "shared-key" };
    const mine = await stack.http("POST", "/tasks", { token, headers, body: predict() });
    const theirs = await stack.http("POST", "/tasks", { token: other.token, headers, body: predict() });
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  test.each([
    ["an unknown type", { type: "explode", payload: {} }, "/type"],
    ["a priority out of range", { ...predict(), priority: 11 }, "/priority"],
    ["an undeclared field", { ...predict(), prority: 3 }, "prority"],
    ["a non-numeric feature", { type: "predict", payload: { model: "m", input: { x: "1" } } }, "/payload/input/x"],
    ["a train without rows", { type: "train", payload: { model: "m", algorithm: "logistic", label: "y" } }, "/payload"],
    ["an unknown algorithm", { type: "train", payload: { model: "m", algorithm: "svm", label: "y", rows: [{ y: 1 }, { y: 0 }] } }, "/payload/algorithm"],
    ["a bad model name", { type: "predict", payload: { model: "../etc", input: {} } }, "/payload/model"],
    ["an empty batch-predict", { type: "batch-predict", payload: { model: "m", inputs: [] } }, "/payload/inputs"],
    ["a drift window too small", { type: "drift-check", payload: { model: "m", window: 1 } }, "/payload/window"],
  ])("%s → 422 naming where", async (_, body, where) => {
    const reply = await stack.http("POST", "/tasks", { token, body });
    expect(reply.status).toBe(422);
    expect(reply.body.error.code).toBe("validation_failed");
    expect(JSON.stringify(reply.body.error)).toContain(where);
  });

  test("malformed JSON → 400, no token → 401", async () => {
    expect((await stack.http("POST", "/tasks", { token, body: "{not json", headers: { "content-type": "application/json" } })).status).toBe(400);
    expect((await stack.http("POST", "/tasks", { body: predict() })).status).toBe(401);
  });
});

describe("POST /tasks/batch", () => {
  test("202 with one id per task, all queued", async () => {
    const reply = await stack.http("POST", "/tasks/batch", { token, body: { tasks: [predict(1), predict(2), predict(3)] } });
    expect(reply.status).toBe(202);
    expect(reply.body.tasks).toHaveLength(3);
    const ids = reply.body.tasks.map((t: { id: string }) => t.id);
    expect(await stack.db.task.count({ where: { id: { in: ids }, status: "queued" } })).toBe(3);
    expect(await Promise.all(ids.map((id: string) => predictQueue.getJobState(id)))).not.toContain("unknown");
  });

  test("all or nothing: one bad task rejects the batch, naming its index", async () => {
    const before = await stack.db.task.count();
    const reply = await stack.http("POST", "/tasks/batch", {
      token,
      body: { tasks: [predict(1), { type: "predict", payload: { model: "m" } }] },
    });
    expect(reply.status).toBe(422);
    expect(reply.body.error.message).toContain("/tasks/1/payload");
    expect(await stack.db.task.count()).toBe(before);
  });

  test("more than 100 tasks → 422", async () => {
    const reply = await stack.http("POST", "/tasks/batch", { token, body: { tasks: Array.from({ length: 101 }, () => predict()) } });
    expect(reply.status).toBe(422);
  });
});

describe("reading tasks", () => {
  let owner: { token: string };
  let ids: string[];
  beforeAll(async () => {
    owner = await userWithModel();
    const train = { type: "train", payload: { model: "m", algorithm: "linear", label: "y", rows: [{ x: 1, y: 1 }, { x: 2, y: 2 }] } };
    const reply = await stack.http("POST", "/tasks/batch", { token: owner.token, body: { tasks: [predict(1), train, predict(2), predict(3), train] } });
    ids = reply.body.tasks.map((t: { id: string }) => t.id);
  });

  test("GET /tasks/:id → the task; another user's → 404; a non-uuid → 422", async () => {
    const mine = await stack.http("GET", `/tasks/${ids[0]}`, { token: owner.token });
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ id: ids[0], type: "predict", status: "queued", payload: predict(1).payload, modelVersion: 1 });
    expect((await stack.http("GET", `/tasks/${ids[0]}`, { token })).status).toBe(404);
    expect((await stack.http("GET", "/tasks/123", { token })).status).toBe(422);
  });

  test("GET /tasks pages newest first with a cursor, without payloads", async () => {
    const first = await stack.http("GET", "/tasks?limit=2", { token: owner.token });
    expect(first.body.items.map((t: { id: string }) => t.id)).toEqual([ids[4], ids[3]]);
    expect(first.body.items[0].payload).toBeUndefined();
    const second = await stack.http("GET", `/tasks?limit=2&cursor=${first.body.nextCursor}`, { token: owner.token });
    expect(second.body.items.map((t: { id: string }) => t.id)).toEqual([ids[2], ids[1]]);
    const last = await stack.http("GET", `/tasks?limit=2&cursor=${second.body.nextCursor}`, { token: owner.token });
    expect(last.body).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
  });

  test("filters by type and status; bad filters → 422", async () => {
    const trains = await stack.http("GET", "/tasks?type=train", { token: owner.token });
    expect(trains.body.items.map((t: { id: string }) => t.id)).toEqual([ids[4], ids[1]]);
    const done = await stack.http("GET", "/tasks?status=succeeded", { token: owner.token });
    expect(done.body.items).toEqual([]);
    expect((await stack.http("GET", "/tasks?status=exploded", { token: owner.token })).status).toBe(422);
    expect((await stack.http("GET", "/tasks?limit=1000", { token: owner.token })).status).toBe(422);
  });

  test("?wait=N returns the task unchanged after N seconds when nothing happens", async () => {
    const reply = await stack.http("GET", `/tasks/${ids[0]}?wait=1`, { token: owner.token });
    expect(reply.body.status).toBe("queued");
  });
});

describe("POST /tasks/:id/cancel", () => {
  test("a queued task → cancelled and its job removed; again → 409; another user → 404", async () => {
    const { body } = await stack.http("POST", "/tasks", { token, body: predict() });
    const other = await stack.user();
    expect((await stack.http("POST", `/tasks/${body.id}/cancel`, { token: other.token })).status).toBe(404);

    const cancelled = await stack.http("POST", `/tasks/${body.id}/cancel`, { token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id: body.id, status: "cancelled" });
    expect(await predictQueue.getJob(body.id)).toBeUndefined();

    const again = await stack.http("POST", `/tasks/${body.id}/cancel`, { token });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain("cancelled");
  });
});

describe("GET /tasks/:id/events", () => {
  test("streams the current state, then each change until final", async () => {
    const { body } = await stack.http("POST", "/tasks", { token, body: predict() });
    const response = await fetch(`${stack.api.url}/tasks/${body.id}/events`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = response.body!.getReader();
    const events: { status: string }[] = [];
    let buffer = "";
    const cancel = setTimeout(() => stack.http("POST", `/tasks/${body.id}/cancel`, { token }), 200);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += new TextDecoder().decode(value);
      for (const line of buffer.split("\n").filter((l) => l.startsWith("data: "))) events.push(JSON.parse(line.slice(6)));
      buffer = buffer.slice(buffer.lastIndexOf("\n") + 1);
    }
    clearTimeout(cancel);
    expect(events.map((e) => e.status)).toEqual(["queued", "cancelled"]);
  });

  test("a quiet stream gets heartbeats so proxies keep it open", async () => {
    const { body } = await stack.http("POST", "/tasks", { token, body: predict() });
    const { ownerId } = await stack.db.task.findUniqueOrThrow({ where: { id: body.id } });
    const queues = createQueues(stack.redis, stack.config.queuePrefix);
    const events = new TaskEvents(stack.config.redisUrl, stack.config.queuePrefix);
    const seen: (string | undefined)[] = [];
    for await (const task of new TaskService(stack.db, new TaskStore(stack.db), queues, events).follow(ownerId, body.id, 2.5, 1)) seen.push(task?.status);
    await events.close();
    expect(seen[0]).toBe("queued");
    expect(seen.slice(1)).toContain(undefined);
  });

  test("an unknown task → 404 before any stream", async () => {
    const reply = await stack.http("GET", `/tasks/${Bun.randomUUIDv7()}/events`, { token });
    expect(reply.status).toBe(404);
  });
});
