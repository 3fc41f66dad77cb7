// The Elysia app, built from its collaborators so tests can make one against their own database
// and key prefix. main.ts is the process around it.
import { type AnyElysia, Elysia } from "elysia";
import type { Config } from "../shared/config.ts";
import type { Db } from "../shared/db.ts";
import type { Logger } from "../shared/logger.ts";
import type { Queues } from "../shared/queues.ts";
import type { Redis } from "../shared/redis.ts";
import { ModelVersions } from "../shared/tasks/models.ts";
import { TaskStore } from "../shared/tasks/store.ts";
import { TaskSubmitter } from "../shared/tasks/submit.ts";
import { WorkspaceLimits } from "../shared/workspace-limits.ts";
import { WorkspaceAccess } from "../shared/workspaces.ts";
import { authentication, authRoutes } from "./modules/auth/index.ts";
import { TokenKeys } from "./modules/auth/keys.ts";
import { AuthService } from "./modules/auth/service.ts";
import { healthRoutes } from "./modules/health/index.ts";
import { modelRoutes } from "./modules/models/index.ts";
import { ModelService } from "./modules/models/service.ts";
import { scheduleRoutes } from "./modules/schedules/index.ts";
import { ScheduleService } from "./modules/schedules/service.ts";
import type { TaskEvents } from "./modules/tasks/events.ts";
import { taskRoutes } from "./modules/tasks/index.ts";
import { TaskService } from "./modules/tasks/service.ts";
import { workspaceRoutes } from "./modules/workspaces/index.ts";
import { WorkspaceService } from "./modules/workspaces/service.ts";
import { openApiDocument } from "./openapi.ts";
import { cors } from "./plugins/cors.ts";
import { docs } from "./plugins/docs.ts";
import { allowedMethodsOf, errors } from "./plugins/errors.ts";
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

/** What the OpenAPI document says besides the operations. */
const DOCUMENT = {
  info: {
    title: "ml-task-scheduler API",
    version: "1.0.0",
    description:
      "Submit ML tasks (train, predict, batch-predict, drift-check) in a workspace and read their results; manage " +
      "workspaces, the model registry's aliases, and schedules. Every error has the shape of the `Error` schema.",
    license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
  },
  // Relative: the origin the document was served from (localhost:3000 under `bun dev`, the stack's apiUrl when deployed).
  servers: [{ url: "/", description: "the origin serving this document" }],
  tags: [
    { name: "auth", description: "Accounts and bearer tokens" },
    { name: "workspaces", description: "Workspaces, members and roles" },
    { name: "tasks", description: "Submitting tasks and reading their state and results" },
    { name: "models", description: "The model registry: versions and their aliases" },
    { name: "schedules", description: "Recurring tasks" },
    { name: "operations", description: "Probes and metrics" },
  ],
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    parameters: {
      WorkspaceId: {
        name: "Workspace-Id",
        in: "header",
        required: false,
        description: "the workspace the request acts in (GET /workspaces lists them); the caller's personal workspace when left out",
        schema: { type: "string", format: "uuid" },
      },
    },
  },
};

export function createApp({ config, db, redis, queues, events, logger, limiter, traced }: ApiDeps) {
  const keys = new TokenKeys(config.jwtSecret, config.jwtPreviousSecret, config.jwtTtlSeconds);
  const access = new WorkspaceAccess(db, config.workspaceRoleCacheMs);
  const auth = authentication(keys, access);
  const limits = rateLimit(limiter, config.trustProxy);
  const store = new TaskStore(db);
  const versions = new ModelVersions(db);
  const submitter = new TaskSubmitter(store, queues, versions, new WorkspaceLimits(redis, config.queuePrefix, config.rateLimits));
  const quotas = { perWorkspace: config.schedulesPerWorkspace, minIntervalMs: config.scheduleMinIntervalMs };
  // Both known once every route is: the document, and which methods a path answers (a known path
  // asked with another method gets 405 rather than 404).
  let built: AnyElysia | undefined;
  let allowedMethods: (path: string) => string[] | undefined = () => undefined;
  // Handlers are all `async`: Elysia routes a rejected promise from a plain function past onError.
  // normalize: false — an undeclared field is a 422 naming it, not silently dropped (typos surface).
  // development: false — never Bun's HTML error page with a stack trace, whatever NODE_ENV says.
  const app = new Elysia({
    normalize: false,
    serve: { maxRequestBodySize: config.bodyLimitBytes, development: false },
  })
    .use(traced ?? new Elysia({ name: "untraced" }))
    .use(errors(logger, (path) => allowedMethods(path)))
    .use(jsonDepthLimit())
    .use(securityHeaders)
    .use(cors(config.corsOrigin))
    .use(httpMetrics)
    .use(docs(() => openApiDocument(built!, DOCUMENT)))
    .use(healthRoutes(db, redis))
    .use(limits)
    .use(authRoutes(new AuthService(db), keys, config.jwtTtlSeconds, limits))
    .use(workspaceRoutes(new WorkspaceService(db, access), access, auth))
    .use(taskRoutes(new TaskService(db, store, queues, events), submitter, auth))
    .use(modelRoutes(new ModelService(db, versions), auth))
    .use(scheduleRoutes(new ScheduleService(db, queues, quotas), auth));
  built = app;
  allowedMethods = allowedMethodsOf(app.routes);
  return app;
}

export type App = ReturnType<typeof createApp>;
