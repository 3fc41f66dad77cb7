// Cancelling: a queued task leaves the queue for good; final tasks and other users' tasks are refused.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { features, labelled, stackForFile, submit, waitFor } from "./helpers.ts";

setDefaultTimeout(30_000);

// No worker at first: tasks stay queued until a test starts one.
const { stack, queues, token } = await stackForFile();
const { token: stranger } = await stack.user();

const trainPayload = (model: string) => ({
  model,
  algorithm: "linear",
  label: "y",
  rows: labelled(features(21, 30), (row) => row.x1! - row.x2!),
});

let cancelled: string;
let kept: string;

describe("a queued task", () => {
  test("cancel → cancelled, and its BullMQ job is removed", async () => {
    cancelled = await submit(stack, token, "train", trainPayload("never"));
    kept = await submit(stack, token, "train", trainPayload("kept"));
    expect(await queues.families.train.getJob(cancelled)).toBeDefined();

    const reply = await stack.http("POST", `/tasks/${cancelled}/cancel`, { token });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id: cancelled, status: "cancelled", attempts: 0 });
    expect(reply.body.finishedAt).not.toBeNull();
    expect(await queues.families.train.getJob(cancelled)).toBeUndefined();
    expect(await queues.families.train.getJob(kept)).toBeDefined();
  });

  test("a worker started afterwards runs the others but never the cancelled one", async () => {
    await stack.startWorker();
    expect(await waitFor(stack, token, kept)).toMatchObject({ status: "succeeded", attempts: 1 });
    // Even if the reconciler looks now, a cancelled task is not unfinished work.
    await stack.db.task.updateMany({ data: { createdAt: new Date(Date.now() - 60_000) } });
    expect(await stack.worker!.reconcile()).toEqual({ tasks: 0, schedules: 0 });

    const task = await stack.db.task.findUniqueOrThrow({ where: { id: cancelled } });
    expect(task).toMatchObject({ status: "cancelled", attempts: 0, startedAt: null, result: null });
    expect(await stack.db.model.count({ where: { name: "never" } })).toBe(0);
    expect(await stack.db.model.count({ where: { name: "kept" } })).toBe(1);
    expect(await queues.families.train.getJob(cancelled)).toBeUndefined();
  });
});

describe("refusals", () => {
  test("cancelling a final task → 409, and it stays as it was", async () => {
    for (const [id, status] of [[cancelled, "cancelled"], [kept, "succeeded"]] as const) {
      const reply = await stack.http("POST", `/tasks/${id}/cancel`, { token });
      expect(reply.status).toBe(409);
      expect(reply.body.error.code).toBe("conflict");
      expect(reply.body.error.message).toContain(status);
      expect((await stack.db.task.findUniqueOrThrow({ where: { id } })).status).toBe(status);
    }
  });

  test("another user's task → 404 for get and for cancel, and it is left alone", async () => {
    await stack.worker!.stop(); // keep the next task queued
    const id = await submit(stack, token, "train", trainPayload("mine"));
    for (const [method, path] of [["GET", `/tasks/${id}`], ["POST", `/tasks/${id}/cancel`]]) {
      const reply = await stack.http(method!, path!, { token: stranger });
      expect(reply.status).toBe(404);
      expect(reply.body.error.code).toBe("not_found");
    }
    expect((await stack.db.task.findUniqueOrThrow({ where: { id } })).status).toBe("queued");
    expect(await queues.families.train.getJob(id)).toBeDefined();
  });
});
