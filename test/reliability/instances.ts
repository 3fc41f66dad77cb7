// Private Redis and PostgreSQL instances, and the real service processes, for fault tests. A test
// that stops, restarts or flushes a store uses one of these (own port, own data directory, loopback
// only), never the machine's shared 5432/6379. Everything started here is registered and torn down
// by `stopAll()`, and killed as a last resort when the test process exits, even after a failure.
import type { Subprocess } from "bun";
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import pg from "pg";

export const REPO = join(import.meta.dir, "../..");
/** PostgreSQL's server binaries: PG_BIN, else the newest Debian-packaged version. */
function postgresBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name)).map(Number) : [];
  return join(root, String(versions.length > 0 ? Math.max(...versions) : 15), "bin");
}
const PG_BIN = postgresBin();
const REDIS_SERVER = process.env.REDIS_SERVER ?? "/usr/bin/redis-server";

interface Owned {
  /** Best-effort synchronous kill and removal, for process exit. */
  killNow(): void;
  destroy(): Promise<void>;
}

const owned = new Set<Owned>();
process.on("exit", () => {
  for (const thing of owned) thing.killNow();
});

/** Stops every instance and process started here (in reverse order) and removes their directories. */
export async function stopAll(): Promise<void> {
  for (const thing of [...owned].reverse()) {
    await thing.destroy().catch(() => thing.killNow());
    owned.delete(thing);
  }
}

export async function freePort(): Promise<number> {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = server;
  server.stop(true);
  return port;
}

/** Polls `check` until it resolves truthy, or throws `what` after `timeoutMs`. */
export async function until(what: string, check: () => Promise<unknown>, timeoutMs = 15_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(everyMs);
  }
}

/** A child process whose stdout and stderr are kept, line by line, for assertions. */
export class Child {
  readonly proc: Subprocess<"ignore", "pipe", "pipe">;
  private text = "";

  constructor(
    readonly name: string,
    cmd: string[],
    env: Record<string, string>,
    cwd = REPO,
  ) {
    this.proc = Bun.spawn(cmd, { cwd, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    void this.collect(this.proc.stdout);
    void this.collect(this.proc.stderr);
  }

  private async collect(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of stream) this.text += decoder.decode(chunk, { stream: true });
  }

  /** Everything the process wrote so far (both streams, interleaved as read). */
  get output(): string {
    return this.text;
  }

  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Sends `signal` and waits for the exit; SIGKILL after `timeoutMs`. Resolves the exit code (null if signalled). */
  async stop(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 15_000): Promise<number | null> {
    if (this.alive) {
      this.proc.kill(signal);
      const timer = setTimeout(() => this.proc.kill("SIGKILL"), timeoutMs);
      await this.proc.exited;
      clearTimeout(timer);
    }
    return this.proc.exitCode;
  }
}

const isRoot = () => process.getuid?.() === 0;

/** PostgreSQL refuses to run as root: as root, run its binaries as the `postgres` user. */
function asPostgres(cmd: string[]): string[] {
  return isRoot() ? ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", ...cmd] : cmd;
}

export class RedisInstance implements Owned {
  private child: Child | undefined;

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** A Redis with no persistence: a restart loses every key, like a cache node replaced. */
  static async start(): Promise<RedisInstance> {
    const instance = new RedisInstance(await freePort(), mkdtempSync(join(tmpdir(), "mlts-redis-")));
    owned.add(instance);
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

  async restart(downMs: number): Promise<void> {
    await this.down();
    await Bun.sleep(downMs);
    await this.up();
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

  killNow(): void {
    this.child?.proc.kill("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
  }

  async destroy(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class PostgresInstance implements Owned {
  private child: Child | undefined;

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

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
    const instance = new PostgresInstance(await freePort(), dir);
    owned.add(instance);
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

  async restart(downMs: number): Promise<void> {
    await this.down();
    await Bun.sleep(downMs);
    await this.up();
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

  killNow(): void {
    this.child?.proc.kill("SIGQUIT");
    rmSync(this.dir, { recursive: true, force: true });
  }

  async destroy(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The real `bun services/<kind>/main.ts`, with only the environment given (plus PATH and HOME). */
export class ServiceProcess implements Owned {
  child: Child;
  /** Output of earlier runs of this service (before restarts), for log checks. */
  private earlier = "";

  constructor(
    readonly kind: "api" | "worker",
    readonly env: Record<string, string>,
  ) {
    this.child = this.spawn();
    owned.add(this);
  }

  private spawn(): Child {
    return new Child(this.kind, ["bun", `services/${this.kind}/main.ts`], {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      ...this.env,
    });
  }

  get port(): number {
    return Number(this.kind === "api" ? this.env.PORT : this.env.WORKER_PORT);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the service (its port from env) and waits for its liveness endpoint. */
  static async start(kind: "api" | "worker", env: Record<string, string>): Promise<ServiceProcess> {
    const service = new ServiceProcess(kind, env);
    await service.ready();
    return service;
  }

  async ready(timeoutMs = 20_000): Promise<void> {
    await until(`${this.kind} /health`, async () => {
      if (!this.child.alive) throw new Error(`${this.kind} exited:\n${this.child.output}`);
      return (await fetch(`${this.url}/health`)).ok;
    }, timeoutMs);
  }

  /** Starts it again after it stopped or was killed. */
  async restart(): Promise<void> {
    this.earlier += this.child.output;
    this.child = this.spawn();
    await this.ready();
  }

  /** All output of every run so far. */
  get logs(): string {
    return this.earlier + this.child.output;
  }

  killNow(): void {
    this.child.proc.kill("SIGKILL");
  }

  async destroy(): Promise<void> {
    await this.child.stop("SIGTERM");
  }
}
