import type { Json } from "../../shared/db.ts";
import { featureNames, featureStatistics, fit } from "../../shared/ml/index.ts";
import type { TrainPayload } from "../../shared/tasks/contract.ts";
import { forgetModel } from "./models.ts";
import type { Processor } from "./types.ts";

/** Fits the model, then stores it as the next version of its name in the task's own transaction. */
export const train: Processor = async (payload, { taskId }) => {
  const { model: name, algorithm, label, rows, options } = payload as TrainPayload;
  const { model, metrics } = fit(algorithm, rows, label, options);
  const features = featureNames(rows, label);
  const featureStats = featureStatistics(rows, features);
  return {
    result: { model: name, algorithm, metrics: { ...metrics } },
    async save(tx) {
      // Serialises concurrent trainings of one model name so versions are 1, 2, 3… without gaps.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${name}))`;
      const latest = await tx.model.aggregate({ where: { name }, _max: { version: true } });
      const version = (latest._max.version ?? 0) + 1;
      await tx.model.create({
        data: {
          id: Bun.randomUUIDv7(), name, version, algorithm, label, features,
          parameters: model as unknown as Json, metrics: { ...metrics }, featureStats: featureStats as unknown as Json,
          trainingTaskId: taskId,
        },
      });
      return { version };
    },
    committed: () => forgetModel(name),
  };
};
