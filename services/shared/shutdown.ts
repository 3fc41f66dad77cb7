import type { Logger } from "./logger.ts";

/** Runs `stop` once on the first SIGTERM or SIGINT (a second signal, e.g. from a process group, is ignored). */
export function stopOnSignal(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    try {
      await stop();
      logger.info("stopped");
      process.exit(0);
    } catch (error) {
      logger.error("unclean shutdown", { error: String(error) });
      process.exit(1);
    }
  };
  process.on("SIGTERM", handler);
  process.on("SIGINT", handler);
}
