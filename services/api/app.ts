// The Elysia app, built from its collaborators so tests can make one against their own database
// and key prefix. main.ts is the process around it.
import { type AnyElysia, Elysia } from "elysia";
import type { Config } from "../shared/config.ts";
import type { Db } from "../shared/db.ts";
import type { Logger } from "../shared/logger.ts";
import type { Queues } from "../shared/queues.ts";
import type { Redis } from "../shared/redis.ts";
import { TaskStore } from "../shared/tasks/store.ts";
import { TaskSubmitter } from "../shared/tasks/submit.ts";
import { authRoutes, authenticated } from "./modules/auth/index.ts";
import { AuthService } from "./modules/auth/service.ts";
import { healthRoutes } from "./modules/health/index.ts";
import { modelRoutes } from "./modules/models/index.ts";
import { ModelService } from "./modules/models/service.ts";
import { scheduleRoutes } from "./modules/schedules/index.ts";
import { ScheduleService } from "./modules/schedules/service.ts";
import type { TaskEvents } from "./modules/tasks/events.ts";
import { taskRoutes } from "./modules/tasks/index.ts";
import { TaskService } from "./modules/tasks/service.ts";
import { cors } from "./plugins/cors.ts";
import { docs } from "./plugins/docs.ts";
import { errors } from "./plugins/errors.ts";
import { httpMetrics } from "./plugins/http-metrics.ts";
import { jsonDepthLimit } from "./plugins/json-depth.ts";
import { RateLimiter, rateLimit } from "./plugins/rate-limit.ts";
import { securityHeaders } from "./plugins/security-headers.ts";

export interface ApiDeps {
  config: Config;
  db: Db;
  redis: Redis;
  queues: Queues;
  events: TaskEvents;
  logger: Logger;
  limiter: RateLimiter;
  /** The OpenTelemetry plugin when tracing is on (services/shared/tracing.ts). */
  traced?: AnyElysia;
}

export function createApp({ config, db, redis, queues, events, logger, limiter, traced }: ApiDeps) {
  const auth = authenticated({ secret: config.jwtSecret, ttlSeconds: config.jwtTtlSeconds });
  const limits = rateLimit(limiter, config.trustProxy);
  const store = new TaskStore(db);
  // Handlers are all `async`: Elysia routes a rejected promise from a plain function past onError.
  // normalize: false — an undeclared field is a 422 naming it, not silently dropped (typos surface).
  // development: false — never Bun's HTML error page with a stack trace, whatever NODE_ENV says.
  return new Elysia({
    normalize: false,
    serve: { maxRequestBodySize: config.bodyLimitBytes, development: false },
  })
    .use(traced ?? new Elysia({ name: "untraced" }))
    .use(errors(logger))
    .use(jsonDepthLimit())
    .use(securityHeaders)
    .use(cors(config.corsOrigin))
    .use(httpMetrics)
    .use(docs())
    .use(healthRoutes(db, redis))
    .use(limits)
    .use(authRoutes(new AuthService(db), { secret: config.jwtSecret, ttlSeconds: config.jwtTtlSeconds }, limits))
    .use(taskRoutes(new TaskService(db, store, queues, events), new TaskSubmitter(store, queues), auth, limits))
    .use(modelRoutes(new ModelService(db), auth))
    .use(scheduleRoutes(new ScheduleService(db, queues), auth));
}

export type App = ReturnType<typeof createApp>;
