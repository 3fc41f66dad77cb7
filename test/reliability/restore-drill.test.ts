// The restore drill (docs/disaster-recovery.md), run here: a system filled through its real API,
// backed up with `bun run backup`, destroyed (database dropped, Redis flushed), restored with
// `bun run restore` into a fresh database; the API must serve the same tasks, models and schedules,
// and the work that was unfinished must run to completion with nothing in Redis but what the
// worker's reconciler puts back. A damaged backup must be refused before anything is written.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { manifestPath } from "../../testing/db-backup.ts";
import { databaseName, migrate, withDatabase } from "../../services/shared/migrate.ts";
import { apiView, fillThroughApi, waitUntilFinal } from "../../testing/api-fill.ts";
import { httpClient } from "../../testing/http.ts";
import { RedisInstance } from "../../testing/instances.ts";
import { freePort } from "../../testing/ports.ts";
import { REPO, ServiceProcess, stopAll } from "../../testing/processes.ts";
import { dropDatabase } from "../../testing/stores.ts";
import { testEnv } from "../services/harness.ts";

const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const dir = mkdtempSync(join(tmpdir(), "mlts-drill-"));
const backupFile = join(dir, "mlts.dump");
let redis: RedisInstance;
let env: Record<string, string>;
const restoredUrl = () => withDatabase(env.DATABASE_URL!, `mlts_test_restored_${unique}`);
const databases = () => [env.DATABASE_URL!, restoredUrl(), withDatabase(env.DATABASE_URL!, `mlts_test_never_${unique}`)];

beforeAll(async () => {
  redis = await RedisInstance.start();
  env = testEnv(`drill_${unique}`, { REDIS_URL: redis.url });
  await migrate(env.DATABASE_URL!);
});
afterAll(async () => {
  await stopAll();
  for (const url of databases()) await dropDatabase(url);
  rmSync(dir, { recursive: true, force: true });
});

/** `bun run <script> -- ...args` as an operator would run it: exit code and what it printed. */
function script(name: "backup" | "restore", ...args: string[]) {
  const run = Bun.spawnSync(["bun", "run", "--silent", name, "--", ...args], { cwd: REPO, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" } });
  return { code: run.exitCode, stdout: run.stdout.toString(), stderr: run.stderr.toString() };
}

const api = (serviceEnv: Record<string, string>) => ServiceProcess.start("api", { ...serviceEnv, PORT: String(freePort()) }, { readyPath: "/health/ready" });

describe("the restore drill", () => {
  test("fill through the API, back up, destroy, restore: the same data served, unfinished work completed from an empty Redis", async () => {
    const before = await api(env);
    const http = httpClient(before.url);
    const filled = await fillThroughApi(http, env);
    const served = await apiView(http, filled.accounts);
    const statuses = new Set(served.users.flatMap((u) => u.tasks.map((t) => t.status)));
    expect([...statuses].sort()).toEqual(["cancelled", "failed", "queued", "running", "succeeded"]);

    const backup = script("backup", backupFile, "--database-url", env.DATABASE_URL!);
    expect(backup.stderr).toBe("");
    expect(backup.code).toBe(0);

    // The disaster: the database and every Redis key are gone.
    await before.destroy();
    await dropDatabase(env.DATABASE_URL!);
    await redis.flushAll();

    const restore = script("restore", backupFile, "--target", restoredUrl());
    expect(restore.stderr).toBe("");
    const [, tables, rows, ms] = /(\d+) tables, (\d+) rows in (\d+) ms/.exec(restore.stdout)!.map(Number);

    // The shortest grace the worker takes, and a reconciler that looks again every second.
    const restoredEnv = { ...env, DATABASE_URL: restoredUrl(), RECONCILE_GRACE_MS: "1000", RECONCILE_INTERVAL_MS: "1000", LOG_LEVEL: "info" };
    const after = await api(restoredEnv);
    const restoredHttp = httpClient(after.url);
    expect(await apiView(restoredHttp, filled.accounts)).toEqual(served);

    // Redis holds no job (the API keeps only its queues' metadata there): the worker's reconciler
    // re-enqueues every unfinished task from PostgreSQL.
    const keys = await redis.command((r) => r.keys("*"));
    expect(keys.filter((key) => !key.endsWith(":meta"))).toEqual([]);
    const worker = await ServiceProcess.start("worker", { ...restoredEnv, WORKER_PORT: String(freePort()) });
    const final = await waitUntilFinal(restoredHttp, filled.accounts, filled.unfinished);
    const completed = filled.unfinished.filter((id) => final[id] === "succeeded");
    expect(completed).toEqual(filled.unfinished);
    // And the schedules: the enabled ones are back in BullMQ.
    expect(worker.logs).toContain(`"schedules":${filled.accounts.length}`);

    console.log(`restore drill: ${rows} rows in ${tables} tables restored in ${ms} ms; ${completed.length} of ${filled.unfinished.length} unfinished tasks (queued, and 1 running when its worker died) completed after the restore with Redis empty`);
  }, 180_000);

  describe("a damaged backup is refused before anything is written", () => {
    const target = () => databases()[2]!;
    const exists = async (url: string) => {
      const client = new pg.Client({ connectionString: withDatabase(url) });
      await client.connect();
      try {
        return ((await client.query("SELECT 1 FROM pg_database WHERE datname LIKE $1", [`${databaseName(url)}%`])).rowCount ?? 0) > 0;
      } finally {
        await client.end();
      }
    };
    /** A copy of the good backup, damaged by `damage`, with the good manifest (or `manifest`). */
    const damaged = (name: string, damage: (file: string) => void, manifest?: (good: Record<string, unknown>, file: string) => object) => {
      const file = join(dir, name);
      copyFileSync(backupFile, file);
      damage(file);
      const good = JSON.parse(readFileSync(manifestPath(backupFile), "utf8"));
      writeFileSync(manifestPath(file), JSON.stringify(manifest ? manifest(good, file) : good));
      return file;
    };
    const refused = async (file: string, message: RegExp) => {
      const result = script("restore", file, "--target", target());
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain("Nothing was restored");
      expect(await exists(target())).toBe(false); // neither the target nor a half-restored temporary database
    };

    test("truncated", async () => {
      await refused(damaged("truncated.dump", (f) => truncateSync(f, 4_000)), /truncated or corrupted: 4000 bytes, the manifest says \d+/);
    });

    test("corrupted in place (same size)", async () => {
      const flip = (file: string) => {
        const bytes = readFileSync(file);
        for (let i = 0; i < 64; i++) bytes[Math.floor(bytes.length / 2) + i]! ^= 0xff;
        writeFileSync(file, bytes);
      };
      await refused(damaged("corrupted.dump", flip), /is corrupted: its sha256 is [0-9a-f]{64}, the manifest says/);
    });

    test("truncated with a manifest forged to match: pg_restore fails inside its one transaction, and the database is dropped", async () => {
      const forged = (good: Record<string, unknown>, file: string) => {
        const bytes = readFileSync(file);
        return { ...good, bytes: bytes.length, sha256: new Bun.CryptoHasher("sha256").update(bytes).digest("hex") };
      };
      await refused(damaged("forged.dump", (f) => truncateSync(f, Math.floor(readFileSync(backupFile).length * 0.8)), forged), /pg_restore failed/);
    });

    test("without its manifest", async () => {
      const file = join(dir, "bare.dump");
      copyFileSync(backupFile, file);
      await refused(file, /has no manifest/);
    });

    test("into a database that exists: refused, and what it holds is unchanged", async () => {
      const count = async () => {
        const client = new pg.Client({ connectionString: restoredUrl() });
        await client.connect();
        try {
          return (await client.query<{ n: string }>(`SELECT count(*) AS n FROM "Task"`)).rows[0]!.n;
        } finally {
          await client.end();
        }
      };
      const tasks = await count();
      const result = script("restore", backupFile, "--target", restoredUrl());
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("exists: a restore goes into a new database");
      expect(await count()).toBe(tasks);
    });
  });
});
