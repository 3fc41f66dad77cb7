import { Type } from "@sinclair/typebox";
import { t } from "elysia";

export const AuthModel = {
  credentials: t.Object(
    {
      email: t.String({ format: "email", maxLength: 254 }),
      password: t.String({ minLength: 8, maxLength: 256 }),
    },
    { additionalProperties: false, $id: "Credentials", examples: [{ email: "ada@example.com", password: "correct-horse-battery" }] },
  ),
  registered: Type.Object(
    { id: Type.String({ format: "uuid", description: "the account's id, also its personal workspace's" }), email: Type.String({ format: "email" }) },
    { $id: "Account" },
  ),
  token: Type.Object({ token: Type.String(), expiresIn: Type.Integer({ description: "seconds" }) }, { $id: "Token" }),
};
