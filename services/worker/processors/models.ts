// Loading a model version for scoring. Versions are immutable, so a parsed one is cached by id;
// only "which version is latest" is asked of PostgreSQL each time.
import type { Db, Model } from "../../shared/db.ts";
import type { FittedModel } from "../../shared/ml/index.ts";
import { TaskInputError } from "../errors.ts";

const cache = new Map<string, Model>();

export async function loadModel(db: Db, name: string, version?: number): Promise<Model> {
  const found = await db.model.findFirst({
    where: { name, ...(version !== undefined && { version }) },
    orderBy: { version: "desc" },
    select: { id: true },
  });
  if (!found) throw new TaskInputError(version === undefined ? `model "${name}" does not exist` : `model "${name}" has no version ${version}`);
  const cached = cache.get(found.id);
  if (cached) return cached;
  const model = await db.model.findUniqueOrThrow({ where: { id: found.id } });
  cache.set(model.id, model);
  return model;
}

export const fitted = (model: Model) => model.parameters as unknown as FittedModel;
