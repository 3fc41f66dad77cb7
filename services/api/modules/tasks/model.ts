// The tasks routes' request and response shapes. What a task and its payload are is the contract's
// (services/shared/tasks/contract.ts); this adds only what HTTP carries around them. Numbers in
// bodies are TypeBox's own (Elysia's `t.Integer` would take "5" for 5).
import { Type } from "@sinclair/typebox";
import { t } from "elysia";
import {
  nullable, payloadSchemas, PRIORITY, resultSchemas, TASK_TYPES, taskStatusSchema, taskTypeSchema,
} from "../../../shared/tasks/contract.ts";

const priority = Type.Optional(
  Type.Integer({ minimum: PRIORITY.min, maximum: PRIORITY.max, default: PRIORITY.default, description: `${PRIORITY.max} runs first` }),
);
const uuid = Type.String({ format: "uuid" });
const dateTime = Type.String({ format: "date-time" });

/**
 * What the route checks first: the type, the priority, and that the payload is an object. The
 * payload is then checked against its type's schema by the submit path, whose messages name the
 * exact place (a union's own message would only say "expected one of").
 */
export const submission = Type.Object(
  {
    type: taskTypeSchema,
    payload: Type.Object({}, { additionalProperties: true, description: "depends on type: see the task types" }),
    priority,
  },
  { additionalProperties: false },
);

/** The submission as documented: one shape per task type, told apart by `type`. */
export const documentedSubmission = Type.Union(
  TASK_TYPES.map((type) =>
    Type.Object(
      { type: Type.Literal(type), payload: payloadSchemas[type], priority },
      { additionalProperties: false, $id: `${type.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}Submission` },
    ),
  ),
  {
    $id: "TaskSubmission",
    discriminator: { propertyName: "type" },
    examples: [{ type: "predict", payload: { model: "churn", alias: "production", input: { tenure: 2, tickets: 5 } } }],
  },
);

const accepted = Type.Object({ id: uuid, status: taskStatusSchema }, { $id: "Accepted" });

export const TaskModel = {
  submission,
  batch: Type.Object({ tasks: Type.Array(submission, { minItems: 1, maxItems: 100 }) }, { additionalProperties: false }),
  documentedBatch: Type.Object({ tasks: Type.Array(documentedSubmission, { minItems: 1, maxItems: 100 }) }, { additionalProperties: false, $id: "TaskBatch" }),
  accepted,
  acceptedBatch: Type.Object({ tasks: Type.Array(accepted) }, { $id: "AcceptedBatch" }),
  task: Type.Object(
    {
      id: uuid,
      workspaceId: uuid,
      ownerId: Type.String({ format: "uuid", description: "who submitted it (a schedule's firing: its creator)" }),
      type: taskTypeSchema,
      status: taskStatusSchema,
      priority: Type.Integer(),
      payload: Type.Object({}, { additionalProperties: true, description: "as submitted" }),
      modelVersion: nullable(Type.Integer({ description: "the model version it runs with, resolved at submission" })),
      result: nullable(Type.Union(Object.values(resultSchemas))),
      error: nullable(Type.String()),
      attempts: Type.Integer(),
      idempotencyKey: nullable(Type.String()),
      scheduleId: nullable(uuid),
      createdAt: dateTime,
      startedAt: nullable(dateTime),
      finishedAt: nullable(dateTime),
      queuedMs: nullable(Type.Integer()),
      durationMs: nullable(Type.Integer()),
    },
    { $id: "Task" },
  ),
  page: Type.Object(
    {
      items: Type.Array(
        Type.Object(
          {
            id: uuid, ownerId: uuid, type: taskTypeSchema, status: taskStatusSchema, priority: Type.Integer(), modelVersion: nullable(Type.Integer()),
            attempts: Type.Integer(), error: nullable(Type.String()), scheduleId: nullable(uuid), createdAt: dateTime,
            startedAt: nullable(dateTime), finishedAt: nullable(dateTime), queuedMs: nullable(Type.Integer()), durationMs: nullable(Type.Integer()),
          },
          { $id: "TaskSummary" },
        ),
      ),
      nextCursor: nullable(Type.String({ format: "uuid", description: "pass as `cursor` for the next page" })),
    },
    { $id: "TaskPage" },
  ),
  idParam: t.Object({ id: t.String({ format: "uuid" }) }),
  getQuery: t.Object({
    wait: t.Optional(t.Integer({ minimum: 0, maximum: 60, description: "seconds to wait for a final state" })),
  }),
  listQuery: t.Object({
    status: t.Optional(taskStatusSchema),
    type: t.Optional(taskTypeSchema),
    limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: t.Optional(t.String({ format: "uuid", description: "nextCursor of the previous page" })),
  }),
  // Open object: Elysia strips undeclared properties, and the auth plugin still needs Authorization.
  idempotencyHeaders: t.Object(
    { "idempotency-key": t.Optional(t.String({ minLength: 1, maxLength: 200, description: "the same key and body → the first task, never a second" })) },
    { additionalProperties: true },
  ),
};

