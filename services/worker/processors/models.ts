// Loading a model version for scoring. Versions are immutable, so a parsed one is cached by id;
// "which version is latest" is asked of PostgreSQL at most once a second per name.
import type { Db, Model } from "../../shared/db.ts";
import type { FittedModel } from "../../shared/ml/index.ts";
import { InputError } from "../../shared/errors.ts";

const cache = new Map<string, Model>();

/**
 * Which id a name (and optional version) resolves to, kept for RESOLVED_TTL_MS: a predict task paid
 * a PostgreSQL round trip for this lookup alone. A version trained by this process is visible at
 * once (forgetModel after its commit); one trained or deleted elsewhere within the TTL (≤ 1 s).
 */
const RESOLVED_TTL_MS = 1_000;
const resolved = new Map<string, Map<number | "latest", { id: string; at: number }>>();

/** After this process committed a new version of `name`. */
export function forgetModel(name: string): void {
  resolved.delete(name);
}

async function resolveId(db: Db, name: string, version?: number): Promise<string | undefined> {
  const key = version ?? "latest";
  const now = performance.now();
  const hit = resolved.get(name)?.get(key);
  if (hit && now - hit.at < RESOLVED_TTL_MS) return hit.id;
  const found = await db.model.findFirst({
    where: { name, ...(version !== undefined && { version }) },
    orderBy: { version: "desc" },
    select: { id: true },
  });
  if (!found) return undefined; // not cached: the model may be trained any moment
  let byVersion = resolved.get(name);
  if (!byVersion) resolved.set(name, (byVersion = new Map()));
  byVersion.set(key, { id: found.id, at: now });
  return found.id;
}

export async function loadModel(db: Db, name: string, version?: number): Promise<Model> {
  const id = await resolveId(db, name, version);
  if (!id) throw new InputError(version === undefined ? `model "${name}" does not exist` : `model "${name}" has no version ${version}`);
  const cached = cache.get(id);
  if (cached) return cached;
  const model = await db.model.findUniqueOrThrow({ where: { id } });
  cache.set(model.id, model);
  return model;
}

export const fitted = (model: Model) => model.parameters as unknown as FittedModel;
