// The baseline every HTTP figure is divided by: Bun.serve answering a constant, nothing else.
const server = Bun.serve({ port: Number(process.env.PORT), hostname: "127.0.0.1", fetch: () => new Response("ok") });
process.on("SIGTERM", () => {
  server.stop(true);
  process.exit(0);
});
