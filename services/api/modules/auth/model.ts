import { t } from "elysia";

export const AuthModel = {
  credentials: t.Object(
    {
      email: t.String({ format: "email", maxLength: 254 }),
      password: t.String({ minLength: 8, maxLength: 256 }),
    },
    { additionalProperties: false },
  ),
  registered: t.Object({ id: t.String(), email: t.String() }),
  token: t.Object({ token: t.String(), expiresIn: t.Number() }),
};
