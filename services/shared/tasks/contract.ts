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

const modelName = Type.String({ pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", description: "model name" });
const version = Type.Integer({ minimum: 1, description: "model version; the latest when omitted" });
const features = Type.Record(Type.String({ maxLength: 128 }), Type.Number(), {
  description: "feature name → numeric value",
  maxProperties: 1_000,
});

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
    { additionalProperties: false },
  ),
  predict: Type.Object({ model: modelName, version: Type.Optional(version), input: features }, { additionalProperties: false }),
  "batch-predict": Type.Object(
    { model: modelName, version: Type.Optional(version), inputs: Type.Array(features, { minItems: 1, maxItems: 10_000 }) },
    { additionalProperties: false },
  ),
  "drift-check": Type.Object(
    {
      model: modelName,
      version: Type.Optional(version),
      window: Type.Optional(Type.Integer({ minimum: 10, maximum: 100_000, description: "recent predictions compared" })),
    },
    { additionalProperties: false },
  ),
} satisfies Record<TaskType, TSchema>;

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
  if (checker.Check(submission.payload)) return;
  const first = checker.Errors(submission.payload).First();
  if (first) {
    const path = `${where}/payload${first.path}`;
    throw new InputError(`${path}: ${first.message}`, [{ path, message: first.message }]);
  }
}
