// The same Idempotency-Key sent many times at once is one task, run once.
import { expect, setDefaultTimeout, test } from "bun:test";
import { features, labelled, settled, stackForFile, waitFor } from "./helpers.ts";

setDefaultTimeout(30_000);

const { stack, token } = await stackForFile({ worker: true });

test("20 concurrent submits with one key → one task row, one id in every reply, one execution", async () => {
  const key = `train-once-${crypto.randomUUID()}`;
  const rows = labelled(features(11, 50), (row) => 2 * row.x1! + 1);
  const body = (i: number) => ({ type: "train", payload: { model: "once", algorithm: "linear", label: "y", rows }, priority: 1 + (i % 10) });
  const replies = await Promise.all(
    Array.from({ length: 20 }, (_, i) => stack.http("POST", "/tasks", { token, body: body(i), headers: { "idempotency-key": key } })),
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

  // A different body under the same key is still the first task: the key, not the body, decides.
  const again = await submit("not-trained");
  expect(again.status).toBe(202);
  expect(again.body).toEqual({ id: first.body.id, status: "succeeded" });
  expect(again.headers.get("idempotent-replayed")).toBe("true");
  expect(await stack.db.model.count({ where: { name: { in: ["replayed", "not-trained"] } } })).toBe(1);
  expect(await stack.db.model.count({ where: { name: "not-trained" } })).toBe(0);
});
