import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { type Prisma, PrismaClient } from "./generated/prisma/client.ts";
import type { Config } from "./config.ts";
import type { Logger } from "./logger.ts";
import { errorMessage } from "./logger.ts";

export type Db = PrismaClient;
export { Prisma } from "./generated/prisma/client.ts";
/** A JSON object as Prisma writes it (a task's result, a scored input). */
export type Json = Prisma.InputJsonObject;
export type { Task, Model, Schedule, User } from "./generated/prisma/client.ts";

export interface DbOptions {
  url: string;
  /** DB_POOL_SIZE and the DB_*_TIMEOUT_MS settings. */
  pool: Config["dbPool"];
  logger: Logger;
}

/**
 * Plain SQL on the Prisma client's own pool, for the statements on every request's and every job's
 * path (services/shared/tasks/store.ts, the role and model-version lookups). Per statement Prisma's
 * raw query costs 230–300 µs of CPU here, pg alone 75–88 µs: Prisma's runtime was about half of the
 * API's CPU under load. Each `${value}` is a parameter ($1, $2, …), never spliced into the text.
 */
export interface Sql {
  /** The rows the statement returns. */
  query<T>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T[]>;
  /** How many rows the statement wrote. */
  execute(strings: TemplateStringsArray, ...values: unknown[]): Promise<number>;
  /**
   * The same statement as a prepared one named `name` on each connection, so PostgreSQL parses and
   * plans it once per connection rather than on every call (its plan cache keeps a generic plan
   * when that plans as well as a custom one). For the fixed-shape statements run per task; a
   * statement whose best plan depends on its parameters' values stays unnamed.
   */
  prepared(name: string): Pick<Sql, "query" | "execute">;
  readonly pool: pg.Pool;
}

const texts = new WeakMap<TemplateStringsArray, string>();
/** A template's statement text, made once per place in the code that writes it. */
function textOf(strings: TemplateStringsArray): string {
  let text = texts.get(strings);
  if (text === undefined) {
    text = strings.reduce((sql, part, i) => `${sql}$${i}${part}`);
    texts.set(strings, text);
  }
  return text;
}

const sqls = new WeakMap<Db, Sql>();

/** The plain-SQL side of a client made by createDb: the same pool, so one set of limits and metrics. */
export function sqlOf(db: Db): Sql {
  const sql = sqls.get(db);
  if (!sql) throw new Error("sqlOf: a client made by createDb is needed");
  return sql;
}

export function createDb({ url, pool: settings, logger }: DbOptions): Db {
  // Explicit, so no request waits forever for a connection (pg's default) and no statement runs
  // without bound; the same pool serves Prisma and sqlOf(db).
  const pool = new pg.Pool({
    connectionString: url,
    max: settings.size,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    idleTimeoutMillis: settings.idleTimeoutMs,
    statement_timeout: settings.statementTimeoutMs,
  });
  // Without these listeners a dropped connection (PostgreSQL restart) is an uncaught error that
  // takes the process down (prisma#27641). The pool replaces the connection on next use. The
  // pool's is ours: Prisma adds its own only once it first runs a query.
  pool.on("error", (error) => logger.warn("postgres pool error", { error: errorMessage(error) }));
  const adapter = new PrismaPg(pool, {
    onConnectionError: (error) => logger.warn("postgres connection error", { error: errorMessage(error) }),
  });
  const db = new PrismaClient({ adapter });
  /** Unnamed statements, or (with `name`) statements PostgreSQL prepares once per connection. */
  const statements = (name?: string): Pick<Sql, "query" | "execute"> => {
    const run = (strings: TemplateStringsArray, values: unknown[]) => pool.query({ name, text: textOf(strings), values });
    return {
      query: async (strings, ...values) => (await run(strings, values)).rows,
      execute: async (strings, ...values) => (await run(strings, values)).rowCount ?? 0,
    };
  };
  sqls.set(db, { pool, ...statements(), prepared: statements });
  return db;
}

/** Closes the client and its pool (Prisma never ends a pool it was given). */
export async function closeDb(db: Db): Promise<void> {
  await db.$disconnect();
  await sqlOf(db).pool.end();
}

/** True when `error` is Prisma's unique-constraint violation. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}

/**
 * PostgreSQL's SQLSTATE for an error of a query, whichever way it was sent: pg's own error carries
 * it as `code`; Prisma keeps the driver's under `meta.driverAdapterError` (P2003 from a model
 * query, P2010 from a raw one).
 */
export function sqlState(error: unknown): string | undefined {
  if (error instanceof pg.DatabaseError) return error.code;
  const meta = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } } | undefined)?.meta;
  const code = meta?.driverAdapterError?.cause?.originalCode;
  return typeof code === "string" ? code : undefined;
}
