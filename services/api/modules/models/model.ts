import { t } from "elysia";

export const ModelModel = {
  nameParam: t.Object({ name: t.String({ maxLength: 64 }) }),
  versionParams: t.Object({ name: t.String({ maxLength: 64 }), version: t.Integer({ minimum: 1 }) }),
};
