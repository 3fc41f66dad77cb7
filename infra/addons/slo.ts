// The service level objectives (availability, API and prediction latency, backlog, error rate) and the
// PromQL that measures each. Alerts and the SLO dashboard read these, so a threshold or a query
// changes in one place only.

/** Prometheus job names: the ServiceMonitors and Probes in observability.ts set them. */
export const JOBS = { api: "api", worker: "worker", postgres: "postgres", redis: "redis" } as const;

/** Requests a user made: the probe and scrape endpoints would dilute the ratios. */
const USER_REQUESTS = `job="${JOBS.api}",route!~"/metrics|/health.*"`;

/** A share of events; no numerator series at all (no request ever failed) is a share of 0, not no answer. */
const ratio = (numerator: string, denominator: string, window: string) =>
  `(sum(rate(${numerator}[${window}])) or on() vector(0)) / sum(rate(${denominator}[${window}]))`;

const p95 = (histogram: string, selector: string, window: string) =>
  `histogram_quantile(0.95, sum by (le) (rate(${histogram}_bucket{${selector}}[${window}])))`;

/**
 * Jobs waiting for a worker. Every API pod exports the same queue gauges (they read one Redis), so
 * take one value per queue and state before summing, or the backlog grows with the API's replicas.
 * Prioritized jobs live outside BullMQ's wait list, hence both states.
 */
export const BACKLOG = `sum(max by (queue, state) (bullmq_queue_jobs{state=~"waiting|prioritized"}))`;

/** Narrows the API's request series, e.g. to a canary's pods (`pod_template_hash="…"`); "" for all. */
export type RequestScope = string;

const requests = (scope: RequestScope) => (scope ? `${USER_REQUESTS},${scope}` : USER_REQUESTS);

/**
 * The SLIs, over `window`, for the API's requests in `scope`: the alerts judge every pod over 5
 * minutes, a canary analysis its own pods over a shorter window, with the very same expressions.
 */
export function sli(scope: RequestScope = "", window = "5m") {
  const all = `http_requests_total{${requests(scope)}}`;
  const failed = `http_requests_total{${requests(scope)},status=~"5.."}`;
  return {
    availability: `1 - (${ratio(failed, all, window)})`,
    errorRate: ratio(failed, all, window),
    apiLatencyP95: p95("http_request_duration_seconds", requests(scope), window),
    backlog: BACKLOG,
    predictionLatencyP95: p95("task_duration_seconds", `type="predict"`, window),
    /** Requests served, for the analyses' minimum-traffic guard. */
    requestCount: `sum(increase(${all}[${window}]))`,
    /** Share of finished tasks that failed. */
    taskFailureRatio: ratio(`tasks_total{outcome="failed"}`, "tasks_total", window),
  } as const;
}

export const SLI = sli();

export interface Slo {
  /** The alert that fires when the objective is missed. */
  alert: string;
  sli: Exclude<keyof typeof SLI, "requestCount" | "taskFailureRatio">;
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
