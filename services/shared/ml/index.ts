export { featureNames, summarise, toMatrix, type DataSummary, type Row } from "./dataset.ts";
export {
  fit,
  predict,
  type Algorithm,
  type FitOptions,
  type FittedModel,
  type LinearMetrics,
  type LogisticMetrics,
  type MetricsFor,
  type Prediction,
  type TrainingMetrics,
} from "./regression.ts";
export { driftReport, driftVerdict, featureStatistics, populationStabilityIndex, type DriftVerdict, type FeatureStats } from "./drift.ts";
