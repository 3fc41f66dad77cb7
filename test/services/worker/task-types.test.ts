// Every task type end to end: API → BullMQ → worker → PostgreSQL, results read back through the API.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { classify, features, labelled, run, separable, stackForFile, submit, submitMany, settled, succeed, train, type Row, versionKey, waitFor } from "./helpers.ts";

setDefaultTimeout(30_000);

const { stack, token, workspaceId } = await stackForFile({ worker: true });

const line1 = (row: Row) => 3 * row.x1! - 2 * row.x2! + 5;
const line2 = (row: Row) => -row.x1! + 0.5 * row.x2! - 1;

describe("train and predict", () => {
  test("logistic on separable data predicts held-out rows (≥ 95% correct)", async () => {
    const trained = await train(stack, token, "clf", "logistic", separable(1, 1_000));
    expect(trained).toMatchObject({ model: "clf", algorithm: "logistic", version: 1 });
    expect(trained.metrics.accuracy).toBeGreaterThanOrEqual(0.95);

    const heldOut = separable(2, 60);
    const ids = await submitMany(
      stack,
      token,
      heldOut.map(({ x1, x2 }) => ({ type: "predict", payload: { model: "clf", input: { x1, x2 } } })),
    );
    const tasks = await settled(stack, ids);
    const byId = new Map(tasks.map((task) => [task.id, task]));
    let correct = 0;
    ids.forEach((id, i) => {
      const task = byId.get(id)!;
      expect(task.status).toBe("succeeded");
      const result = task.result as { label: number; score: number; version: number; inferenceMs: number };
      expect(result.version).toBe(1);
      expect(result.score).toBeWithin(0, 1.000001);
      expect(result.inferenceMs).toBeGreaterThanOrEqual(0);
      if (result.label === heldOut[i]!.y) correct++;
    });
    expect(correct / heldOut.length).toBeGreaterThanOrEqual(0.95);
  });

  test("linear recovers a known relation", async () => {
    const noise = features(3, 500).map((row) => 0.01 * row.x1!);
    const rows = labelled(features(4, 500), line1).map((row, i) => ({ ...row, y: row.y! + noise[i]! }));
    const trained = await train(stack, token, "line", "linear", rows);
    expect(trained.version).toBe(1);
    expect(trained.metrics.r2).toBeGreaterThan(0.999);

    for (const input of [{ x1: 0.3, x2: -1.2 }, { x1: -2, x2: 0.5 }]) {
      const result = await succeed(stack, token, "predict", { model: "line", input });
      expect(result.score).toBeCloseTo(line1(input), 1);
    }
  });

  test("a second train of the same name is version 2; predict uses the latest unless told a version", async () => {
    const second = await train(stack, token, "line", "linear", labelled(features(5, 300), line2));
    expect(second.version).toBe(2);

    const input = { x1: 1.5, x2: 2 };
    const latest = await succeed(stack, token, "predict", { model: "line", input });
    expect(latest.version).toBe(2);
    expect(latest.score).toBeCloseTo(line2(input), 1);
    const first = await succeed(stack, token, "predict", { model: "line", version: 1, input });
    expect(first.version).toBe(1);
    expect(first.score).toBeCloseTo(line1(input), 1);
  });

  test("batch-predict scores many inputs, in the order given", async () => {
    const inputs = features(6, 500);
    const result = await succeed(stack, token, "batch-predict", { model: "line", version: 1, inputs });
    expect(result).toMatchObject({ model: "line", version: 1 });
    expect(result.predictions).toHaveLength(inputs.length);
    result.predictions.forEach((prediction: { score: number }, i: number) => {
      expect(prediction.score).toBeCloseTo(line1(inputs[i]!), 1);
    });
  });
});

describe("GET /tasks/:id/events with a worker", () => {
  /** Every `task` event's status, until the stream ends. */
  async function streamedStatuses(id: string): Promise<string[]> {
    const response = await fetch(`${stack.api.url}/tasks/${id}/events`, { headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    return text.split("\n").filter((line) => line.startsWith("data: {")).map((line) => JSON.parse(line.slice(6)).status);
  }

  test("a prediction of a few milliseconds still streams running before succeeded", async () => {
    for (let i = 0; i < 5; i++) {
      const id = await submit(stack, token, "predict", { model: "clf", input: { x1: i, x2: 0 } });
      const statuses = await streamedStatuses(id);
      expect(statuses.slice(-2)).toEqual(["running", "succeeded"]);
      expect(["queued", "running"]).toContain(statuses[0]!);
    }
  });

  test("a stream opened after the task finished shows that it ran: running, then its final state", async () => {
    const id = await submit(stack, token, "predict", { model: "clf", input: { x1: 1, x2: 2 } });
    await waitFor(stack, token, id);
    expect(await streamedStatuses(id)).toEqual(["running", "succeeded"]);
  });
});

describe("drift-check", () => {
  /** The version's drift score as the worker exports it: by the version's id, never by its (user-chosen) name. */
  const metricValue = async (model: string, version: number) => {
    const { id } = await stack.db.model.findUniqueOrThrow({ where: versionKey(workspaceId, model, version) });
    const text = await (await fetch(`${stack.worker!.url}/metrics`)).text();
    const line = text.split("\n").find((l) => l.startsWith(`model_drift_score{model_id="${id}"}`));
    return line === undefined ? undefined : Number(line.split(" ").at(-1));
  };

  test("inputs from the training distribution → a drift score near 0", async () => {
    await train(stack, token, "drifty", "logistic", separable(7, 600));
    await succeed(stack, token, "batch-predict", { model: "drifty", inputs: features(8, 600) });
    const check = await succeed(stack, token, "drift-check", { model: "drifty" });
    expect(check).toMatchObject({ model: "drifty", version: 1, compared: 600, minimum: 200, verdict: "stable" });
    expect(Object.keys(check.psi).sort()).toEqual(["x1", "x2"]);
    expect(check.driftScore).toBeLessThan(0.1);

    const model = await stack.db.model.findUniqueOrThrow({ where: versionKey(workspaceId, "drifty", 1) });
    expect(model.driftScore).toBeCloseTo(check.driftScore, 10);
    expect(model.driftCheckedAt).toBeInstanceOf(Date);
    expect(await metricValue("drifty", 1)).toBeCloseTo(check.driftScore, 10);
  });

  test("after predictions on shifted inputs → a high drift score, in the model and the metric", async () => {
    await succeed(stack, token, "batch-predict", { model: "drifty", inputs: features(9, 600, { x1: 2 }) });
    const check = await succeed(stack, token, "drift-check", { model: "drifty", window: 600 });
    expect(check.compared).toBe(600);
    expect(check.driftScore).toBeGreaterThan(0.25);
    expect(check.verdict).toBe("major");
    expect(check.psi.x1).toBe(check.driftScore); // the shifted feature is the one that drifted
    expect(check.psi.x2).toBeLessThan(0.1);

    const model = await stack.db.model.findUniqueOrThrow({ where: versionKey(workspaceId, "drifty", 1) });
    expect(model.driftScore).toBeCloseTo(check.driftScore, 10);
    expect(await metricValue("drifty", 1)).toBeCloseTo(check.driftScore, 10);
  });

  test("fewer scored inputs than DRIFT_MIN_WINDOW → not_enough_data: no score, nothing recorded on the model", async () => {
    await train(stack, token, "sparse", "logistic", separable(11, 300));
    await succeed(stack, token, "batch-predict", { model: "sparse", inputs: features(12, 50) });
    const check = await succeed(stack, token, "drift-check", { model: "sparse" });
    expect(check).toEqual({ model: "sparse", version: 1, compared: 50, minimum: 200, verdict: "not_enough_data", driftScore: null, psi: null });
    const model = await stack.db.model.findUniqueOrThrow({ where: versionKey(workspaceId, "sparse", 1) });
    expect(model).toMatchObject({ driftScore: null, driftCheckedAt: null });
  });
});

describe("models API", () => {
  test("GET /models lists every name with its latest version and aliases", async () => {
    const reply = await stack.http("GET", "/models", { token });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      items: [
        { name: "clf", latestVersion: 1, versions: 1, aliases: {} },
        { name: "drifty", latestVersion: 1, versions: 1, aliases: {} },
        { name: "line", latestVersion: 2, versions: 2, aliases: {} },
        { name: "sparse", latestVersion: 1, versions: 1, aliases: {} },
      ],
    });
  });

  test("GET /models/:name lists versions newest first, with their metrics", async () => {
    const reply = await stack.http("GET", "/models/line", { token });
    expect(reply.status).toBe(200);
    expect(reply.body.name).toBe("line");
    const versions = reply.body.versions as any[];
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    for (const version of versions) {
      expect(version).toMatchObject({ algorithm: "linear", label: "y", features: ["x1", "x2"] });
      expect(Object.keys(version.metrics).sort()).toEqual(["mse", "r2", "rmse", "rows"]);
      expect(version.metrics.r2).toBeGreaterThan(0.999);
      expect(typeof version.trainingTaskId).toBe("string");
    }
    expect(versions.map((v) => v.metrics.rows)).toEqual([300, 500]);
    expect((await stack.http("GET", "/models/nope", { token })).status).toBe(404);
  });
});

describe("an error that is not the task's fault", () => {
  test("fails the task after its retries, saying so in our words, never in the driver's", async () => {
    // PostgreSQL refuses this one model's row: the training itself succeeds, storing it cannot.
    await stack.db.$executeRawUnsafe(`ALTER TABLE "Model" ADD CONSTRAINT refuse_broken CHECK (name <> 'broken')`);
    try {
      const id = await submit(stack, token, "train", { model: "broken", algorithm: "linear", label: "y", rows: labelled(features(13, 50), line1) });
      const task = await waitFor(stack, token, id);
      expect(task).toMatchObject({ status: "failed", attempts: 3, error: "the task could not be run because of an internal error; it was retried and has been logged" });
    } finally {
      await stack.db.$executeRawUnsafe(`ALTER TABLE "Model" DROP CONSTRAINT refuse_broken`);
    }
  });
});

describe("bad inputs fail at once, with the reason", () => {
  test("predict on an unknown model → 422 at submission, the model named, nothing stored", async () => {
    const before = await stack.db.task.count();
    const reply = await stack.http("POST", "/tasks", { token, body: { type: "predict", payload: { model: "ghost", input: { x1: 1, x2: 2 } } } });
    expect(reply.status).toBe(422);
    expect(reply.body.error.message).toContain('model "ghost" does not exist');
    expect(await stack.db.task.count()).toBe(before);
  });

  test("predict on an unknown version or alias → 422 at submission", async () => {
    const version = await stack.http("POST", "/tasks", { token, body: { type: "predict", payload: { model: "clf", version: 9, input: { x1: 1, x2: 2 } } } });
    expect(version.status).toBe(422);
    expect(version.body.error.message).toContain('model "clf" has no version 9');
    const alias = await stack.http("POST", "/tasks", { token, body: { type: "predict", payload: { model: "clf", alias: "staging", input: { x1: 1, x2: 2 } } } });
    expect(alias.status).toBe(422);
    expect(alias.body.error.message).toContain('model "clf" has no alias "staging"');
  });

  test("a version deleted after submission → the task fails at once, the version named", async () => {
    await train(stack, token, "brief", "linear", labelled(features(13, 20), line1));
    await stack.worker!.stop(); // keep the predict queued
    const id = await submit(stack, token, "predict", { model: "brief", input: { x1: 1, x2: 2 } });
    await stack.db.model.delete({ where: versionKey(workspaceId, "brief", 1) });
    await stack.startWorker();
    const task = await waitFor(stack, token, id);
    expect(task).toMatchObject({ status: "failed", attempts: 1, modelVersion: 1 });
    expect(task.error).toBe('model "brief" has no version 1');
  });

  test("an input missing a feature → failed, the feature named, nothing recorded", async () => {
    const model = await stack.db.model.findUniqueOrThrow({ where: versionKey(workspaceId, "clf", 1) });
    const before = await stack.db.prediction.count({ where: { modelId: model.id } });
    const task = await run(stack, token, "predict", { model: "clf", input: { x1: 1 } });
    expect(task).toMatchObject({ status: "failed", attempts: 1 });
    expect(task.error).toContain('"x2" is missing');

    const batch = await run(stack, token, "batch-predict", { model: "clf", inputs: [{ x1: 1, x2: 0 }, { x2: 1 }] });
    expect(batch).toMatchObject({ status: "failed", attempts: 1 });
    expect(batch.error).toContain('inputs[1]: input: "x1" is missing');
    expect(await stack.db.prediction.count({ where: { modelId: model.id } })).toBe(before);
  });

  test("an input with a feature the model does not know → failed, the feature named, nothing recorded", async () => {
    const model = await stack.db.model.findUniqueOrThrow({ where: versionKey(workspaceId, "clf", 1) });
    const before = await stack.db.prediction.count({ where: { modelId: model.id } });
    const task = await run(stack, token, "predict", { model: "clf", input: { x1: 1, x2: 0, x3: 5 } });
    expect(task).toMatchObject({ status: "failed", attempts: 1 });
    expect(task.error).toBe('input: unknown feature "x3" (the model uses x1, x2)');
    expect(await stack.db.prediction.count({ where: { modelId: model.id } })).toBe(before);
  });

  test("train with a non-binary logistic label → failed, one attempt", async () => {
    const rows = labelled(features(10, 20), (row) => classify(row) * 2);
    const task = await run(stack, token, "train", { model: "bad", algorithm: "logistic", label: "y", rows });
    expect(task).toMatchObject({ status: "failed", attempts: 1 });
    expect(task.error).toContain("must be 0 or 1");
    expect(await stack.db.model.count({ where: { name: "bad" } })).toBe(0);
  });
});
