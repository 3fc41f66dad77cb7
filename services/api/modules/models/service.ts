import type { Db } from "../../../shared/db.ts";
import { ForbiddenError, NotFoundError } from "../../../shared/errors.ts";

/** A version as listed: what it is and how it did, without its (large) parameters and statistics. */
const versionSummary = {
  version: true, algorithm: true, label: true, features: true, metrics: true,
  driftScore: true, driftCheckedAt: true, createdAt: true, trainingTaskId: true,
} as const;

export class ModelService {
  constructor(private readonly db: Db) {}

  /** Every model name with its latest version and how many versions it has. */
  async list() {
    const groups = await this.db.model.groupBy({ by: ["name"], _max: { version: true }, _count: { _all: true }, orderBy: { name: "asc" } });
    return groups.map((group) => ({ name: group.name, latestVersion: group._max.version, versions: group._count._all }));
  }

  async versions(name: string) {
    const versions = await this.db.model.findMany({ where: { name }, orderBy: { version: "desc" }, select: versionSummary });
    if (versions.length === 0) throw new NotFoundError(`model "${name}"`);
    return { name, versions };
  }

  async version(name: string, version: number) {
    const model = await this.db.model.findUnique({ where: { name_version: { name, version } } });
    if (!model) throw new NotFoundError(`model "${name}" version ${version}`);
    return model;
  }

  /** Withdraws a version (admins only): its predictions go with it. */
  async remove(role: string, name: string, version: number): Promise<void> {
    if (role !== "admin") throw new ForbiddenError("only admins can delete model versions");
    const { count } = await this.db.model.deleteMany({ where: { name, version } });
    if (count === 0) throw new NotFoundError(`model "${name}" version ${version}`);
  }
}
