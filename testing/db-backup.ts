// Logical backups of the application database and their restore, shared by `bun run backup`, `bun run
// restore` and the restore drill (test/reliability/restore-drill.test.ts). A backup is pg_dump's
// custom format (what pg_restore reads) plus a manifest written last: its checksum and size, and
// the row count of every table as of the backup's snapshot. A restore checks the file against the
// manifest, restores into a new database under a temporary name in one transaction, checks the row
// counts, and only then gives it the target's name: a bad backup leaves no database behind.
import { createHash } from "node:crypto";
import { rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import { databaseName, withDatabase } from "../services/shared/migrate.ts";
import { postgresBin } from "./instances.ts";
import { runToEnd } from "./processes.ts";

export interface Manifest {
  format: "pg_dump custom";
  database: string;
  createdAt: string;
  serverVersion: string;
  pgDumpVersion: string;
  /** The last migration applied (prisma/migrations): the code that reads this data. */
  migration: string | null;
  bytes: number;
  sha256: string;
  /** Rows per table (`schema.table`), counted in the snapshot pg_dump saved. */
  tables: Record<string, number>;
}

export interface RestoreReport {
  database: string;
  tables: number;
  rows: number;
  ms: number;
}

/** Why a backup or a restore did not happen; nothing was written to the target. */
export class BackupError extends Error {
  override name = "BackupError";
}

export const manifestPath = (file: string) => `${file}.manifest.json`;

/** A PostgreSQL client tool (pg_dump, pg_restore): PG_BIN's, else the newest installed. */
async function run(tool: string, args: string[]): Promise<string> {
  const { stdout, stderr, exitCode: code } = await runToEnd([join(postgresBin(), tool), ...args]);
  if (code !== 0) throw new BackupError(`${tool} failed (exit ${code}): ${stderr.trim() || stdout.trim()}`);
  return stdout;
}

async function sha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of Bun.file(file).stream()) hash.update(chunk);
  return hash.digest("hex");
}

/** Every table's row count, as the connection's transaction sees them. */
async function countRows(client: pg.Client): Promise<Record<string, number>> {
  const { rows } = await client.query<{ schemaname: string; tablename: string }>(
    "SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2",
  );
  const counts: Record<string, number> = {};
  for (const { schemaname, tablename } of rows) {
    const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${pg.escapeIdentifier(schemaname)}.${pg.escapeIdentifier(tablename)}`);
    counts[`${schemaname}.${tablename}`] = Number(result.rows[0]!.n);
  }
  return counts;
}

/**
 * Backs up the database `url` names into `file` (and its manifest beside it). Consistent: pg_dump
 * saves the snapshot of a transaction that stays open while it runs, the one the rows are counted
 * in. Written under temporary names and renamed at the end, so a failed backup leaves no file that
 * looks like one.
 */
export async function backupDatabase(url: string, file: string): Promise<Manifest> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const partial = `${file}.partial`;
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const snapshot = (await client.query<{ id: string }>("SELECT pg_export_snapshot() AS id")).rows[0]!.id;
    const tables = await countRows(client);
    const migration = tables["public._prisma_migrations"]
      ? (await client.query<{ name: string }>(`SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name DESC LIMIT 1`)).rows[0]?.name ?? null
      : null;
    await run("pg_dump", ["--format=custom", `--snapshot=${snapshot}`, `--file=${partial}`, `--dbname=${url}`]);
    await client.query("COMMIT");
    const manifest: Manifest = {
      format: "pg_dump custom",
      database: databaseName(url),
      createdAt: new Date().toISOString(),
      serverVersion: (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v,
      pgDumpVersion: (await run("pg_dump", ["--version"])).trim(),
      migration,
      bytes: (await stat(partial)).size,
      sha256: await sha256(partial),
      tables,
    };
    await rename(partial, file);
    await Bun.write(manifestPath(file), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  } finally {
    await client.end();
  }
}

/** The manifest of `file`, once the file is shown to be the one the manifest describes. */
export async function verifyBackup(file: string): Promise<Manifest> {
  const manifestFile = Bun.file(manifestPath(file));
  if (!(await manifestFile.exists())) throw new BackupError(`${file} has no manifest (${manifestPath(file)}): not a backup made by \`bun run backup\`, or one that did not finish.`);
  const manifest = (await manifestFile.json()) as Manifest;
  const found = await stat(file).then((s) => s.size, () => -1);
  if (found < 0) throw new BackupError(`${file} does not exist.`);
  if (found !== manifest.bytes) {
    throw new BackupError(`${file} is truncated or corrupted: ${found} bytes, the manifest says ${manifest.bytes}.`);
  }
  const sum = await sha256(file);
  if (sum !== manifest.sha256) throw new BackupError(`${file} is corrupted: its sha256 is ${sum}, the manifest says ${manifest.sha256}.`);
  await run("pg_restore", ["--list", file]); // a file pg_restore cannot even index
  return manifest;
}

/**
 * Restores `file` into the new database `targetUrl` names, which must not exist yet: the restore
 * runs into a temporary database in one transaction, its row counts are compared with the
 * manifest, and it is renamed to the target only when everything matched. On any failure the
 * temporary database is dropped and the target never appears.
 */
export async function restoreDatabase(file: string, targetUrl: string): Promise<RestoreReport> {
  const target = databaseName(targetUrl);
  try {
    return await restoreInto(file, targetUrl, target);
  } catch (error) {
    if (error instanceof BackupError) throw new BackupError(`${error.message} Nothing was restored: database ${target} was not touched.`);
    throw error;
  }
}

async function restoreInto(file: string, targetUrl: string, target: string): Promise<RestoreReport> {
  const started = performance.now();
  const manifest = await verifyBackup(file);
  const staging = `${target.slice(0, 40)}_restoring_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: withDatabase(targetUrl) });
  await admin.connect();
  try {
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [target]);
    if (exists.rowCount) throw new BackupError(`database ${target} exists: a restore goes into a new database (drop it first, or name another).`);
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(staging)}`);
    try {
      const stagingUrl = withDatabase(targetUrl, staging);
      // Owners and grants are the source server's; the restoring user owns everything here.
      await run("pg_restore", ["--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges", `--dbname=${stagingUrl}`, file]);
      const client = new pg.Client({ connectionString: stagingUrl });
      await client.connect();
      const restored = await countRows(client).finally(() => client.end());
      const differing = Object.keys({ ...manifest.tables, ...restored }).filter((table) => restored[table] !== manifest.tables[table]);
      if (differing.length > 0) {
        throw new BackupError(`the restored rows differ from the manifest's: ${differing.map((t) => `${t} ${restored[t] ?? "missing"} (expected ${manifest.tables[t] ?? "none"})`).join(", ")}.`);
      }
      await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(staging)} RENAME TO ${pg.escapeIdentifier(target)}`);
    } catch (error) {
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(staging)} WITH (FORCE)`);
      throw error;
    }
  } finally {
    await admin.end();
  }
  const rows = Object.values(manifest.tables).reduce((sum, n) => sum + n, 0);
  return { database: target, tables: Object.keys(manifest.tables).length, rows, ms: Math.round(performance.now() - started) };
}
