// The worker process: config from the environment, run, and drain on SIGTERM/SIGINT (active jobs
// finish; anything cut short by a hard kill is recovered as a stalled job by another worker).
import { loadConfigOrExit } from "../shared/config.ts";
import { createLogger } from "../shared/logger.ts";
import { stopOnSignal } from "../shared/shutdown.ts";
import { startWorker } from "./worker.ts";

const config = loadConfigOrExit();
const logger = createLogger("worker", config.logLevel);
const worker = await startWorker(config, logger);
stopOnSignal(logger, worker.stop);
