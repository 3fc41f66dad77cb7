// The CPU-bound part of each task type that has one: plain functions of plain data, run in a
// thread of their own (thread.ts) so they can never hold up the worker's event loop.
import { driftReport, type FeatureStats, featureStatistics, fit, type Row, summarise } from "../../shared/ml/index.ts";
import type { TrainPayload } from "../../shared/tasks/contract.ts";

export const computations = {
  /** Fits the model, with the statistics drift checks compare against and a summary of the data. */
  train({ algorithm, rows, label, options }: TrainPayload) {
    const { model, metrics } = fit(algorithm, rows, label, options);
    return {
      model,
      metrics,
      featureStats: featureStatistics(rows, model.features),
      dataSummary: summarise(rows, label, model.features, algorithm),
    };
  },
  /** PSI of recent inputs (a JSON array, parsed here rather than on the event loop) against training. */
  drift({ stats, inputs }: { stats: Record<string, FeatureStats>; inputs: string }) {
    return driftReport(stats, JSON.parse(inputs) as Row[]);
  },
};

export type Computation = keyof typeof computations;
export type ComputationInput<K extends Computation> = Parameters<(typeof computations)[K]>[0];
export type ComputationOutput<K extends Computation> = ReturnType<(typeof computations)[K]>;

/** What a thread is sent, and what it answers. */
export interface ComputeRequest<K extends Computation = Computation> {
  kind: K;
  input: ComputationInput<K>;
}
export type ComputeReply<K extends Computation = Computation> =
  | { ok: true; value: ComputationOutput<K> }
  | { ok: false; name: string; message: string };
