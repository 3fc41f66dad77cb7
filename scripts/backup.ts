// `bun run backup -- <file> [--database-url <url>]`: a consistent backup of the application database
// (DATABASE_URL unless given) in pg_dump's custom format, with its manifest beside it
// (<file>.manifest.json). Restore it with `bun run restore`. docs/disaster-recovery.md.
import { parseArgs } from "node:util";
import { BackupError, backupDatabase, manifestPath } from "../testing/db-backup.ts";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { "database-url": { type: "string" } } });
const url = values["database-url"] ?? process.env.DATABASE_URL;
const [file] = positionals;
if (!file || !url) {
  console.error("usage: bun run backup -- <file> [--database-url postgresql://…] (or DATABASE_URL)");
  process.exit(2);
}
try {
  const manifest = await backupDatabase(url, file);
  const rows = Object.values(manifest.tables).reduce((sum, n) => sum + n, 0);
  console.log(`backed up ${manifest.database}: ${Object.keys(manifest.tables).length} tables, ${rows} rows, ${manifest.bytes} bytes → ${file} (${manifestPath(file)})`);
} catch (error) {
  console.error(`backup failed: ${error instanceof BackupError ? error.message : String(error)}`);
  process.exit(1);
}
