// The tasks routes' request and response shapes. What a task and its payload are is the contract's
// (services/shared/tasks/contract.ts); this adds only what HTTP carries around them.
import { type Static, t } from "elysia";
import { PRIORITY, taskStatusSchema, taskTypeSchema } from "../../../shared/tasks/contract.ts";

export const submission = t.Object(
  {
    type: taskTypeSchema,
    payload: t.Object({}, { additionalProperties: true, description: "depends on type: see the task types" }),
    priority: t.Optional(
      t.Integer({ minimum: PRIORITY.min, maximum: PRIORITY.max, default: PRIORITY.default, description: `${PRIORITY.max} runs first` }),
    ),
  },
  { additionalProperties: false },
);

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
    status: t.Optional(taskStatusSchema),
    type: t.Optional(taskTypeSchema),
    limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: t.Optional(t.String({ format: "uuid", description: "nextCursor of the previous page" })),
  }),
  // Open object: Elysia strips undeclared properties, and the auth plugin still needs Authorization.
  idempotencyHeaders: t.Object(
    { "idempotency-key": t.Optional(t.String({ minLength: 1, maxLength: 200 })) },
    { additionalProperties: true },
  ),
};
