// `prisma generate` is pure WebAssembly, but the CLI still checks that a schema-engine binary exists
// and would download one. Point it at any executable (Bun itself) so generation works offline.
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  CHECKPOINT_DISABLE: "1",
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
};
const child = Bun.spawnSync(["bun", "x", "prisma", "generate"], { env, stdout: "inherit", stderr: "inherit" });
process.exit(child.exitCode ?? 1);
