// The API's traffic: rate, errors and latency per route, and the process's own resources.
import { JOBS } from "../slo.ts";
import { dashboard, timeseries } from "./grafana.ts";

const api = `job="${JOBS.api}"`;
const quantile = (q: number) => ({
  legend: `p${q * 100} {{route}}`,
  expr: `histogram_quantile(${q}, sum by (le, route) (rate(http_request_duration_seconds_bucket{${api}}[5m])))`,
});

export const apiDashboard = dashboard("mlts-api", "ML Task Scheduler / API", [
  timeseries("Requests by route", "reqps", [{ legend: "{{method}} {{route}}", expr: `sum by (method, route) (rate(http_requests_total{${api}}[5m]))` }]),
  timeseries("Responses by status", "reqps", [{ legend: "{{status}}", expr: `sum by (status) (rate(http_requests_total{${api}}[5m]))` }]),
  timeseries("5xx ratio by route", "percentunit", [
    { legend: "{{route}}", expr: `sum by (route) (rate(http_requests_total{${api},status=~"5.."}[5m])) / sum by (route) (rate(http_requests_total{${api}}[5m]))` },
  ], { redAbove: 0.01 }),
  timeseries("Latency by route", "s", [quantile(0.5), quantile(0.95), quantile(0.99)], { redAbove: 0.2 }),
  timeseries("Resident memory per pod", "bytes", [{ legend: "{{pod}}", expr: `process_resident_memory_bytes{${api}}` }]),
  timeseries("CPU per pod", "short", [{ legend: "{{pod}}", expr: `rate(process_cpu_seconds_total{${api}}[5m])` }]),
]);
