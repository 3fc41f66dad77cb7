// The workspace's model registry: versions with where they came from, and aliases that only an
// admin moves, every move kept. Trainings (the worker) add versions and never move an alias.
import { type Db, Prisma } from "../../../shared/db.ts";
import { ConflictError, NotFoundError } from "../../../shared/errors.ts";
import { lockModel, type ModelVersions } from "../../../shared/tasks/models.ts";
import { requireRole, type WorkspaceScope } from "../../../shared/workspaces.ts";

const trainedBy = { select: { id: true, email: true } } as const;
const versionSummary = {
  version: true, algorithm: true, label: true, features: true, metrics: true, dataSummary: true, trainedBy,
  trainingTaskId: true, driftScore: true, driftCheckedAt: true, createdAt: true, aliases: { select: { alias: true }, orderBy: { alias: "asc" } },
} as const;

interface MoveRow {
  fromVersion: number | null;
  toVersion: number | null;
  movedAt: Date;
  movedById: string | null;
  email: string | null;
}
const mover = (row: MoveRow) => (row.movedById && row.email ? { id: row.movedById, email: row.email } : null);

export class ModelService {
  constructor(
    private readonly db: Db,
    private readonly resolutions: ModelVersions,
  ) {}

  /** Every model of the workspace with its latest version, how many it has, and its aliases. */
  async list(workspaceId: string) {
    const items = await this.db.$queryRaw<{ name: string; latestVersion: number; versions: number; aliases: Record<string, number> }[]>`
      SELECT m.name, max(m.version)::int AS "latestVersion", count(*)::int AS versions,
        COALESCE((SELECT jsonb_object_agg(a.alias, target.version) FROM "ModelAlias" a JOIN "Model" target ON target.id = a."modelId"
          WHERE a."workspaceId" = ${workspaceId}::uuid AND a.model = m.name), '{}'::jsonb) AS aliases
      FROM "Model" m WHERE m."workspaceId" = ${workspaceId}::uuid
      GROUP BY m.name ORDER BY m.name`;
    return { items };
  }

  async versions(workspaceId: string, name: string) {
    const rows = await this.db.model.findMany({ where: { workspaceId, name }, orderBy: { version: "desc" }, select: versionSummary });
    if (rows.length === 0) throw new NotFoundError(`model "${name}"`);
    const versions = rows.map((row) => ({ ...row, aliases: row.aliases.map((a) => a.alias) }));
    const aliases = Object.fromEntries(versions.flatMap((v) => v.aliases.map((alias) => [alias, v.version])));
    return { name, aliases, versions };
  }

  async version(workspaceId: string, name: string, version: number) {
    const model = await this.db.model.findUnique({
      where: { workspaceId_name_version: { workspaceId, name, version } },
      select: { ...versionSummary, id: true, name: true, parameters: true, featureStats: true },
    });
    if (!model) throw new NotFoundError(`model "${name}" version ${version}`);
    return { ...model, aliases: model.aliases.map((a) => a.alias) };
  }

  /** Withdraws a version (admins only), with its scored inputs; never one an alias points to. */
  async remove(scope: WorkspaceScope, name: string, version: number): Promise<void> {
    requireRole(scope, "admin");
    await this.locked(scope.id, name, async (tx) => {
      const model = await tx.model.findUnique({
        where: { workspaceId_name_version: { workspaceId: scope.id, name, version } },
        select: { id: true, aliases: { select: { alias: true } } },
      });
      if (!model) throw new NotFoundError(`model "${name}" version ${version}`);
      if (model.aliases.length > 0) {
        const named = model.aliases.map((a) => `"${a.alias}"`).join(", ");
        throw new ConflictError(`version ${version} is what ${named} points to: move the alias first`);
      }
      await tx.model.delete({ where: { id: model.id } });
    });
  }

  /** Points `alias` at `version` (admins only) and records the move; a move to where it is changes nothing. */
  async moveAlias(scope: WorkspaceScope, userId: string, name: string, alias: string, version: number) {
    requireRole(scope, "admin");
    await this.locked(scope.id, name, async (tx) => {
      const target = await tx.model.findUnique({ where: { workspaceId_name_version: { workspaceId: scope.id, name, version } }, select: { id: true } });
      if (!target) throw new NotFoundError(`model "${name}" version ${version}`);
      const current = await this.current(tx, scope.id, name, alias);
      if (current === version) return;
      await tx.modelAlias.upsert({
        where: { workspaceId_model_alias: { workspaceId: scope.id, model: name, alias } },
        create: { workspaceId: scope.id, model: name, alias, modelId: target.id },
        update: { modelId: target.id, movedAt: new Date() },
      });
      await tx.modelAliasMove.create({ data: { workspaceId: scope.id, model: name, alias, fromVersion: current, toVersion: version, movedById: userId } });
    });
    return this.alias(scope.id, name, alias);
  }

  /** Removes `alias` (admins only) and records it: predictions without a version then use the latest. */
  async removeAlias(scope: WorkspaceScope, userId: string, name: string, alias: string): Promise<void> {
    requireRole(scope, "admin");
    await this.locked(scope.id, name, async (tx) => {
      const current = await this.current(tx, scope.id, name, alias);
      if (current === null) throw new NotFoundError(`alias "${alias}" of model "${name}"`);
      await tx.modelAlias.delete({ where: { workspaceId_model_alias: { workspaceId: scope.id, model: name, alias } } });
      await tx.modelAliasMove.create({ data: { workspaceId: scope.id, model: name, alias, fromVersion: current, toVersion: null, movedById: userId } });
    });
  }

  /** The alias as it was at `at` (now by default): the last move before then. 404 if it did not exist yet. */
  async alias(workspaceId: string, name: string, alias: string, at = new Date()) {
    const [last] = await this.moves(workspaceId, name, alias, 1, at);
    if (!last) throw new NotFoundError(`alias "${alias}" of model "${name}"`);
    return { model: name, alias, version: last.toVersion, movedBy: mover(last), movedAt: last.movedAt };
  }

  /** Every move of the alias, newest first. */
  async history(workspaceId: string, name: string, alias: string, limit = 100) {
    const rows = await this.moves(workspaceId, name, alias, limit);
    if (rows.length === 0) throw new NotFoundError(`alias "${alias}" of model "${name}"`);
    const items = rows.map((row) => ({ fromVersion: row.fromVersion, toVersion: row.toVersion, movedBy: mover(row), movedAt: row.movedAt }));
    return { model: name, alias, items };
  }

  /** The alias's moves, newest first, only those made by `until` when given. */
  private moves(workspaceId: string, name: string, alias: string, limit: number, until?: Date): Promise<MoveRow[]> {
    return this.db.$queryRaw<MoveRow[]>`
      SELECT mv."fromVersion", mv."toVersion", mv."movedAt", mv."movedById"::text AS "movedById", u.email
      FROM "ModelAliasMove" mv LEFT JOIN "User" u ON u.id = mv."movedById"
      WHERE mv."workspaceId" = ${workspaceId}::uuid AND mv.model = ${name} AND mv.alias = ${alias}
        ${until ? Prisma.sql`AND mv."movedAt" <= ${until}` : Prisma.empty}
      ORDER BY mv."movedAt" DESC, mv.id DESC LIMIT ${limit}`;
  }

  private async current(tx: Prisma.TransactionClient, workspaceId: string, name: string, alias: string): Promise<number | null> {
    const found = await tx.modelAlias.findUnique({
      where: { workspaceId_model_alias: { workspaceId, model: name, alias } },
      select: { version: { select: { version: true } } },
    });
    return found?.version.version ?? null;
  }

  /**
   * Runs `change` holding the model's lock, the one a training takes to number its version, so
   * moves, deletions and new versions of one model happen one at a time; then forgets this
   * process's resolutions of the model, so its next submission sees the change.
   */
  private async locked(workspaceId: string, name: string, change: (tx: Prisma.TransactionClient) => Promise<void>): Promise<void> {
    await this.db.$transaction(async (tx) => {
      await lockModel(tx, workspaceId, name);
      await change(tx);
    });
    this.resolutions.forget(workspaceId, name);
  }
}
