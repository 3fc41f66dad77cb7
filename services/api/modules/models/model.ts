// The model registry's request and response shapes.
import { Type } from "@sinclair/typebox";
import { t } from "elysia";
import { ALIAS_PATTERN, INT32_MAX, MODEL_NAME_PATTERN, nullable, resultSchemas } from "../../../shared/tasks/contract.ts";

const dateTime = Type.String({ format: "date-time" });
const person = Type.Object({ id: Type.String({ format: "uuid" }), email: Type.String({ format: "email" }) }, { $id: "Person" });
const aliases = Type.Record(Type.String(), Type.Integer(), { description: "alias → the version it points to", $id: "Aliases" });

const dataSummary = Type.Object(
  {
    rows: Type.Integer(),
    features: Type.Integer(),
    label: Type.Union([
      Type.Object({ name: Type.String(), positives: Type.Integer(), negatives: Type.Integer() }, { description: "logistic" }),
      Type.Object({ name: Type.String(), mean: Type.Number(), std: Type.Number(), min: Type.Number(), max: Type.Number() }, { description: "linear" }),
    ]),
  },
  { $id: "DataSummary", description: "what the version was trained on" },
);

const versionFields = {
  version: Type.Integer(),
  algorithm: Type.String(),
  label: Type.String(),
  features: Type.Array(Type.String()),
  metrics: resultSchemas.train.properties.metrics,
  dataSummary: nullable(dataSummary),
  trainedBy: nullable(person),
  trainingTaskId: nullable(Type.String({ format: "uuid" })),
  driftScore: nullable(Type.Number()),
  driftCheckedAt: nullable(dateTime),
  createdAt: dateTime,
  aliases: Type.Array(Type.String(), { description: "the aliases pointing to this version" }),
};

const aliasMove = Type.Object(
  {
    fromVersion: nullable(Type.Integer({ description: "null: the alias was created by this move" })),
    toVersion: nullable(Type.Integer({ description: "null: the alias was removed by this move" })),
    movedBy: nullable(person),
    movedAt: dateTime,
  },
  { $id: "AliasMove" },
);

const name = t.String({ pattern: MODEL_NAME_PATTERN });
const version = t.Integer({ minimum: 1, maximum: INT32_MAX });
const alias = t.String({ pattern: ALIAS_PATTERN });

export const RegistryModel = {
  nameParam: t.Object({ name }),
  versionParams: t.Object({ name, version }),
  aliasParams: t.Object({ name, alias }),
  aliasQuery: t.Object({ at: t.Optional(t.String({ format: "date-time", description: "the alias as it was at this time (default: now)" })) }),
  historyQuery: t.Object({ limit: t.Optional(t.Integer({ minimum: 1, maximum: 500, default: 100 })) }),
  move: Type.Object(
    { version: Type.Integer({ minimum: 1, maximum: INT32_MAX, description: "the version the alias points to from now on" }) },
    { additionalProperties: false, $id: "AliasTarget", examples: [{ version: 3 }] },
  ),
  list: Type.Object(
    {
      items: Type.Array(
        Type.Object({ name: Type.String(), latestVersion: Type.Integer(), versions: Type.Integer(), aliases }, { $id: "ModelSummary" }),
      ),
    },
    { $id: "ModelList" },
  ),
  versions: Type.Object(
    { name: Type.String(), aliases, versions: Type.Array(Type.Object(versionFields, { $id: "ModelVersionSummary" })) },
    { $id: "ModelVersions" },
  ),
  version: Type.Object(
    {
      id: Type.String({ format: "uuid" }),
      name: Type.String(),
      ...versionFields,
      parameters: Type.Object({}, { additionalProperties: true, description: "weights, bias and standardisation" }),
      featureStats: Type.Object({}, { additionalProperties: true, description: "per feature: mean, std, min, max and the PSI bins" }),
    },
    { $id: "ModelVersion" },
  ),
  alias: Type.Object(
    {
      model: Type.String(),
      alias: Type.String(),
      version: nullable(Type.Integer({ description: "null: the alias had been removed by then" })),
      movedBy: nullable(person),
      movedAt: dateTime,
    },
    { $id: "AliasState" },
  ),
  history: Type.Object({ model: Type.String(), alias: Type.String(), items: Type.Array(aliasMove) }, { $id: "AliasHistory" }),
};
