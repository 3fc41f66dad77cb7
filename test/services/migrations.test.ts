// The workspaces migration on a database filled by the previous schema version: migrations applied
// up to the one before, rows written as that version wrote them, then the new migration applied.
// Nothing is lost, and every row lands in the workspace its owner (a model: whoever trained it)
// now acts in; the API then serves each user exactly their own.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { type ApiServer, startApi } from "../../services/api/server.ts";
import { parseConfig } from "../../services/shared/config.ts";
import { createLogger } from "../../services/shared/logger.ts";
import { migrate } from "../../services/shared/migrate.ts";
import { httpClient } from "../../testing/http.ts";
import { deleteKeys, dropDatabase } from "../../testing/stores.ts";
import { testEnv } from "./harness.ts";

const MIGRATIONS = join(import.meta.dir, "../../prisma/migrations");
const [INIT, WORKSPACES] = readdirSync(MIGRATIONS, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
const env = testEnv(`migration${Date.now().toString(36)}`);
const url = env.DATABASE_URL!;
let db: pg.Client;
let api: ApiServer | undefined;

const ids = {
  ada: crypto.randomUUID(), bob: crypto.randomUUID(), root: crypto.randomUUID(),
  adaTrain: crypto.randomUUID(), bobTrain: crypto.randomUUID(), adaPredict: crypto.randomUUID(),
  adaModel: crypto.randomUUID(), bobModel: crypto.randomUUID(), orphanModel: crypto.randomUUID(), schedule: crypto.randomUUID(),
};
const PASSWORD = "correct-horse-battery";

beforeAll(async () => {
  // The database as the previous version left it: only the first migration applied.
  const before = mkdtempSync(join(tmpdir(), "mlts-migrations-"));
  cpSync(join(MIGRATIONS, INIT!), join(before, INIT!), { recursive: true });
  expect(await migrate(url, before)).toEqual([INIT!]);
  rmSync(before, { recursive: true, force: true });
  db = new pg.Client({ connectionString: url });
  await db.connect();
  const hash = await Bun.password.hash(PASSWORD);
  const model = (id: string, name: string, version: number, taskId: string) =>
    db.query(
      `INSERT INTO "Model" (id, name, version, algorithm, label, features, parameters, metrics, "featureStats", "trainingTaskId")
       VALUES ($1, $2, $3, 'linear', 'y', '{x}', $4, '{"rows": 2, "mse": 0, "rmse": 0, "r2": 1}', '{}', $5)`,
      [id, name, version, JSON.stringify({ algorithm: "linear", features: ["x"], weights: [version], bias: 0, means: [0], scales: [1] }), taskId],
    );
  await db.query(`INSERT INTO "User" (id, email, "passwordHash", role) VALUES ($1, 'ada@example.com', $4, 'user'), ($2, 'bob@example.com', $4, 'user'), ($3, 'root@example.com', $4, 'admin')`, [ids.ada, ids.bob, ids.root, hash]);
  await db.query(
    `INSERT INTO "Task" (id, "ownerId", type, status, payload, "idempotencyKey", result) VALUES
       ($1, $2, 'train', 'succeeded', '{"model": "churn"}', 'ada-train', '{"version": 1}'),
       ($3, $4, 'train', 'succeeded', '{"model": "churn"}', NULL, '{"version": 2}'),
       ($5, $2, 'predict', 'queued', '{"model": "churn", "input": {"x": 1}}', 'ada-train-again', NULL)`,
    [ids.adaTrain, ids.ada, ids.bobTrain, ids.bob, ids.adaPredict],
  );
  // Bob "retrained" Ada's model name: under the old schema that was version 2 of the same model.
  await model(ids.adaModel, "churn", 1, ids.adaTrain);
  await model(ids.bobModel, "churn", 2, ids.bobTrain);
  await model(ids.orphanModel, "legacy", 1, crypto.randomUUID()); // its training task is gone
  await db.query(`INSERT INTO "Prediction" ("modelId", input, score) VALUES ($1, '{"x": 1}', 1), ($1, '{"x": 2}', 2), ($2, '{"x": 9}', 18)`, [ids.adaModel, ids.bobModel]);
  await db.query(
    `INSERT INTO "Schedule" (id, "ownerId", name, "everyMs", "taskType", payload, "updatedAt") VALUES ($1, $2, 'hourly', 3600000, 'predict', '{"model": "churn", "input": {"x": 1}}', now())`,
    [ids.schedule, ids.ada],
  );
}, 30_000);

afterAll(async () => {
  await api?.stop();
  await db.end();
  await dropDatabase(url);
  // The API's queues left their metadata under the prefix.
  const redis = new Redis(env.REDIS_URL!);
  await deleteKeys(redis, `${env.QUEUE_PREFIX}:*`);
  redis.disconnect();
});

const count = async (table: string) => Number((await db.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);

describe(`${WORKSPACES}`, () => {
  test("applies on the filled database and loses no row", async () => {
    const before = Object.fromEntries(await Promise.all(["User", "Task", "Model", "Prediction", "Schedule"].map(async (t) => [t, await count(t)])));
    expect(await migrate(url)).toEqual([WORKSPACES!]);
    const after = Object.fromEntries(await Promise.all(["User", "Task", "Model", "Prediction", "Schedule"].map(async (t) => [t, await count(t)])));
    expect(after).toEqual(before);
    expect(await migrate(url)).toEqual([]); // and only once
  });

  test("every user has a personal workspace with their id, as its admin", async () => {
    const { rows } = await db.query(`SELECT w.id, w."ownerId", w.name, m."userId", m.role FROM "Workspace" w JOIN "Membership" m ON m."workspaceId" = w.id WHERE w."ownerId" IS NOT NULL ORDER BY w.name, w.id`);
    expect(rows.map((r) => [r.id === r.ownerId && r.id === r.userId, r.role]).sort()).toEqual([[true, "admin"], [true, "admin"], [true, "admin"]]);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set([ids.ada, ids.bob, ids.root]));
  });

  test("tasks, schedules and models are in their owner's (a model: its trainer's) workspace", async () => {
    const tasks = await db.query(`SELECT id, "workspaceId", "ownerId", "idempotencyKey", "modelVersion" FROM "Task"`);
    for (const task of tasks.rows) expect(task.workspaceId).toBe(task.ownerId);
    expect(tasks.rows.find((t) => t.id === ids.adaTrain)!.idempotencyKey).toBe("ada-train");
    const schedule = (await db.query(`SELECT "workspaceId", "everyMs" FROM "Schedule" WHERE id = $1`, [ids.schedule])).rows[0];
    expect([schedule.workspaceId, Number(schedule.everyMs)]).toEqual([ids.ada, 3_600_000]);
    const models = await db.query(`SELECT id, "workspaceId", "trainedById", name, version FROM "Model"`);
    const byId = new Map(models.rows.map((m) => [m.id, m]));
    expect(byId.get(ids.adaModel)).toMatchObject({ workspaceId: ids.ada, trainedById: ids.ada, name: "churn", version: 1 });
    expect(byId.get(ids.bobModel)).toMatchObject({ workspaceId: ids.bob, trainedById: ids.bob, name: "churn", version: 2 });
    expect(await count("Prediction")).toBe(3);
  });

  test("a model nobody can be traced to goes to one shared workspace, administered by the former global admins", async () => {
    const { rows } = await db.query(
      `SELECT w.name, w."ownerId", array_agg(m."userId"::text || ':' || m.role) AS members FROM "Model" model
       JOIN "Workspace" w ON w.id = model."workspaceId" LEFT JOIN "Membership" m ON m."workspaceId" = w.id
       WHERE model.id = $1 GROUP BY w.name, w."ownerId"`,
      [ids.orphanModel],
    );
    expect(rows).toEqual([{ name: "Models from before workspaces", ownerId: null, members: [`${ids.root}:admin`] }]);
  });

  test("the API then serves each user their own: Ada sees her version 1 only, Bob his version 2 only", async () => {
    api = await startApi(parseConfig(env), createLogger("test", "error"));
    const http = httpClient(api.url);
    const tokenOf = async (email: string) => (await http("POST", "/auth/login", { body: { email, password: PASSWORD } })).body.token as string;
    const [ada, bob] = [await tokenOf("ada@example.com"), await tokenOf("bob@example.com")];
    const versionsOf = async (token: string) => (await http("GET", "/models/churn", { token })).body.versions.map((v: { version: number }) => v.version);
    expect(await versionsOf(ada)).toEqual([1]);
    expect(await versionsOf(bob)).toEqual([2]);
    expect((await http("GET", `/tasks/${ids.adaPredict}`, { token: ada })).body).toMatchObject({ status: "queued", modelVersion: null });
    expect((await http("GET", `/tasks/${ids.adaPredict}`, { token: bob })).status).toBe(404);
    expect((await http("GET", `/schedules/${ids.schedule}`, { token: ada })).body).toMatchObject({ every: 3_600_000, workspaceId: ids.ada });
    // Old tasks keep their idempotency: the same key and body is the same task.
    const again = await http("POST", "/tasks", { token: ada, headers: { "idempotency-key": "ada-train-again" }, body: { type: "predict", payload: { model: "churn", input: { x: 1 } } } });
    expect([again.status, again.body.id]).toEqual([202, ids.adaPredict]);
  });
});
