// Which model version a task runs with. A predict, batch-predict or drift-check names its model by
// version, by alias, or by neither (the `production` alias when set, else the latest version); the
// submit path resolves that to a version once, and the task keeps it (Task.modelVersion), so a
// prediction is reproducible and a new training or a later alias move never changes a task already
// accepted. The worker loads the version it was given.
import { type Db, type Model, type Prisma, type Sql, sqlOf } from "../db.ts";
import { InputError } from "../errors.ts";
import type { FittedModel } from "../ml/index.ts";
import { Batcher } from "./batcher.ts";
import { DEFAULT_ALIAS, type ModelReference } from "./contract.ts";

/**
 * A resolution by version or alias is trusted for this long: a POST /tasks of a predict would
 * otherwise pay a PostgreSQL round trip for it alone. An alias moved through this process is seen
 * at once (forget); through another API replica, within this time. "The latest version" is never
 * cached: a training finishes in the worker, and the next prediction must see its version.
 */
const RESOLVED_TTL_MS = 1_000;
const MAX_CACHED = 10_000;

/** Why a reference names no version. */
export const unresolvable = ({ model, version, alias }: ModelReference) =>
  version !== undefined ? `model "${model}" has no version ${version}` : alias !== undefined ? `model "${model}" has no alias "${alias}"` : `model "${model}" does not exist`;

const referenceKey = ({ version, alias }: ModelReference) => (version !== undefined ? `v${version}` : alias !== undefined ? `a${alias}` : "");

interface Lookup {
  workspaceId: string;
  reference: ModelReference;
}

/** A lookup's version (null: none), and whether it is "the latest" rather than a version or alias's. */
interface Found {
  version: number | null;
  latest: boolean;
}

export class ModelVersions {
  /** "workspace:model" → reference key → version, until when. */
  private readonly resolved = new Map<string, Map<string, { version: number; until: number }>>();
  /** The lookups of one event-loop turn (concurrent submissions) share one statement. */
  private readonly looking = new Batcher<Lookup, Found>({ run: (lookups) => this.lookupAll(lookups), onFailure: "fail-all" });
  private readonly sql: Sql;

  constructor(db: Db) {
    this.sql = sqlOf(db);
  }

  /** The version each reference names in the workspace, in order; undefined where it names none. */
  async resolve(workspaceId: string, references: ModelReference[]): Promise<(number | undefined)[]> {
    return Promise.all(references.map((reference) => this.resolveOne(workspaceId, reference)));
  }

  private async resolveOne(workspaceId: string, reference: ModelReference): Promise<number | undefined> {
    const key = `${workspaceId}:${reference.model}`;
    const hit = this.resolved.get(key)?.get(referenceKey(reference));
    if (hit && hit.until > performance.now()) return hit.version;
    const { version, latest } = await this.looking.run({ workspaceId, reference });
    if (version === null) return undefined; // never cached: it may be trained any moment
    if (latest) return version;
    if (this.resolved.size > MAX_CACHED) this.resolved.clear();
    let byReference = this.resolved.get(key);
    if (!byReference) this.resolved.set(key, (byReference = new Map()));
    byReference.set(referenceKey(reference), { version, until: performance.now() + RESOLVED_TTL_MS });
    return version;
  }

  /** After this process moved an alias of the model, or trained or deleted one of its versions. */
  forget(workspaceId: string, model: string): void {
    this.resolved.delete(`${workspaceId}:${model}`);
  }

  /** One statement for every lookup: the version named by version, by alias, or else the latest. */
  private async lookupAll(lookups: Lookup[]): Promise<Found[]> {
    const input = lookups.map(({ workspaceId, reference: r }, i) => ({ i, ws: workspaceId, model: r.model, version: r.version ?? null, alias: r.alias ?? null }));
    const rows = await this.sql.query<{ i: number; named: number | null; latest: number | null }>`
      SELECT r.i,
        CASE WHEN r.version IS NOT NULL THEN
          (SELECT m.version FROM "Model" m WHERE m."workspaceId" = r.ws AND m.name = r.model AND m.version = r.version)
        ELSE
          (SELECT m.version FROM "ModelAlias" a JOIN "Model" m ON m.id = a."modelId"
            WHERE a."workspaceId" = r.ws AND a.model = r.model AND a.alias = COALESCE(r.alias, ${DEFAULT_ALIAS}))
        END AS named,
        CASE WHEN r.version IS NULL AND r.alias IS NULL THEN
          (SELECT max(m.version) FROM "Model" m WHERE m."workspaceId" = r.ws AND m.name = r.model)
        END AS latest
      FROM jsonb_to_recordset(${JSON.stringify(input)}::jsonb) AS r(i int, ws uuid, model text, version int, alias text)`;
    const byIndex = new Map(rows.map((row) => [row.i, row]));
    return lookups.map((_, i) => {
      const row = byIndex.get(i);
      if (row?.named != null) return { version: row.named, latest: false };
      return { version: row?.latest ?? null, latest: true };
    });
  }
}

/**
 * Model versions the worker has loaded. A version's parameters never change, so a loaded one is
 * kept by id. Which id a workspace's (name, version) is can change (a deleted version's number is
 * used again by the next training), so that is trusted for RESOLVED_TTL_MS only: a predict task
 * paid a PostgreSQL round trip for this lookup alone.
 */
export class LoadedModels {
  private readonly ids = new Map<string, { id: string; until: number }>();
  private readonly byId = new Map<string, Model>();
  private readonly sql: Sql;

  constructor(
    db: Db,
    private readonly max = 1_000,
  ) {
    this.sql = sqlOf(db);
  }

  async load(workspaceId: string, name: string, version: number): Promise<Model> {
    const key = `${workspaceId}:${name}:${version}`;
    const now = performance.now();
    let id = this.ids.get(key);
    if (!id || id.until <= now) {
      const [row] = await this.sql.query<{ id: string }>`
        SELECT id::text AS id FROM "Model" WHERE "workspaceId" = ${workspaceId}::uuid AND name = ${name} AND version = ${version}`;
      if (!row) throw new InputError(unresolvable({ model: name, version }));
      id = { id: row.id, until: now + RESOLVED_TTL_MS };
      if (this.ids.size >= MAX_CACHED) this.ids.clear();
      this.ids.set(key, id);
    }
    const cached = this.byId.get(id.id);
    if (cached) return cached;
    // Plain SQL, so a worker that only predicts never loads Prisma's query compiler (~20 MB).
    const [model] = await this.sql.query<Model>`SELECT * FROM "Model" WHERE id = ${id.id}::uuid`;
    if (!model) throw new InputError(unresolvable({ model: name, version })); // deleted since resolved
    if (this.byId.size >= this.max) this.byId.delete(this.byId.keys().next().value!);
    this.byId.set(model.id, model);
    return model;
  }
}

/**
 * Takes the model's lock until the transaction ends, so new versions are numbered, aliases moved
 * and versions deleted one at a time for a model of a workspace.
 */
export const lockModel = (tx: Prisma.TransactionClient, workspaceId: string, name: string) =>
  tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`${workspaceId}:${name}`}))`;

export const fitted = (model: Model) => model.parameters as unknown as FittedModel;
