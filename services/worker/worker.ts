// The worker process's parts: one BullMQ Worker per queue, the reconciler on a timer, and a small
// HTTP server for Kubernetes probes and Prometheus. main.ts is the process around it.
import { Worker } from "bullmq";
import type { Config } from "../shared/config.ts";
import { closeDb, createDb, sqlOf } from "../shared/db.ts";
import { createLogger, errorMessage, type Logger } from "../shared/logger.ts";
import { collectProcessMetrics, registry, trackDbPool } from "../shared/metrics.ts";
import { createQueues, FAMILY_QUEUES, SCHEDULES_QUEUE } from "../shared/queues.ts";
import { createFailFastRedis, createWorkerRedis } from "../shared/redis.ts";
import { LoadedModels, ModelVersions } from "../shared/tasks/models.ts";
import { TaskStore } from "../shared/tasks/store.ts";
import { TaskSubmitter } from "../shared/tasks/submit.ts";
import { startTracing } from "../shared/tracing.ts";
import { WorkspaceLimits } from "../shared/workspace-limits.ts";
import { WorkspaceAccess } from "../shared/workspaces.ts";
import { isolatedCompute } from "./compute/index.ts";
import { taskRunner } from "./lifecycle.ts";
import { reconcile } from "./reconciler.ts";
import { scheduleFirer } from "./schedules.ts";

export interface WorkerProcess {
  url: string;
  /** Runs the reconciler now (it also runs on start and every RECONCILE_INTERVAL_MS). */
  reconcile(): Promise<{ tasks: number; schedules: number }>;
  /** Stops taking jobs, lets the active ones finish, then closes every connection. */
  stop(): Promise<void>;
}

export async function startWorker(config: Config, logger: Logger = createLogger("worker", config.logLevel)): Promise<WorkerProcess> {
  const db = createDb({ url: config.databaseUrl, pool: config.dbPool, logger });
  const redis = createFailFastRedis(config.redisUrl);
  redis.on("error", (error) => logger.warn("redis connection error", { error: error.message }));
  const tracing = await startTracing("mlts-worker", config.otlpEndpoint);
  const queues = createQueues(redis, config.queuePrefix, tracing?.telemetry);
  const connection = createWorkerRedis(config.redisUrl);
  connection.on("error", () => {}); // the workers' own error events report it
  const store = new TaskStore(db);
  collectProcessMetrics();
  trackDbPool(sqlOf(db).pool, config.dbPool.size);

  const options = {
    connection,
    prefix: config.queuePrefix,
    concurrency: config.workerConcurrency,
    maxStalledCount: 2,
    lockDuration: config.workerLockDurationMs,
    stalledInterval: config.workerStalledIntervalMs,
    telemetry: tracing?.telemetry,
  };
  const versions = new ModelVersions(db);
  const runTask = taskRunner({
    store, db, logger, versions,
    models: new LoadedModels(db),
    compute: isolatedCompute(config.workerJobTimeoutMs),
    driftMinWindow: config.driftMinWindow,
  });
  const submitter = new TaskSubmitter(store, queues, versions, new WorkspaceLimits(redis, config.queuePrefix, config.rateLimits));
  const access = new WorkspaceAccess(db, config.workspaceRoleCacheMs);
  const workers = [
    ...FAMILY_QUEUES.map((name) => new Worker(name, runTask, name === "predict" ? { ...options, concurrency: config.workerPredictConcurrency } : options)),
    new Worker(SCHEDULES_QUEUE, scheduleFirer(db, submitter, access, logger), { ...options, concurrency: 1 }),
  ];
  for (const worker of workers) {
    worker.on("error", (error) => logger.warn("worker error", { queue: worker.name, error: error.message }));
    worker.on("failed", (job, error) => {
      // BullMQ fails a job that stalled too often without calling the processor: record it.
      if (job && worker.name !== SCHEDULES_QUEUE && /stalled/i.test(error.message)) {
        store.fail(job.id!, "the task's worker stopped answering too many times (stalled); it was not finished").catch((e) => logger.warn("could not record failure", { error: errorMessage(e) }));
      }
    });
  }

  const runReconcile = async () => {
    const restored = await reconcile(db, store, redis, queues, config.queuePrefix, config.reconcileGraceMs);
    if (restored.tasks || restored.schedules) logger.info("reconciled", { ...restored });
    return restored;
  };
  const safeReconcile = () => runReconcile().catch((error) => logger.warn("reconcile failed", { error: errorMessage(error) }));
  void safeReconcile();
  const timer = setInterval(safeReconcile, config.reconcileIntervalMs);
  // After an outage Redis may have lost jobs: look again as soon as it is back.
  redis.on("ready", safeReconcile);

  let stopping = false;
  const server = Bun.serve({
    port: config.workerPort,
    hostname: "0.0.0.0",
    async fetch(request) {
      const { pathname } = new URL(request.url);
      if (pathname === "/health") {
        return Response.json({ status: stopping ? "stopping" : "ok" }, { status: stopping ? 503 : 200 });
      }
      if (pathname === "/metrics") {
        return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
      }
      return Response.json({ error: { code: "not_found", message: "no such route" } }, { status: 404 });
    },
  });
  logger.info("worker started", { queues: workers.map((w) => w.name), concurrency: config.workerConcurrency, predictConcurrency: config.workerPredictConcurrency, port: server.port });

  return {
    url: `http://127.0.0.1:${server.port}`,
    reconcile: runReconcile,
    async stop() {
      stopping = true;
      clearInterval(timer);
      await Promise.all(workers.map((worker) => worker.close()));
      await server.stop();
      await queues.close();
      redis.disconnect();
      connection.disconnect();
      await closeDb(db);
      await tracing?.shutdown(); // flushes the last spans
    },
  };
}
