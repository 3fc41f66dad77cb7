// BullMQ queues and the worker: depth per state, throughput, outcomes, duration and replicas.
import { BACKLOG, JOBS } from "../slo.ts";
import { dashboard, stat, timeseries } from "./grafana.ts";

const worker = `job="${JOBS.worker}"`;

export const queueDashboard = dashboard("mlts-queues", "ML Task Scheduler / Queues and worker", [
  stat("Backlog (waiting + prioritized)", "short", { legend: "backlog", expr: BACKLOG }, { redAbove: 100 }),
  stat("Worker pods up", "short", { legend: "workers", expr: `count(up{${worker}} == 1) or vector(0)` }),
  stat("Active jobs", "short", { legend: "active", expr: `sum(max by (queue) (bullmq_queue_jobs{state="active"}))` }),
  stat("Failed jobs kept", "short", { legend: "failed", expr: `sum(max by (queue) (bullmq_queue_jobs{state="failed"}))` }),
  // The API pods all report the same Redis: one value per queue and state.
  timeseries("Jobs by queue and state", "short", [{ legend: "{{queue}} {{state}}", expr: "max by (queue, state) (bullmq_queue_jobs)" }]),
  timeseries("Task outcomes", "ops", [{ legend: "{{type}} {{outcome}}", expr: "sum by (type, outcome) (rate(tasks_total[5m]))" }]),
  timeseries("Task duration p95 by type", "s", [
    { legend: "{{type}}", expr: "histogram_quantile(0.95, sum by (le, type) (rate(task_duration_seconds_bucket[5m])))" },
  ]),
  timeseries("Tasks executed per second by type", "ops", [{ legend: "{{type}}", expr: "sum by (type) (rate(task_duration_seconds_count[5m]))" }]),
]);
