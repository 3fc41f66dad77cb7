import type { TLiteral, TUnion } from "@sinclair/typebox";
import { type Static, type TSchema, t } from "elysia";
import { TASK_TYPES } from "../../../shared/queues.ts";

// A union of literals, not t.UnionEnum: Elysia fills an optional UnionEnum with its first value.
const oneOf = <const T extends readonly string[]>(what: string, values: T) =>
  t.Union(
    values.map((value) => t.Literal(value)),
    { error: `${what} must be one of: ${values.join(", ")}` },
  ) as unknown as TUnion<TLiteral<T[number]>[]>;

const modelName = t.String({ pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", description: "model name" });
const version = t.Integer({ minimum: 1, description: "model version; the latest when omitted" });
const features = t.Record(t.String({ maxLength: 128 }), t.Number(), {
  description: "feature name → numeric value",
  maxProperties: 1_000,
});

/** What each task type takes as `payload`. */
export const payloadSchemas = {
  train: t.Object(
    {
      model: modelName,
      algorithm: oneOf("algorithm", ["logistic", "linear"]),
      label: t.String({ minLength: 1, maxLength: 128 }),
      rows: t.Array(features, { minItems: 2, maxItems: 100_000 }),
      options: t.Optional(
        t.Object(
          {
            epochs: t.Optional(t.Integer({ minimum: 1, maximum: 10_000 })),
            learningRate: t.Optional(t.Number({ exclusiveMinimum: 0, maximum: 10 })),
            l2: t.Optional(t.Number({ minimum: 0, maximum: 100 })),
          },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  predict: t.Object({ model: modelName, version: t.Optional(version), input: features }, { additionalProperties: false }),
  "batch-predict": t.Object(
    { model: modelName, version: t.Optional(version), inputs: t.Array(features, { minItems: 1, maxItems: 10_000 }) },
    { additionalProperties: false },
  ),
  "drift-check": t.Object(
    {
      model: modelName,
      version: t.Optional(version),
      window: t.Optional(t.Integer({ minimum: 10, maximum: 100_000, description: "recent predictions compared" })),
    },
    { additionalProperties: false },
  ),
} satisfies Record<(typeof TASK_TYPES)[number], TSchema>;

export type TrainPayload = Static<typeof payloadSchemas.train>;
export type PredictPayload = Static<(typeof payloadSchemas)["predict"]>;
export type BatchPredictPayload = Static<(typeof payloadSchemas)["batch-predict"]>;
export type DriftCheckPayload = Static<(typeof payloadSchemas)["drift-check"]>;

const taskType = oneOf("type", TASK_TYPES);
const status = oneOf("status", ["queued", "running", "succeeded", "failed", "cancelled"]);

export const submission = t.Object(
  {
    type: taskType,
    payload: t.Object({}, { additionalProperties: true, description: "depends on type: see the task types" }),
    priority: t.Optional(t.Integer({ minimum: 1, maximum: 10, default: 5, description: "10 runs first" })),
  },
  { additionalProperties: false },
);
export type Submission = Static<typeof submission>;

export const TaskModel = {
  submission,
  batch: t.Object({ tasks: t.Array(submission, { minItems: 1, maxItems: 100 }) }, { additionalProperties: false }),
  accepted: t.Object({ id: t.String(), status: t.String() }),
  acceptedBatch: t.Object({ tasks: t.Array(t.Object({ id: t.String(), status: t.String() })) }),
  idParam: t.Object({ id: t.String({ format: "uuid" }) }),
  getQuery: t.Object({
    wait: t.Optional(t.Integer({ minimum: 0, maximum: 60, description: "seconds to wait for a final state" })),
  }),
  listQuery: t.Object({
    status: t.Optional(status),
    type: t.Optional(taskType),
    limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: t.Optional(t.String({ format: "uuid", description: "nextCursor of the previous page" })),
  }),
  // Open object: Elysia strips undeclared properties, and the auth plugin still needs Authorization.
  idempotencyHeaders: t.Object(
    { "idempotency-key": t.Optional(t.String({ minLength: 1, maxLength: 200 })) },
    { additionalProperties: true },
  ),
};

export const FINAL_STATUSES = new Set(["succeeded", "failed", "cancelled"]);
