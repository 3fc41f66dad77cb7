// `bun dev`: checks PostgreSQL and Redis, applies migrations, then runs the API and the worker with
// reload on change. Zero configuration when both listen on their default local ports.
import pg from "pg";
import { Redis } from "ioredis";
import { loadConfigOrExit } from "../services/shared/config.ts";
import { migrate } from "../services/shared/migrate.ts";

const config = loadConfigOrExit();
const redacted = (url: string) => url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");

function fail(what: string, url: string, error: unknown, envVar: string, service: string): never {
  console.error(`\n✗ ${what} is not reachable at ${redacted(url)}: ${(error as Error).message}`);
  console.error(`  Start one with:   docker compose up -d ${service}`);
  console.error(`  or point ${envVar} at yours, e.g. ${envVar}=${service === "postgres" ? "postgresql://user:pass@host:5432/mlts" : "redis://host:6379"} bun dev\n`);
  process.exit(1);
}

async function checkPostgres(): Promise<void> {
  const admin = new URL(config.databaseUrl);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.end();
  } catch (error) {
    fail("PostgreSQL", config.databaseUrl, error, "DATABASE_URL", "postgres");
  }
}

async function checkRedis(): Promise<void> {
  const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3_000 });
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    fail("Redis", config.redisUrl, error, "REDIS_URL", "redis");
  } finally {
    redis.disconnect();
  }
}

await Promise.all([checkPostgres(), checkRedis()]);
const applied = await migrate(config.databaseUrl);
console.log(applied.length ? `✓ migrations applied: ${applied.join(", ")}` : "✓ database is up to date");

const children = ["services/api/main.ts", "services/worker/main.ts"].map((entry) =>
  Bun.spawn(["bun", "--watch", entry], { stdio: ["inherit", "inherit", "inherit"] }),
);
console.log(`✓ API on http://localhost:${config.port} (docs: /openapi), worker on http://localhost:${config.workerPort}/health`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
  });
}
const codes = await Promise.all(children.map((child) => child.exited));
process.exit(Math.max(...codes));
