import { type Static, Type } from "@sinclair/typebox";
import { t } from "elysia";
import { nullable, taskTypeSchema } from "../../../shared/tasks/contract.ts";
import { documentedSubmission, submission } from "../tasks/model.ts";

/** 31 days: more than a PostgreSQL INTEGER holds in milliseconds, so the column is a BIGINT. */
export const MAX_EVERY_MS = 31 * 86_400_000;

const fields = {
  name: Type.String({ pattern: "^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$" }),
  cron: Type.Optional(Type.String({ minLength: 9, maxLength: 100, description: 'cron pattern in UTC, e.g. "*/5 * * * *" (a sixth, leading field counts seconds)' })),
  every: Type.Optional(Type.Integer({ minimum: 1_000, maximum: MAX_EVERY_MS, description: "interval in milliseconds (at least SCHEDULE_MIN_INTERVAL_MS)" })),
  task: submission,
  enabled: Type.Optional(Type.Boolean({ default: true })),
};
const documentedFields = { ...fields, task: documentedSubmission };
const dateTime = Type.String({ format: "date-time" });

export const ScheduleModel = {
  create: Type.Object(fields, { additionalProperties: false }),
  update: Type.Partial(Type.Object(fields, { additionalProperties: false })),
  documentedCreate: Type.Object(documentedFields, {
    additionalProperties: false,
    $id: "ScheduleInput",
    description: "exactly one of cron and every",
    examples: [{ name: "nightly drift", cron: "0 3 * * *", task: { type: "drift-check", payload: { model: "churn" } } }],
  }),
  documentedUpdate: Type.Partial(Type.Object(documentedFields, { additionalProperties: false }), { $id: "ScheduleChange" }),
  idParam: t.Object({ id: t.String({ format: "uuid" }) }),
  schedule: Type.Object(
    {
      id: Type.String({ format: "uuid" }),
      workspaceId: Type.String({ format: "uuid" }),
      ownerId: Type.String({ format: "uuid", description: "who created it: its firings are submitted as this user" }),
      name: Type.String(),
      cron: nullable(Type.String()),
      every: nullable(Type.Integer()),
      enabled: Type.Boolean(),
      task: Type.Object({ type: taskTypeSchema, payload: Type.Object({}, { additionalProperties: true }), priority: Type.Integer() }),
      createdAt: dateTime,
      updatedAt: dateTime,
    },
    { $id: "Schedule" },
  ),
};
export const scheduleList = Type.Object({ items: Type.Array(ScheduleModel.schedule) }, { $id: "ScheduleList" });

export type ScheduleInput = Static<typeof ScheduleModel.create>;
export type ScheduleUpdate = Static<typeof ScheduleModel.update>;
