import { InputError } from "../../shared/errors.ts";
import { inferenceTime } from "../../shared/metrics.ts";
import { predict as score, type Row } from "../../shared/ml/index.ts";
import type { BatchPredictPayload, PredictPayload } from "../../shared/tasks/contract.ts";
import { fitted } from "../../shared/tasks/models.ts";
import { modelOf } from "./models.ts";
import type { Processor, ProcessorContext } from "./types.ts";

/** Scores every input, recording inference time, and keeps the inputs for drift checks. */
async function scoreAll(payload: PredictPayload | BatchPredictPayload, inputs: Row[], context: ProcessorContext) {
  const model = await modelOf(context, payload);
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
  // By task type, never by model: model names are the users' own, an unbounded label set.
  inferenceTime.observe({ type: context.task.type }, inferenceMs / inputs.length);
  const rows = inputs.map((input, i) => ({ input, score: predictions[i]!.score }));
  return { model, predictions, inferenceMs, kept: { modelId: model.id, rows } };
}

export const predict: Processor = async (payload, context) => {
  const request = payload as PredictPayload;
  const { model, predictions, inferenceMs, kept } = await scoreAll(request, [request.input], context);
  return { result: { ...predictions[0]!, model: request.model, version: model.version, inferenceMs }, predictions: kept };
};

export const batchPredict: Processor = async (payload, context) => {
  const request = payload as BatchPredictPayload;
  const { model, predictions, inferenceMs, kept } = await scoreAll(request, request.inputs, context);
  return { result: { model: request.model, version: model.version, predictions: predictions.map((p) => ({ ...p })), inferenceMs }, predictions: kept };
};
