// The worker process: config from the environment, run, and drain on SIGTERM/SIGINT (active jobs
// finish; anything cut short by a hard kill is recovered as a stalled job by another worker).
import { loadConfigOrExit } from "../shared/config.ts";
import { createLogger } from "../shared/logger.ts";
import { startWorker } from "./worker.ts";

const config = loadConfigOrExit();
const logger = createLogger("worker", config.logLevel);
const worker = await startWorker(config, logger);

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, async () => {
    logger.info("draining", { signal });
    await worker.stop();
    logger.info("stopped");
    process.exit(0);
  });
}
