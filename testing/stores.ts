// Throwaway stores of tests, benchmarks and fault runs: each makes its own database and Redis key
// prefix on a shared server and removes them with these when it is done.
import type { Redis } from "ioredis";
import pg from "pg";
import { databaseName, withDatabase } from "../services/shared/migrate.ts";

/** Every key matching `pattern`, scanned in pages (never KEYS, which blocks a shared server). */
export async function* scanKeys(redis: Redis, pattern: string): AsyncGenerator<string[]> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    if (keys.length > 0) yield keys;
    cursor = next;
  } while (cursor !== "0");
}

export async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  for await (const keys of scanKeys(redis, pattern)) await redis.unlink(...keys);
}

/** Drops the database `url` names, closing its sessions, through the server's `postgres` database. */
export async function dropDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  const client = new pg.Client({ connectionString: withDatabase(url) });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  await client.end();
}
