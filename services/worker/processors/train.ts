import type { Json } from "../../shared/db.ts";
import type { TrainPayload } from "../../shared/tasks/contract.ts";
import { lockModel } from "../../shared/tasks/models.ts";
import type { Processor } from "./types.ts";

/**
 * Fits the model (in a thread of its own), then stores it as the next version of its name in the
 * task's workspace, in the task's own transaction. No alias moves: what `production` predicts
 * with changes only when an admin moves it.
 */
export const train: Processor = async (payload, { task, compute, versions }) => {
  const { model: name, algorithm, label, rows, options } = payload as TrainPayload;
  const { model, metrics, featureStats, dataSummary } = await compute("train", { model: name, algorithm, label, rows, options });
  return {
    result: { model: name, algorithm, metrics: { ...metrics } },
    async save(tx) {
      // Concurrent trainings of one model number their versions 1, 2, 3… without gaps.
      await lockModel(tx, task.workspaceId, name);
      const latest = await tx.model.aggregate({ where: { workspaceId: task.workspaceId, name }, _max: { version: true } });
      const version = (latest._max.version ?? 0) + 1;
      await tx.model.create({
        data: {
          id: Bun.randomUUIDv7(), workspaceId: task.workspaceId, name, version, algorithm, label, features: model.features,
          parameters: model as unknown as Json, metrics: { ...metrics }, featureStats: featureStats as unknown as Json,
          dataSummary: dataSummary as unknown as Json, trainingTaskId: task.id, trainedById: task.ownerId,
        },
      });
      return { version };
    },
    committed: () => versions.forget(task.workspaceId, name),
  };
};
