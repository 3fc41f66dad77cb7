// Metric names are a contract: the SLO alerts, dashboards and KEDA triggers in infra/ read them.
import client from "prom-client";
import type { Queues } from "./queues.ts";

export const registry = client.register;

let collectingProcessMetrics = false;

/** Once per process: the API and the worker can share one (tests, `bun dev`), and prom-client throws on a second call. */
export function collectProcessMetrics(): void {
  if (collectingProcessMetrics) return;
  collectingProcessMetrics = true;
  client.collectDefaultMetrics({ register: registry });
}

export const httpRequests = new client.Counter({
  name: "http_requests_total",
  help: "HTTP requests by method, route template and status",
  labelNames: ["method", "route", "status"] as const,
});

export const httpDuration = new client.Histogram({
  name: "http_request_duration_seconds",
  help: "HTTP request duration in seconds by method, route template and status",
  labelNames: ["method", "route", "status"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5],
});

export const taskDuration = new client.Histogram({
  name: "task_duration_seconds",
  help: "Time a worker spent executing a task, by type",
  labelNames: ["type"] as const,
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
});

export const taskOutcomes = new client.Counter({
  name: "tasks_total",
  help: "Tasks that reached a final state, by type and outcome",
  labelNames: ["type", "outcome"] as const,
});

// No metric is labelled with a model's name: names are chosen by users, so their number (and
// every series per name) would have no bound.
export const inferenceTime = new client.Histogram({
  name: "model_inference_time_ms",
  help: "Time to score one input, in milliseconds, by task type",
  labelNames: ["type"] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 50, 100, 500, 1000, 5000],
});

const driftScore = new client.Gauge({
  name: "model_drift_score",
  help: "Latest drift score (max PSI over features) of the model versions this worker checked most recently, by version id",
  labelNames: ["model_id"] as const,
});

/** Series of model_drift_score a worker exports at most: the versions it checked most recently. */
export const MAX_DRIFT_SERIES = 200;
const driftSeries = new Set<string>();

/** Sets a version's drift score, dropping the series of the version checked longest ago past the bound. */
export function recordDriftScore(modelId: string, score: number): void {
  driftSeries.delete(modelId);
  driftSeries.add(modelId);
  if (driftSeries.size > MAX_DRIFT_SERIES) {
    const oldest = driftSeries.values().next().value!;
    driftSeries.delete(oldest);
    driftScore.remove({ model_id: oldest });
  }
  driftScore.set({ model_id: modelId }, score);
}

/**
 * Queue depth per state, read from Redis at scrape time. Exported by the API only (always running,
 * even when KEDA scales the worker to zero), so sums over pods do not double count.
 */
export function trackQueueDepth(queues: Queues): void {
  const all = [...Object.values(queues.families), queues.schedules];
  registry.removeSingleMetric("bullmq_queue_jobs"); // one per process, even when tests build several apps
  new client.Gauge({
    name: "bullmq_queue_jobs",
    help: "BullMQ jobs per queue and state",
    labelNames: ["queue", "state"] as const,
    registers: [registry],
    async collect() {
      const counts = await Promise.all(
        all.map((queue) => queue.getJobCounts("waiting", "prioritized", "active", "delayed", "completed", "failed")),
      ).catch(() => undefined); // Redis away: keep the last values; /health/ready reports the outage
      if (!counts) return;
      this.reset();
      counts.forEach((byState, i) => {
        for (const [state, count] of Object.entries(byState)) this.set({ queue: all[i]!.name, state }, count);
      });
    },
  });
}

/**
 * The PostgreSQL pool's use (one per process, DB_POOL_SIZE), read at scrape time: connections busy
 * and idle, and queries waiting for one. A pool that stays full with a queue is the first sign of
 * a slow database or too small a pool.
 */
export function trackDbPool(pool: { totalCount: number; idleCount: number; waitingCount: number }, size: number): void {
  for (const name of ["db_pool_connections", "db_pool_waiting_queries", "db_pool_max_connections"]) registry.removeSingleMetric(name);
  new client.Gauge({
    name: "db_pool_connections",
    help: "Open PostgreSQL connections of this process's pool, by state (active: running a query)",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      this.set({ state: "active" }, pool.totalCount - pool.idleCount);
      this.set({ state: "idle" }, pool.idleCount);
    },
  });
  new client.Gauge({
    name: "db_pool_waiting_queries",
    help: "Queries waiting for a free PostgreSQL connection",
    registers: [registry],
    collect() {
      this.set(pool.waitingCount);
    },
  });
  new client.Gauge({ name: "db_pool_max_connections", help: "The pool's size (DB_POOL_SIZE)", registers: [registry] }).set(size);
}
