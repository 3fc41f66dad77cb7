// A private copy of the system for one test file: its own PostgreSQL database (migrated), its own
// Redis key prefix, the API and (optionally) the worker on free ports. `stop()` removes all of it.
import { Redis } from "ioredis";
import pg from "pg";
import { startApi, type ApiServer } from "../../services/api/server.ts";
import { type Config, parseConfig } from "../../services/shared/config.ts";
import { closeDb, createDb, type Db } from "../../services/shared/db.ts";
import { createLogger } from "../../services/shared/logger.ts";
import { databaseName, migrate } from "../../services/shared/migrate.ts";
import { startWorker, type WorkerProcess } from "../../services/worker/worker.ts";
import { type HttpClient, httpClient, registerAndLogin } from "../../testing/http.ts";
import { deleteKeys, dropDatabase } from "../../testing/stores.ts";

const POSTGRES = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432";
const REDIS = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export interface TestStack {
  config: Config;
  /** The environment the stack's config was loaded from, to run a service as a subprocess against it. */
  env: Record<string, string>;
  api: ApiServer;
  worker?: WorkerProcess;
  /** Direct access for assertions and for simulating faults. */
  db: Db;
  redis: Redis;
  /** A client of the stack's API. */
  http: HttpClient;
  /** Registers a fresh user; returns its bearer token and id (also its personal workspace's). */
  user(): Promise<{ token: string; email: string; id: string }>;
  startWorker(): Promise<WorkerProcess>;
  /** A client of another API replica on the same stores (with caches of its own), stopped with the stack. */
  startReplica(): Promise<HttpClient>;
  stop(): Promise<void>;
}

/** The user id a bearer token stands for (its `sub`), which is also the user's personal workspace id. */
export const userIdOf = (token: string) => JSON.parse(atob(token.split(".")[1]!)).sub as string;

/**
 * A model version stored as a training would store it (no real parameters), for tests that need a
 * model to exist in a workspace without running a worker; returns its id.
 */
export async function storeModelVersion(db: Db, workspaceId: string, name: string, version = 1): Promise<string> {
  const { id } = await db.model.create({
    data: { id: Bun.randomUUIDv7(), workspaceId, name, version, algorithm: "linear", label: "y", features: ["x"], parameters: {}, metrics: {}, featureStats: {} },
  });
  return id;
}

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

export function testEnv(name: string, env: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: "test",
    DATABASE_URL: `${POSTGRES}/mlts_test_${name}`,
    REDIS_URL: REDIS,
    QUEUE_PREFIX: `test-${name}`,
    PORT: "0",
    WORKER_PORT: "0",
    LOG_LEVEL: "error",
    RATE_LIMIT_ENABLED: "false",
    RECONCILE_INTERVAL_MS: "600000",
    ...env,
  };
}

/** A migrated database and a Redis key prefix of their own, for tests that need no service. */
export interface TestStores {
  config: Config;
  env: Record<string, string>;
  db: Db;
  redis: Redis;
  /**
   * A user row (no password) with its personal workspace, for tests that write its tasks without
   * the API; returns its id (also the workspace's).
   */
  owner(): Promise<string>;
  /** Removes the database and every key under the prefix. */
  stop(): Promise<void>;
}

export async function startStores(env: Record<string, string> = {}): Promise<TestStores> {
  const testedEnv = testEnv(unique(), env);
  const config = parseConfig(testedEnv);
  await migrate(config.databaseUrl);
  await relaxDurability(config.databaseUrl);
  const db = createDb({ url: config.databaseUrl, pool: config.dbPool, logger: createLogger("test", "error") });
  const redis = new Redis(REDIS);
  return {
    config,
    env: testedEnv,
    db,
    redis,
    async owner() {
      const id = Bun.randomUUIDv7();
      await db.user.create({ data: { id, email: `${id}@example.com`, passwordHash: "-" } });
      await db.workspace.create({ data: { id, name: "Personal", ownerId: id } });
      await db.membership.create({ data: { workspaceId: id, userId: id, role: "admin" } });
      return id;
    },
    async stop() {
      await deleteKeys(redis, `${config.queuePrefix}:*`);
      redis.disconnect();
      await closeDb(db);
      await dropDatabase(config.databaseUrl);
    },
  };
}

export async function startStack(options: { worker?: boolean; env?: Record<string, string> } = {}): Promise<TestStack> {
  const stores = await startStores(options.env);
  const { config, env, db, redis } = stores;
  const logger = createLogger("test", "error");
  const api = await startApi(config, logger);
  const workers: WorkerProcess[] = [];
  const replicas: ApiServer[] = [];

  const stack: TestStack = {
    config,
    env,
    api,
    db,
    redis,
    http: httpClient(api.url),
    user: async () => {
      const account = await registerAndLogin(stack.http);
      return { ...account, id: userIdOf(account.token) };
    },
    async startWorker() {
      const worker = await startWorker(config, logger);
      workers.push(worker);
      stack.worker = worker;
      return worker;
    },
    async startReplica() {
      const replica = await startApi(config, logger);
      replicas.push(replica);
      return httpClient(replica.url);
    },
    async stop() {
      await Promise.allSettled([api, ...replicas, ...workers].map((service) => service.stop()));
      await stores.stop();
    },
  };
  if (options.worker) await stack.startWorker();
  return stack;
}

/**
 * A throwaway database need not survive a PostgreSQL crash: without waiting for the WAL flush each
 * commit takes well under a millisecond instead of several, and what every session sees is unchanged.
 * Set before any service connects, as sessions read it when they open.
 */
async function relaxDurability(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(databaseName(url))} SET synchronous_commit = off`);
  await admin.end();
}
