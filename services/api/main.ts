// The API process: config from the environment, serve, and drain on SIGTERM/SIGINT.
import { loadConfigOrExit } from "../shared/config.ts";
import { createLogger } from "../shared/logger.ts";
import { stopOnSignal } from "../shared/shutdown.ts";
import { startApi } from "./server.ts";

const config = loadConfigOrExit();
const logger = createLogger("api", config.logLevel);
const server = await startApi(config, logger);
stopOnSignal(logger, server.stop);
