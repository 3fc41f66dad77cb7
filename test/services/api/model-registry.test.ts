// The model registry: aliases moved only by admins, every move kept and queryable at a point in
// time, aliases in every listing, versions that say where they came from, and production's
// predictions untouched by a new training until the alias is moved.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { features, labelled, stackForFile, succeed, train } from "../worker/helpers.ts";

setDefaultTimeout(30_000);

const { stack, token, workspaceId } = await stackForFile({ worker: true });
const line1 = (row: Record<string, number>) => 3 * row.x1! - 2 * row.x2! + 5;
const line2 = (row: Record<string, number>) => -row.x1! + 0.5 * row.x2! - 1;
const input = { x1: 1.5, x2: 2 };
const move = (alias: string, version: number) => stack.http("PUT", `/models/price/aliases/${alias}`, { token, body: { version } });

describe("production is an alias, and only an admin moves it", () => {
  let firstTraining: string;

  test("version 1, made production: predictions without a version use it", async () => {
    const trained = await train(stack, token, "price", "linear", labelled(features(1, 200), line1));
    expect(trained.version).toBe(1);
    firstTraining = (await stack.db.model.findFirstOrThrow({ where: { workspaceId, name: "price" } })).trainingTaskId!;
    const moved = await move("production", 1);
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ model: "price", alias: "production", version: 1, movedBy: { id: workspaceId } });
    expect((await succeed(stack, token, "predict", { model: "price", input })).score).toBeCloseTo(line1(input), 1);
  });

  test("a new training never changes what production predicts until the alias is moved", async () => {
    const second = await train(stack, token, "price", "linear", labelled(features(2, 200), line2));
    expect(second.version).toBe(2);
    const byDefault = await succeed(stack, token, "predict", { model: "price", input });
    const byAlias = await succeed(stack, token, "predict", { model: "price", alias: "production", input });
    for (const result of [byDefault, byAlias]) {
      expect(result.version).toBe(1);
      expect(result.score).toBeCloseTo(line1(input), 1);
    }
    expect((await succeed(stack, token, "predict", { model: "price", version: 2, input })).score).toBeCloseTo(line2(input), 1);

    // Staging → 2, then production → 2: from then on, production predictions use version 2.
    expect((await move("staging", 2)).status).toBe(200);
    expect((await succeed(stack, token, "predict", { model: "price", alias: "staging", input })).version).toBe(2);
    expect((await move("production", 2)).status).toBe(200);
    const after = await succeed(stack, token, "predict", { model: "price", input });
    expect(after.version).toBe(2);
    expect(after.score).toBeCloseTo(line2(input), 1);
  });

  test("a task keeps the version resolved when it was submitted, whatever the alias does later", async () => {
    await stack.worker!.stop(); // keep the task queued while production moves
    const { body } = await stack.http("POST", "/tasks", { token, body: { type: "predict", payload: { model: "price", input } } });
    expect((await stack.http("GET", `/tasks/${body.id}`, { token })).body.modelVersion).toBe(2);
    expect((await move("production", 1)).status).toBe(200);
    await stack.startWorker();
    const task = (await stack.http("GET", `/tasks/${body.id}?wait=10`, { token })).body;
    expect(task).toMatchObject({ status: "succeeded", modelVersion: 2, result: { version: 2 } });
    expect((await move("production", 2)).status).toBe(200);
  });

  test("every listing shows the aliases", async () => {
    const list = await stack.http("GET", "/models", { token });
    expect(list.body.items).toEqual([{ name: "price", latestVersion: 2, versions: 2, aliases: { production: 2, staging: 2 } }]);
    const model = await stack.http("GET", "/models/price", { token });
    expect(model.body.aliases).toEqual({ production: 2, staging: 2 });
    expect(model.body.versions.map((v: { version: number; aliases: string[] }) => [v.version, v.aliases])).toEqual([[2, ["production", "staging"]], [1, []]]);
    expect((await stack.http("GET", "/models/price/versions/2", { token })).body.aliases).toEqual(["production", "staging"]);
  });

  test("each version says who trained it, from which task, on what data", async () => {
    const { body } = await stack.http("GET", "/models/price/versions/1", { token });
    expect(body).toMatchObject({
      trainedBy: { id: workspaceId, email: expect.stringContaining("@") },
      trainingTaskId: firstTraining,
      dataSummary: { rows: 200, features: 2, label: { name: "y", mean: expect.any(Number), std: expect.any(Number), min: expect.any(Number), max: expect.any(Number) } },
    });
    expect(body.parameters.weights).toHaveLength(2);
  });
});

describe("every move is kept", () => {
  test("history: who, when, from which version to which, newest first", async () => {
    const history = await stack.http("GET", "/models/price/aliases/production/history", { token });
    expect(history.status).toBe(200);
    expect(history.body.items.map((m: { fromVersion: number | null; toVersion: number | null }) => [m.fromVersion, m.toVersion])).toEqual([
      [1, 2], [2, 1], [1, 2], [null, 1],
    ]);
    expect(history.body.items[0].movedBy).toEqual({ id: workspaceId, email: expect.stringContaining("@") });
  });

  test("what production was at a given time; before it existed → 404; removed → null", async () => {
    const moves = await stack.db.modelAliasMove.findMany({ where: { workspaceId, model: "price", alias: "production" }, orderBy: { id: "asc" } });
    const at = (time: Date) => stack.http("GET", `/models/price/aliases/production?at=${encodeURIComponent(time.toISOString())}`, { token });
    const justAfter = (i: number) => new Date(moves[i]!.movedAt.getTime() + 1);
    expect((await at(justAfter(0))).body.version).toBe(1);
    expect((await at(justAfter(1))).body.version).toBe(2);
    expect((await at(justAfter(2))).body.version).toBe(1);
    expect((await at(new Date(moves[0]!.movedAt.getTime() - 1_000))).status).toBe(404);
    expect((await stack.http("GET", "/models/price/aliases/production", { token })).body.version).toBe(2);

    expect((await stack.http("DELETE", "/models/price/aliases/staging", { token })).status).toBe(204);
    const staging = await stack.http("GET", "/models/price/aliases/staging", { token });
    expect(staging.body).toMatchObject({ version: null });
    const predicted = await stack.http("POST", "/tasks", { token, body: { type: "predict", payload: { model: "price", alias: "staging", input } } });
    expect(predicted.status).toBe(422);
  });

  test("a version an alias points to cannot be deleted; moving the alias away first allows it", async () => {
    const refused = await stack.http("DELETE", "/models/price/versions/2", { token });
    expect([refused.status, refused.body.error.message]).toEqual([409, 'version 2 is what "production" points to: move the alias first']);
    expect((await move("production", 1)).status).toBe(200);
    expect((await stack.http("DELETE", "/models/price/versions/2", { token })).status).toBe(204);
    expect((await stack.http("GET", "/models/price/versions/2", { token })).status).toBe(404);
    // The moves stay in the history even though the version is gone.
    expect((await stack.http("GET", "/models/price/aliases/production/history", { token })).body.items).toHaveLength(5);
  });

  test("moving to a version that does not exist → 404, and nothing is recorded", async () => {
    const before = await stack.db.modelAliasMove.count();
    expect((await move("production", 7)).status).toBe(404);
    expect(await stack.db.modelAliasMove.count()).toBe(before);
  });
});
