import { t } from "elysia";

/** The models routes' path parameters: a model's name, and one of its versions. */
export const ModelParams = {
  name: t.Object({ name: t.String({ maxLength: 64 }) }),
  version: t.Object({ name: t.String({ maxLength: 64 }), version: t.Integer({ minimum: 1 }) }),
};
