import { recordDriftScore } from "../../shared/metrics.ts";
import { driftVerdict, type FeatureStats } from "../../shared/ml/index.ts";
import type { DriftCheckPayload } from "../../shared/tasks/contract.ts";
import { modelOf } from "./models.ts";
import type { Processor } from "./types.ts";

/**
 * PSI of the model version's most recent scored inputs against its training statistics. Every
 * scored input of a version comes from its own workspace (a version belongs to one). Below the
 * minimum window PSI is mostly sampling noise (a few inputs read as "major drift" on unchanged
 * data), so the check reports not enough data instead of a number.
 */
export const driftCheck: Processor = async (payload, context) => {
  const request = payload as DriftCheckPayload;
  const model = await modelOf(context, request);
  const window = request.window ?? 1_000;
  // One JSON text for the whole window, parsed in the computation's thread, not on the event loop.
  const [recent] = await context.db.$queryRaw<{ compared: number; inputs: string }[]>`
    SELECT count(*)::int AS compared, COALESCE(json_agg(input), '[]')::text AS inputs
    FROM (SELECT input FROM "Prediction" WHERE "modelId" = ${model.id}::uuid ORDER BY id DESC LIMIT ${window}) AS recent`;
  const { compared, inputs } = recent!;
  const minimum = context.driftMinWindow;
  const described = { model: request.model, version: model.version, compared, minimum };
  if (compared < minimum) return { result: { ...described, verdict: "not_enough_data", driftScore: null, psi: null } };
  const report = await context.compute("drift", { stats: model.featureStats as unknown as Record<string, FeatureStats>, inputs });
  return {
    result: { ...described, verdict: driftVerdict(report.score), driftScore: report.score, psi: report.psi },
    async save(tx) {
      await tx.model.update({ where: { id: model.id }, data: { driftScore: report.score, driftCheckedAt: new Date() } });
    },
    committed: () => recordDriftScore(model.id, report.score),
  };
};
