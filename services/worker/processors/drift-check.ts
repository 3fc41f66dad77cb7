import { driftScore } from "../../shared/metrics.ts";
import { driftReport, type FeatureStats, type Row } from "../../shared/ml/index.ts";
import type { DriftCheckPayload } from "../../shared/tasks/contract.ts";
import { InputError } from "../../shared/errors.ts";
import { loadModel } from "./models.ts";
import type { Processor } from "./types.ts";

/** PSI of the model's most recent scored inputs against its training statistics. */
export const driftCheck: Processor = async (payload, { db }) => {
  const { model: name, version, window = 1_000 } = payload as DriftCheckPayload;
  const model = await loadModel(db, name, version);
  const recent = await db.prediction.findMany({
    where: { modelId: model.id },
    orderBy: { id: "desc" },
    take: window,
    select: { input: true },
  });
  if (recent.length === 0) throw new InputError(`model "${name}" version ${model.version} has no predictions to compare yet`);
  const report = driftReport(model.featureStats as unknown as Record<string, FeatureStats>, recent.map((p) => p.input as Row));
  return {
    result: { model: name, version: model.version, compared: recent.length, psi: report.psi, driftScore: report.score },
    async save(tx) {
      await tx.model.update({ where: { id: model.id }, data: { driftScore: report.score, driftCheckedAt: new Date() } });
      driftScore.set({ model: name, version: String(model.version) }, report.score);
    },
  };
};
