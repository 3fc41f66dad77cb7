import { inferenceTime } from "../../shared/metrics.ts";
import { InputError } from "../../shared/errors.ts";
import { predict as score, type Row } from "../../shared/ml/index.ts";
import type { BatchPredictPayload, PredictPayload } from "../../shared/tasks/contract.ts";
import { fitted, loadModel } from "./models.ts";
import type { Processor, ProcessorContext } from "./types.ts";

/** Scores every input, recording inference time, and keeps the inputs for drift checks. */
async function scoreAll(name: string, version: number | undefined, inputs: Row[], { db }: ProcessorContext) {
  const model = await loadModel(db, name, version);
  const parameters = fitted(model);
  const started = performance.now();
  const predictions = inputs.map((input, i) => {
    try {
      return score(parameters, input);
    } catch (error) {
      if (error instanceof InputError && inputs.length > 1) throw new InputError(`inputs[${i}]: ${error.message}`);
      throw error;
    }
  });
  const inferenceMs = performance.now() - started;
  inferenceTime.observe({ model: name }, inferenceMs / inputs.length);
  const rows = inputs.map((input, i) => ({ input, score: predictions[i]!.score }));
  return { model, predictions, inferenceMs, kept: { modelId: model.id, rows } };
}

export const predict: Processor = async (payload, context) => {
  const { model: name, version, input } = payload as PredictPayload;
  const { model, predictions, inferenceMs, kept } = await scoreAll(name, version, [input], context);
  return { result: { ...predictions[0]!, model: name, version: model.version, inferenceMs }, predictions: kept };
};

export const batchPredict: Processor = async (payload, context) => {
  const { model: name, version, inputs } = payload as BatchPredictPayload;
  const { model, predictions, inferenceMs, kept } = await scoreAll(name, version, inputs, context);
  return { result: { model: name, version: model.version, predictions: predictions.map((p) => ({ ...p })), inferenceMs }, predictions: kept };
};
