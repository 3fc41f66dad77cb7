// The models: inference time per model, drift per model version, prediction volume and failures.
import { dashboard, timeseries } from "./grafana.ts";

const inference = (q: number) => ({
  legend: `p${q * 100} {{model}}`,
  expr: `histogram_quantile(${q}, sum by (le, model) (rate(model_inference_time_ms_bucket[5m])))`,
});

export const mlDashboard = dashboard("mlts-ml", "ML Task Scheduler / Models", [
  timeseries("Inference time", "ms", [inference(0.5), inference(0.95)]),
  timeseries("Drift score (PSI) by model version", "short", [{ legend: "{{model}} v{{version}}", expr: "max by (model, version) (model_drift_score)" }], { redAbove: 0.1 }),
  timeseries("Inferences per second by model", "ops", [{ legend: "{{model}}", expr: "sum by (model) (rate(model_inference_time_ms_count[5m]))" }]),
  timeseries("Prediction tasks by outcome", "ops", [
    { legend: "{{type}} {{outcome}}", expr: `sum by (type, outcome) (rate(tasks_total{type=~"predict|batch-predict"}[5m]))` },
  ]),
]);
