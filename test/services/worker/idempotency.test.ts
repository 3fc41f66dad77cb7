// The same Idempotency-Key sent many times at once is one task, run once.
import { expect, setDefaultTimeout, test } from "bun:test";
import { features, labelled, settled, stackForFile, waitFor } from "./helpers.ts";

setDefaultTimeout(30_000);

const { stack, token } = await stackForFile({ worker: true });

test("20 concurrent submits with one key → one task row, one id in every reply, one execution", async () => {
  const key = `train-once-${crypto.randomUUID()}`;
  const rows = labelled(features(11, 50), (row) => 2 * row.x1! + 1);
  const body = { type: "train", payload: { model: "once", algorithm: "linear", label: "y", rows }, priority: 3 };
  const replies = await Promise.all(
    Array.from({ length: 20 }, () => stack.http("POST", "/tasks", { token, body, headers: { "idempotency-key": key } })),
  );

  expect(replies.map((reply) => reply.status)).toEqual(Array(20).fill(202));
  const ids = new Set(replies.map((reply) => reply.body.id));
  expect(ids.size).toBe(1);
  const [id] = ids as Set<string>;
  // The one request that created the task says so; every other one is a replay of it.
  expect(replies.filter((reply) => reply.headers.get("idempotent-replayed") !== "true")).toHaveLength(1);

  expect(await stack.db.task.count({ where: { idempotencyKey: key } })).toBe(1);
  const task = await waitFor(stack, token, id!);
  expect(task).toMatchObject({ status: "succeeded", attempts: 1 });
  expect(await stack.db.model.count({ where: { name: "once" } })).toBe(1);
  expect(await stack.db.task.count()).toBe(1);
});

test("a replay after the task finished returns it, and runs nothing again", async () => {
  const key = "replay-after-finish";
  const rows = labelled(features(12, 50), (row) => row.x2! - 1);
  const submit = (model: string) =>
    stack.http("POST", "/tasks", {
      token,
      body: { type: "train", payload: { model, algorithm: "linear", label: "y", rows } },
      headers: { "idempotency-key": key },
    });
  const first = await submit("replayed");
  await settled(stack, [first.body.id]);

  // The same request again is the first task, as it is now.
  const again = await submit("replayed");
  expect(again.status).toBe(202);
  expect(again.body).toEqual({ id: first.body.id, status: "succeeded" });
  expect(again.headers.get("idempotent-replayed")).toBe("true");
  expect(await stack.db.model.count({ where: { name: "replayed" } })).toBe(1);
});

test("the key reused with a different body → 422, and nothing is stored or run", async () => {
  const key = "one-key-two-bodies";
  const rows = labelled(features(14, 30), (row) => row.x1! + 1);
  const body = (model: string, priority = 5) => ({ type: "train", payload: { model, algorithm: "linear", label: "y", rows }, priority });
  const first = await stack.http("POST", "/tasks", { token, body: body("first"), headers: { "idempotency-key": key } });
  expect(first.status).toBe(202);
  const otherType = { type: "train", payload: { model: "first", algorithm: "logistic", label: "y", rows } };
  for (const other of [body("second"), body("first", 6), otherType]) {
    const reply = await stack.http("POST", "/tasks", { token, body: other, headers: { "idempotency-key": key } });
    expect([reply.status, reply.body.error?.code]).toEqual([422, "validation_failed"]);
    expect(reply.body.error.message).toContain("Idempotency-Key was used for a different request");
  }
  // The same body with its keys in another order is the same request.
  const reordered = { priority: 5, payload: { rows, label: "y", algorithm: "linear", model: "first" }, type: "train" };
  const replay = await stack.http("POST", "/tasks", { token, body: reordered, headers: { "idempotency-key": key } });
  expect(replay.body.id).toBe(first.body.id);
  await settled(stack, [first.body.id]);
  expect(await stack.db.task.count({ where: { idempotencyKey: key } })).toBe(1);
  expect(await stack.db.model.count({ where: { name: "second" } })).toBe(0);
});
