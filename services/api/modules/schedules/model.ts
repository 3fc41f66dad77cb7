import { type Static, t } from "elysia";
import { submission } from "../tasks/model.ts";

const fields = {
  name: t.String({ pattern: "^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$" }),
  cron: t.Optional(t.String({ minLength: 9, maxLength: 100, description: 'cron pattern in UTC, e.g. "*/5 * * * *"' })),
  every: t.Optional(t.Integer({ minimum: 1_000, maximum: 31 * 86_400_000, description: "interval in milliseconds" })),
  task: submission,
  enabled: t.Optional(t.Boolean({ default: true })),
};

export const ScheduleModel = {
  create: t.Object(fields, { additionalProperties: false }),
  update: t.Partial(t.Object(fields, { additionalProperties: false })),
  idParam: t.Object({ id: t.String({ format: "uuid" }) }),
};

export type ScheduleInput = Static<typeof ScheduleModel.create>;
export type ScheduleUpdate = Static<typeof ScheduleModel.update>;
