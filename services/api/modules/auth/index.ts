import { jwt } from "@elysiajs/jwt";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { Elysia, t } from "elysia";
import { UnauthenticatedError } from "../../../shared/errors.ts";
import type { RateLimitPlugin } from "../../plugins/rate-limit.ts";
import { AuthModel } from "./model.ts";
import type { AuthService } from "./service.ts";

export interface AuthOptions {
  secret: string;
  ttlSeconds: number;
}

/** The `uuid` format every id parameter is validated with. */
const userId = TypeCompiler.Compile(t.String({ format: "uuid" }));

const tokenSigner = ({ secret, ttlSeconds }: AuthOptions) =>
  jwt({ name: "jwt", secret, alg: "HS256", exp: `${ttlSeconds}s` });

export interface AuthUser {
  id: string;
  role: string;
}

/**
 * Tokens that verified recently, kept until their `exp` (60 s at most): a client sends the same
 * token on every request, and HS256 verification (key import, HMAC, claims) was ~15% of the API's
 * CPU on GET /tasks/:id. A token is stateless, so the cached verdict is the one verification would
 * give again until the token expires. Bounded: the oldest entry makes room.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, { user: AuthUser; until: number }>();

  constructor(
    private readonly max = 10_000,
    private readonly ttlMs = 60_000,
  ) {}

  get(token: string, now = Date.now()): AuthUser | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.until > now) return entry.user;
    this.entries.delete(token);
    return undefined;
  }

  set(token: string, user: AuthUser, expSeconds: number, now = Date.now()): void {
    const until = Math.min(now + this.ttlMs, expSeconds * 1000);
    if (until <= now) return;
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { user, until });
  }
}

/** Derives `user` from `Authorization: Bearer <jwt>` or answers 401 — before body validation, so
 * an anonymous caller learns nothing about the route's schema. */
export const authenticated = (options: AuthOptions) => {
  const verified = new VerifiedTokens();
  return new Elysia({ name: "authenticated", seed: options.secret })
    .use(tokenSigner(options))
    .derive({ as: "scoped" }, async ({ jwt, headers }) => {
      const header = headers.authorization;
      if (!header?.startsWith("Bearer ")) throw new UnauthenticatedError();
      const token = header.slice(7);
      const cached = verified.get(token);
      if (cached) return { user: cached };
      const claims = await jwt.verify(token, { algorithms: ["HS256"] });
      // Only tokens shaped like ours: a user id (UUID) and an expiry. Anything else signed with the
      // secret would otherwise reach the database as an owner id (a 500) or never expire.
      if (!claims || typeof claims.sub !== "string" || !userId.Check(claims.sub) || typeof claims.exp !== "number") {
        throw new UnauthenticatedError("the token is invalid or expired");
      }
      const user = { id: claims.sub, role: String(claims.role ?? "user") };
      verified.set(token, user, claims.exp);
      return { user };
    });
};

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
