// What a task is, for everyone who handles one: the API validates submissions against it, the
// worker reads payloads by it, the store writes its statuses. Plain TypeBox, so it carries no
// framework (Elysia takes these schemas as they are).
import { type Static, type TLiteral, type TSchema, type TUnion, Type } from "@sinclair/typebox";
import { type TypeCheck, TypeCompiler } from "@sinclair/typebox/compiler";
import { InputError } from "../errors.ts";

export const TASK_TYPES = ["train", "predict", "batch-predict", "drift-check"] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export const TASK_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** States a task never leaves. */
export const FINAL_STATUSES: ReadonlySet<TaskStatus> = new Set(["succeeded", "failed", "cancelled"]);

/** Priorities run from 1 to 10; 10 runs first. */
export const PRIORITY = { min: 1, max: 10, default: 5 } as const;

/** The fields of a submission, as every submit path takes them. */
export interface Submission {
  type: TaskType;
  payload: unknown;
  priority?: number;
}

// A union of literals, not an enum: Elysia fills an optional UnionEnum with its first value. The
// `error` text is what the API answers when the value is none of them.
const oneOf = <const T extends readonly string[]>(what: string, values: T) =>
  Type.Union(
    values.map((value) => Type.Literal(value)),
    { error: `${what} must be one of: ${values.join(", ")}` },
  ) as unknown as TUnion<{ -readonly [K in keyof T]: TLiteral<T[K]> }>; // a tuple, as StaticDecode needs

export const taskTypeSchema = oneOf("type", TASK_TYPES);
export const taskStatusSchema = oneOf("status", TASK_STATUSES);

/** The largest value of a PostgreSQL INTEGER column: every integer the API stores fits in one. */
export const INT32_MAX = 2_147_483_647;

/**
 * Feature values and labels stay within ±MAX_MAGNITUDE: squared and summed over 100,000 rows they
 * are still finite, so a fitted model's parameters are too (±1e308 would overflow to Infinity).
 */
export const MAX_MAGNITUDE = 1e15;

export const MODEL_NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$";
export const ALIAS_PATTERN = "^[a-z][a-z0-9_-]{0,31}$";
/** The alias predictions and drift checks use when they name neither a version nor an alias. */
export const DEFAULT_ALIAS = "production";

const modelName = Type.String({ pattern: MODEL_NAME_PATTERN, description: "model name" });
export const versionSchema = Type.Integer({ minimum: 1, maximum: INT32_MAX, description: "model version" });
export const aliasSchema = Type.String({ pattern: ALIAS_PATTERN, description: "alias name, e.g. production or staging" });
const value = Type.Number({ minimum: -MAX_MAGNITUDE, maximum: MAX_MAGNITUDE });
const features = Type.Record(Type.String({ minLength: 1, maxLength: 128 }), value, {
  description: "feature name → numeric value",
  maxProperties: 1_000,
});
/** Which version of a workspace's model: `version`, `alias`, or neither (`production` if set, else the latest). */
const modelReference = {
  model: modelName,
  version: Type.Optional({ ...versionSchema, description: "this version; give version or alias, not both" }),
  alias: Type.Optional({ ...aliasSchema, description: `this alias's version; without version or alias: ${DEFAULT_ALIAS} if set, else the latest` }),
};

/** What each task type takes as `payload`. */
export const payloadSchemas = {
  train: Type.Object(
    {
      model: modelName,
      algorithm: oneOf("algorithm", ["logistic", "linear"]),
      label: Type.String({ minLength: 1, maxLength: 128 }),
      rows: Type.Array(features, { minItems: 2, maxItems: 100_000 }),
      options: Type.Optional(
        Type.Object(
          {
            epochs: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
            learningRate: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 10 })),
            l2: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
          },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false, $id: "TrainPayload" },
  ),
  predict: Type.Object({ ...modelReference, input: features }, { additionalProperties: false, $id: "PredictPayload" }),
  "batch-predict": Type.Object(
    { ...modelReference, inputs: Type.Array(features, { minItems: 1, maxItems: 10_000 }) },
    { additionalProperties: false, $id: "BatchPredictPayload" },
  ),
  "drift-check": Type.Object(
    {
      ...modelReference,
      window: Type.Optional(Type.Integer({ minimum: 10, maximum: 100_000, description: "recent predictions compared (default 1000)" })),
    },
    { additionalProperties: false, $id: "DriftCheckPayload" },
  ),
} satisfies Record<TaskType, TSchema>;

/** The task types that run with a model version, resolved when they are submitted. */
export const MODEL_TASK_TYPES: ReadonlySet<TaskType> = new Set(["predict", "batch-predict", "drift-check"]);

/** A model-using payload's reference to its model. */
export interface ModelReference {
  model: string;
  version?: number;
  alias?: string;
}

export type TrainPayload = Static<typeof payloadSchemas.train>;
export type PredictPayload = Static<(typeof payloadSchemas)["predict"]>;
export type BatchPredictPayload = Static<(typeof payloadSchemas)["batch-predict"]>;
export type DriftCheckPayload = Static<(typeof payloadSchemas)["drift-check"]>;

const payloadCheckers = Object.fromEntries(
  Object.entries(payloadSchemas).map(([type, schema]) => [type, TypeCompiler.Compile<TSchema>(schema)]),
) as Record<TaskType, TypeCheck<TSchema>>;

/** Throws InputError naming the first problem of a submission's payload (`where` prefixes the path). */
export function checkPayload(submission: Submission, where = ""): void {
  const checker = payloadCheckers[submission.type];
  // Check is the compiled test; Errors walks the schema again to describe a failure (6.7% of the
  // API's CPU under POST /tasks load when it ran for every valid payload).
  if (checker.Check(submission.payload)) {
    const reference = submission.payload as Partial<ModelReference>;
    if (reference.version !== undefined && reference.alias !== undefined) {
      const path = `${where}/payload/alias`;
      throw new InputError(`${path}: give version or alias, not both`, [{ path, message: "give version or alias, not both" }]);
    }
    return;
  }
  const first = checker.Errors(submission.payload).First();
  if (first) {
    const path = `${where}/payload${first.path}`;
    throw new InputError(`${path}: ${first.message}`, [{ path, message: first.message }]);
  }
}

/** `schema` or null. */
export const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const finite = Type.Number();

/** What each task type's `result` holds once it succeeded (the worker writes these). */
export const resultSchemas = {
  train: Type.Object(
    {
      model: Type.String(),
      version: Type.Integer({ description: "the new version (no alias moves with it)" }),
      algorithm: oneOf("algorithm", ["logistic", "linear"]),
      metrics: Type.Union([
        Type.Object({ rows: Type.Integer(), loss: finite, accuracy: finite }, { description: "logistic, on the training rows" }),
        Type.Object({ rows: Type.Integer(), mse: finite, rmse: finite, r2: finite }, { description: "linear, on the training rows" }),
      ]),
    },
    { $id: "TrainResult" },
  ),
  predict: Type.Object(
    {
      score: Type.Number({ description: "logistic: P(label = 1); linear: the predicted value" }),
      label: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1)])),
      model: Type.String(),
      version: Type.Integer({ description: "the version that scored it" }),
      inferenceMs: Type.Number(),
    },
    { $id: "PredictResult" },
  ),
  "batch-predict": Type.Object(
    {
      model: Type.String(),
      version: Type.Integer(),
      predictions: Type.Array(Type.Object({ score: Type.Number(), label: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1)])) })),
      inferenceMs: Type.Number(),
    },
    { $id: "BatchPredictResult" },
  ),
  "drift-check": Type.Object(
    {
      model: Type.String(),
      version: Type.Integer(),
      compared: Type.Integer({ description: "scored inputs compared" }),
      minimum: Type.Integer({ description: "fewest inputs a check compares (DRIFT_MIN_WINDOW)" }),
      verdict: oneOf("verdict", ["not_enough_data", "stable", "moderate", "major"]),
      driftScore: nullable(Type.Number({ description: "the highest PSI over the features; null with not enough data" })),
      psi: nullable(Type.Record(Type.String(), Type.Number(), { description: "PSI per feature" })),
    },
    { $id: "DriftCheckResult" },
  ),
} satisfies Record<TaskType, TSchema>;
