// `bun run restore -- <file> --target <url>`: restores a backup made by `bun run backup` into a new
// database (the one the URL names, which must not exist), after checking the file against its
// manifest; a corrupted or truncated backup is refused and the target never created.
// docs/disaster-recovery.md.
import { parseArgs } from "node:util";
import { BackupError, restoreDatabase } from "../testing/db-backup.ts";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { target: { type: "string" } } });
const [file] = positionals;
if (!file || !values.target) {
  console.error("usage: bun run restore -- <file> --target postgresql://…/<new database>");
  process.exit(2);
}
try {
  const report = await restoreDatabase(file, values.target);
  console.log(`restored ${file} into ${report.database}: ${report.tables} tables, ${report.rows} rows in ${report.ms} ms`);
} catch (error) {
  console.error(`restore refused: ${error instanceof BackupError ? error.message : String(error)}`);
  process.exit(1);
}
