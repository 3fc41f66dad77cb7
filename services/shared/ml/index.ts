export { featureNames, toMatrix, type Row } from "./dataset.ts";
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
export { driftReport, featureStatistics, populationStabilityIndex, type FeatureStats } from "./drift.ts";
