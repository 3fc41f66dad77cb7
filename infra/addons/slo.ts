// The service level objectives (availability, API and prediction latency, backlog, error rate) and the
// PromQL that measures each. Alerts and the SLO dashboard read these, so a threshold or a query
// changes in one place only.

/** Prometheus job names: the ServiceMonitors and Probes in observability.ts set them. */
export const JOBS = { api: "api", worker: "worker", postgres: "postgres", redis: "redis" } as const;

/** Requests a user made: the probe and scrape endpoints would dilute the ratios. */
const USER_REQUESTS = `job="${JOBS.api}",route!~"/metrics|/health.*"`;

const ratio = (numerator: string, denominator: string) =>
  `sum(rate(${numerator}[5m])) / sum(rate(${denominator}[5m]))`;

const p95 = (histogram: string, selector: string) =>
  `histogram_quantile(0.95, sum by (le) (rate(${histogram}_bucket{${selector}}[5m])))`;

/**
 * Jobs waiting for a worker. Every API pod exports the same queue gauges (they read one Redis), so
 * take one value per queue and state before summing, or the backlog grows with the API's replicas.
 * Prioritized jobs live outside BullMQ's wait list, hence both states.
 */
export const BACKLOG = `sum(max by (queue, state) (bullmq_queue_jobs{state=~"waiting|prioritized"}))`;

export const SLI = {
  availability: `1 - (${ratio(`http_requests_total{${USER_REQUESTS},status=~"5.."}`, `http_requests_total{${USER_REQUESTS}}`)})`,
  errorRate: ratio(`http_requests_total{${USER_REQUESTS},status=~"5.."}`, `http_requests_total{${USER_REQUESTS}}`),
  apiLatencyP95: p95("http_request_duration_seconds", USER_REQUESTS),
  backlog: BACKLOG,
  predictionLatencyP95: p95("task_duration_seconds", `type="predict"`),
} as const;

export interface Slo {
  /** The alert that fires when the objective is missed. */
  alert: string;
  sli: keyof typeof SLI;
  title: string;
  /** Breached when the SLI is on this side of the objective. */
  breachedWhen: "<" | ">";
  objective: number;
  unit: "percentunit" | "s" | "short";
  /** How long a breach lasts before it pages. */
  for: string;
}

export const SLOS: readonly Slo[] = [
  { alert: "ApiAvailabilityBelowSlo", sli: "availability", title: "API availability", breachedWhen: "<", objective: 0.999, unit: "percentunit", for: "5m" },
  { alert: "ApiHighLatency", sli: "apiLatencyP95", title: "API p95 latency", breachedWhen: ">", objective: 0.2, unit: "s", for: "5m" },
  { alert: "QueueBacklogHigh", sli: "backlog", title: "Queue backlog", breachedWhen: ">", objective: 100, unit: "short", for: "10m" },
  { alert: "ApiHighErrorRate", sli: "errorRate", title: "API error rate", breachedWhen: ">", objective: 0.01, unit: "percentunit", for: "5m" },
  { alert: "PredictionLatencyHigh", sli: "predictionLatencyP95", title: "Prediction p95 time", breachedWhen: ">", objective: 5, unit: "s", for: "10m" },
];
