// Private PostgreSQL and Redis instances for fault tests and fault runs. Whatever stops, restarts or
// flushes a store uses one of these (own port, own data directory, loopback only), never the
// machine's shared 5432/6379. Each is registered like every process started in testing/ (stopAll).
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { until } from "./polling.ts";
import { freePort } from "./ports.ts";
import { Child, type Owned, own } from "./processes.ts";

/** PostgreSQL's binaries, server and client tools: PG_BIN, else the newest Debian-packaged version's. */
export function postgresBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name)).map(Number) : [];
  return join(root, String(versions.length > 0 ? Math.max(...versions) : 15), "bin");
}
const PG_BIN = postgresBin();
const REDIS_SERVER = process.env.REDIS_SERVER ?? "/usr/bin/redis-server";

const isRoot = () => process.getuid?.() === 0;

/** PostgreSQL refuses to run as root: as root, run its binaries as the `postgres` user. */
function asPostgres(cmd: string[]): string[] {
  return isRoot() ? ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", ...cmd] : cmd;
}

/** A server of our own on a free loopback port, its data in a temporary directory. */
abstract class ServerInstance implements Owned {
  protected child: Child | undefined;

  constructor(
    readonly port: number,
    readonly dir: string,
    /** What kills it at once when the run is over. */
    private readonly killSignal: NodeJS.Signals,
  ) {}

  abstract up(): Promise<void>;
  abstract down(): Promise<void>;

  killNow(): void {
    this.child?.proc.kill(this.killSignal);
    rmSync(this.dir, { recursive: true, force: true });
  }

  async destroy(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class RedisInstance extends ServerInstance {
  private constructor(port: number, dir: string) {
    super(port, dir, "SIGKILL");
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** A Redis with no persistence: a restart loses every key, like a cache node replaced. */
  static async start(): Promise<RedisInstance> {
    const instance = own(new RedisInstance(freePort(), mkdtempSync(join(tmpdir(), "mlts-redis-"))));
    await instance.up();
    return instance;
  }

  async up(): Promise<void> {
    this.child = new Child("redis", [
      REDIS_SERVER, "--port", String(this.port), "--bind", "127.0.0.1", "--dir", this.dir,
      "--save", "", "--appendonly", "no", "--protected-mode", "yes", "--loglevel", "warning",
    ], { PATH: process.env.PATH ?? "" });
    await until(`redis on ${this.port}`, () => this.command((r) => r.ping()));
  }

  /** Stops the server; with no persistence its data is gone. */
  async down(): Promise<void> {
    await this.child?.stop("SIGTERM");
  }

  async flushAll(): Promise<void> {
    await this.command((redis) => redis.flushall());
  }

  /** Runs one command on a short-lived connection. */
  async command<T>(run: (redis: Redis) => Promise<T>): Promise<T> {
    const redis = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1_000, retryStrategy: () => null });
    redis.on("error", () => {});
    try {
      await redis.connect();
      return await run(redis);
    } finally {
      redis.disconnect();
    }
  }

}

export class PostgresInstance extends ServerInstance {
  private constructor(port: number, dir: string) {
    super(port, dir, "SIGQUIT");
  }

  /** The server's URL (no database); append `/<name>`. */
  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}`;
  }

  private get data(): string {
    return join(this.dir, "data");
  }

  static async start(): Promise<PostgresInstance> {
    const dir = mkdtempSync(join(tmpdir(), "mlts-pg-"));
    if (isRoot()) {
      const uid = Number(spawnSync("id", ["-u", "postgres"]).stdout.toString());
      const gid = Number(spawnSync("id", ["-g", "postgres"]).stdout.toString());
      chownSync(dir, uid, gid);
    }
    const instance = own(new PostgresInstance(freePort(), dir));
    const initdb = asPostgres([join(PG_BIN, "initdb"), "-D", instance.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
    const init = spawnSync(initdb[0]!, initdb.slice(1), { encoding: "utf8" });
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
    await instance.up();
    return instance;
  }

  async up(): Promise<void> {
    // The postmaster itself is the child (setpriv execs), so signals reach it directly.
    this.child = new Child(
      "postgres",
      asPostgres([
        join(PG_BIN, "postgres"), "-D", this.data, "-p", String(this.port), "-k", this.dir,
        "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off",
        "-c", "synchronous_commit=off", "-c", "max_connections=200",
      ]),
      { PATH: process.env.PATH ?? "" },
      this.dir,
    );
    await until(`postgres on ${this.port}`, () => this.query("SELECT 1"), 30_000);
  }

  /** Fast shutdown: open sessions are terminated (what a failover or a restart does to clients). */
  async down(): Promise<void> {
    await this.child?.stop("SIGINT", 30_000);
  }

  /** One query on a short-lived connection (database `postgres` unless given). */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = [], database = "postgres"): Promise<R[]> {
    const client = new pg.Client({ connectionString: `${this.url}/${database}`, connectionTimeoutMillis: 2_000 });
    client.on("error", () => {});
    await client.connect();
    try {
      return (await client.query<R>(sql, params)).rows;
    } finally {
      await client.end().catch(() => {});
    }
  }

}
