// `bun run migrate`: applies prisma/migrations to DATABASE_URL (the Kubernetes migrations Job runs this).
import { loadConfigOrExit } from "../services/shared/config.ts";
import { migrate } from "../services/shared/migrate.ts";

const { databaseUrl } = loadConfigOrExit();
const applied = await migrate(databaseUrl);
console.log(applied.length ? `applied ${applied.join(", ")}` : "database is up to date");
