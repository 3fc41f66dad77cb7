// Builds the API's collaborators from config, serves the app, and takes it all down again.
import { once } from "node:events";
import { collectProcessMetrics, trackDbPool, trackQueueDepth } from "../shared/metrics.ts";
import type { Config } from "../shared/config.ts";
import { closeDb, createDb, sqlOf } from "../shared/db.ts";
import { createLogger, type Logger } from "../shared/logger.ts";
import { createQueues } from "../shared/queues.ts";
import { createFailFastRedis } from "../shared/redis.ts";
import { startTracing } from "../shared/tracing.ts";
import { within } from "../shared/within.ts";
import { createApp } from "./app.ts";
import { TaskEvents } from "./modules/tasks/events.ts";
import { RateLimiter } from "./plugins/rate-limit.ts";

export interface ApiServer {
  url: string;
  stop(): Promise<void>;
}

export async function startApi(config: Config, logger: Logger = createLogger("api", config.logLevel)): Promise<ApiServer> {
  const db = createDb({ url: config.databaseUrl, pool: config.dbPool, logger });
  const redis = createFailFastRedis(config.redisUrl);
  redis.on("error", (error) => logger.warn("redis connection error", { error: error.message }));
  // Serve once Redis is connected (or after 2 s: readiness then reports it down, and it reconnects).
  await within(once(redis, "ready"), 2_000, "connecting to Redis").catch(() => {});
  const tracing = await startTracing("mlts-api", config.otlpEndpoint);
  const queues = createQueues(redis, config.queuePrefix, tracing?.telemetry);
  const events = new TaskEvents(config.redisUrl, config.queuePrefix);
  const limiter = new RateLimiter(config.rateLimits);
  collectProcessMetrics();
  trackQueueDepth(queues);
  trackDbPool(sqlOf(db).pool, config.dbPool.size);

  // HTTP spans; the plugin joins the SDK startTracing registered rather than starting its own.
  const traced = tracing && (await import("@elysiajs/opentelemetry")).opentelemetry({ serviceName: "mlts-api" });
  const app = createApp({ config, db, redis, queues, events, logger, limiter, traced }).listen({ port: config.port, hostname: "0.0.0.0" });
  const url = `http://127.0.0.1:${app.server!.port}`;
  logger.info("api listening", { url });

  return {
    url,
    async stop() {
      await app.stop(); // stops accepting, lets in-flight requests finish
      limiter.close();
      // BullMQ's close waits for Redis to come back; a stopping process does not.
      await within(Promise.allSettled([events.close(), queues.close()]), 2_000, "closing queues").catch(() => {});
      redis.disconnect();
      await closeDb(db);
      await tracing?.shutdown(); // flushes the last spans
    },
  };
}
