// What the worker tests share: the file's stack with a user, submitting tasks through the real API
// and waiting for them, seeded synthetic data, and direct views of the stack's queues for
// simulating Redis faults.
import { afterAll, expect } from "bun:test";
import type { Task } from "../../../services/shared/db.ts";
import { createQueues, type Queues } from "../../../services/shared/queues.ts";
import { eventually } from "../../../testing/polling.ts";
import { mulberry32, normal } from "../../../testing/random.ts";
import { scanKeys } from "../../../testing/stores.ts";
import { startStack, type TestStack } from "../harness.ts";

export type Row = Record<string, number>;

const FINAL = ["succeeded", "failed", "cancelled"];

/** POST /tasks; returns the new task's id. */
export async function submit(
  stack: TestStack,
  token: string,
  type: string,
  payload: object,
  headers: Record<string, string> = {},
): Promise<string> {
  const reply = await stack.http("POST", "/tasks", { token, body: { type, payload }, headers });
  expect(reply.status).toBe(202);
  return reply.body.id as string;
}

/** POST /tasks/batch, in chunks of the API's maximum of 100; returns the ids in submission order. */
export async function submitMany(stack: TestStack, token: string, tasks: { type: string; payload: object }[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < tasks.length; i += 100) {
    const reply = await stack.http("POST", "/tasks/batch", { token, body: { tasks: tasks.slice(i, i + 100) } });
    expect(reply.status).toBe(202);
    ids.push(...(reply.body.tasks as { id: string }[]).map((task) => task.id));
  }
  return ids;
}

/** GET /tasks/:id?wait=10: the task once final (fails the test if it is not by then). */
export async function waitFor(stack: TestStack, token: string, id: string): Promise<any> {
  const reply = await stack.http("GET", `/tasks/${id}?wait=10`, { token });
  expect(reply.status).toBe(200);
  expect(FINAL).toContain(reply.body.status);
  return reply.body;
}

/** Submits a task and waits for its final state. */
export async function run(stack: TestStack, token: string, type: string, payload: object): Promise<any> {
  return waitFor(stack, token, await submit(stack, token, type, payload));
}

/** Runs a task that must succeed; returns its result. */
export async function succeed(stack: TestStack, token: string, type: string, payload: object): Promise<any> {
  const task = await run(stack, token, type, payload);
  expect({ status: task.status, error: task.error }).toEqual({ status: "succeeded", error: null });
  return task.result;
}

/** Trains a model version and returns the train task's result (with its `version`). */
export function train(
  stack: TestStack,
  token: string,
  model: string,
  algorithm: "logistic" | "linear",
  rows: Row[],
  label = "y",
): Promise<any> {
  return succeed(stack, token, "train", { model, algorithm, label, rows });
}

/** Waits, reading PostgreSQL, until every task in `ids` is final; returns them. */
export async function settled(stack: TestStack, ids: string[], timeoutMs = 15_000): Promise<Task[]> {
  const tasks = await eventually(
    () => stack.db.task.findMany({ where: { id: { in: ids } } }),
    (rows) => rows.length === ids.length && rows.every((task) => FINAL.includes(task.status)),
    timeoutMs,
  );
  expect(tasks.filter((task) => FINAL.includes(task.status))).toHaveLength(ids.length);
  return tasks;
}

/** Moves tasks' `createdAt` into the past, beyond the reconciler's grace period for fresh tasks. */
export async function backdate(stack: TestStack, ids: string[], ms = 60_000): Promise<void> {
  await stack.db.task.updateMany({ where: { id: { in: ids } }, data: { createdAt: new Date(Date.now() - ms) } });
}

/**
 * The stack a test file runs against, with one registered user and the stack's BullMQ queues (to
 * look at jobs and simulate Redis faults): started as the file loads, removed after its tests.
 */
export async function stackForFile(
  options: { worker?: boolean; env?: Record<string, string> } = {},
): Promise<{ stack: TestStack; queues: Queues; token: string; workspaceId: string }> {
  const stack = await startStack(options);
  const queues = createQueues(stack.redis, stack.config.queuePrefix);
  afterAll(async () => {
    await queues.close();
    await stack.stop();
  });
  const { token, id } = await stack.user();
  return { stack, queues, token, workspaceId: id };
}

/** A model version of a workspace, as the unique key Prisma finds it by. */
export const versionKey = (workspaceId: string, name: string, version: number) => ({ workspaceId_name_version: { workspaceId, name, version } });

/** Every Redis key the stack owns (its prefix), never anyone else's on the shared Redis. */
export async function stackKeys(stack: TestStack): Promise<string[]> {
  const found: string[] = [];
  for await (const keys of scanKeys(stack.redis, `${stack.config.queuePrefix}:*`)) found.push(...keys);
  return found;
}

/** Two standard normal features per row, from a seeded PRNG so every run sees the same data. */
export function features(seed: number, n: number, shift: Row = {}): Row[] {
  const draw = normal(mulberry32(seed));
  return Array.from({ length: n }, () => ({ x1: draw() + (shift.x1 ?? 0), x2: draw() + (shift.x2 ?? 0) }));
}

/** Label 1 on one side of the line 2·x1 − x2 + 0.5 = 0, with a margin so the classes separate. */
export const classify = (row: Row) => (2 * row.x1! - row.x2! + 0.5 > 0 ? 1 : 0);
export function separable(seed: number, n: number): Row[] {
  return features(seed, n * 2)
    .filter((row) => Math.abs(2 * row.x1! - row.x2! + 0.5) > 0.2)
    .slice(0, n)
    .map((row) => ({ ...row, y: classify(row) }));
}

/** Rows whose label is `relation` of the features. */
export const labelled = (rows: Row[], relation: (row: Row) => number): Row[] => rows.map((row) => ({ ...row, y: relation(row) }));

/** A model a test can predict with: trains `name` on separable data once and returns its version. */
export async function trainClassifier(stack: TestStack, token: string, name: string, seed = 1): Promise<number> {
  const result = await train(stack, token, name, "logistic", separable(seed, 200));
  return result.version as number;
}
