// The models: inference time per task type, drift per model version (by id: the services never
// label a metric with a user-chosen model name), prediction volume and failures.
import { dashboard, timeseries } from "./grafana.ts";

const inference = (q: number) => ({
  legend: `p${q * 100} {{type}}`,
  expr: `histogram_quantile(${q}, sum by (le, type) (rate(model_inference_time_ms_bucket[5m])))`,
});

export const mlDashboard = dashboard("mlts-ml", "ML Task Scheduler / Models", [
  timeseries("Inference time", "ms", [inference(0.5), inference(0.95)]),
  timeseries("Drift score (PSI) by model version id", "short", [{ legend: "{{model_id}}", expr: "max by (model_id) (model_drift_score)" }], { redAbove: 0.1 }),
  timeseries("Inferences per second by task type", "ops", [{ legend: "{{type}}", expr: "sum by (type) (rate(model_inference_time_ms_count[5m]))" }]),
  timeseries("Prediction tasks by outcome", "ops", [
    { legend: "{{type}} {{outcome}}", expr: `sum by (type, outcome) (rate(tasks_total{type=~"predict|batch-predict"}[5m]))` },
  ]),
]);
