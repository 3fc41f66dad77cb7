import { jwt } from "@elysiajs/jwt";
import { Elysia } from "elysia";
import { unauthorized } from "../../plugins/errors.ts";
import type { RateLimitPlugin } from "../../plugins/rate-limit.ts";
import { AuthModel } from "./model.ts";
import type { AuthService } from "./service.ts";

export interface AuthOptions {
  secret: string;
  ttlSeconds: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const tokenSigner = ({ secret, ttlSeconds }: AuthOptions) =>
  jwt({ name: "jwt", secret, alg: "HS256", exp: `${ttlSeconds}s` });

/** Derives `user` from `Authorization: Bearer <jwt>` or answers 401 — before body validation, so
 * an anonymous caller learns nothing about the route's schema. */
export const authenticated = (options: AuthOptions) =>
  new Elysia({ name: "authenticated", seed: options.secret })
    .use(tokenSigner(options))
    .derive({ as: "scoped" }, async ({ jwt, headers }) => {
      const header = headers.authorization;
      if (!header?.startsWith("Bearer ")) throw unauthorized();
      const claims = await jwt.verify(header.slice(7), { algorithms: ["HS256"] });
      // Only tokens shaped like ours: a user id (UUID) and an expiry. Anything else signed with the
      // secret would otherwise reach the database as an owner id (a 500) or never expire.
      if (!claims || typeof claims.sub !== "string" || !UUID.test(claims.sub) || typeof claims.exp !== "number") {
        throw unauthorized("the token is invalid or expired");
      }
      return { user: { id: claims.sub, role: String(claims.role ?? "user") } };
    });

export const authRoutes = (service: AuthService, options: AuthOptions, limits: RateLimitPlugin) =>
  new Elysia({ prefix: "/auth", detail: { tags: ["auth"] } })
    .use(limits)
    .use(tokenSigner(options))
    .post(
      "/register",
      async ({ body, set, limit }) => {
        limit("register");
        set.status = 201;
        return service.register(body.email, body.password);
      },
      { body: AuthModel.credentials, response: { 201: AuthModel.registered }, detail: { summary: "Create an account" } },
    )
    .post(
      "/login",
      async ({ body, jwt, limit }) => {
        limit("login");
        const user = await service.verify(body.email, body.password);
        return { token: await jwt.sign({ sub: user.id, role: user.role }), expiresIn: options.ttlSeconds };
      },
      { body: AuthModel.credentials, response: { 200: AuthModel.token }, detail: { summary: "Get a bearer token" } },
    );
