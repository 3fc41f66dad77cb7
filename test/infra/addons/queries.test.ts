// Alerts and dashboards query only series that exist: the services' registry or Prometheus itself.
import { describe, expect, test } from "bun:test";
import { Histogram } from "prom-client";
import { DASHBOARDS } from "../../../infra/addons/dashboards/index.ts";
import { metricNames } from "../../../infra/testing/promql.ts";
import { queriedMetricNames } from "../../../infra/testing/queries.ts";
import { collectProcessMetrics, registry, trackQueueDepth } from "../../../services/shared/metrics.ts";
import type { Queues } from "../../../services/shared/queues.ts";

/** Series Prometheus makes itself: target health and blackbox probe results. */
const PLATFORM_SERIES = ["up", "probe_success"];

/** Every series name the services can put on /metrics, read from their own prom-client registry. */
function exportedSeries(): Set<string> {
  collectProcessMetrics();
  trackQueueDepth({ families: {}, schedules: { name: "schedules" } } as unknown as Queues); // registered, never collected
  return new Set(
    registry
      .getMetricsAsArray()
      .flatMap((m) => (m instanceof Histogram ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name])),
  );
}

describe("metricNames", () => {
  test("finds selectors, not functions, labels, keywords or strings", () => {
    const expr = `histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket{job="api",route!~"/metrics|x_y"}[5m]))) > on() group_left bool max(up) or vector(0)`;
    expect(metricNames(expr)).toEqual(["http_request_duration_seconds_bucket", "up"]);
  });
});

describe("queried metrics", () => {
  test("every series an alert or dashboard reads is exported by the services or made by Prometheus", () => {
    const known = exportedSeries();
    const unknown = queriedMetricNames().filter((name) => !known.has(name) && !PLATFORM_SERIES.includes(name));
    expect(unknown).toEqual([]);
  });

  test("the queries cover the service metrics the SLOs and dashboards promise", () => {
    expect(queriedMetricNames()).toEqual(
      expect.arrayContaining([
        "http_requests_total", "http_request_duration_seconds_bucket", "bullmq_queue_jobs", "task_duration_seconds_bucket",
        "tasks_total", "model_inference_time_ms_bucket", "model_drift_score", "process_resident_memory_bytes", "up", "probe_success",
      ]),
    );
  });
});

describe("Grafana dashboards", () => {
  test("SLO, API, queue and ML dashboards exist with unique uids", () => {
    expect(DASHBOARDS.map((d) => d.uid)).toEqual(["mlts-slo", "mlts-api", "mlts-queues", "mlts-ml"]);
  });

  test.each(DASHBOARDS.map((d) => [d.uid, d] as const))("%s is valid dashboard JSON", (_, d) => {
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
    expect(new Set(d.panels.map((p) => p.id)).size).toBe(d.panels.length);
    for (const panel of d.panels) {
      expect(panel.targets.length).toBeGreaterThan(0);
      expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
    }
  });
});
