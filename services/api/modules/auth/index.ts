import { Elysia } from "elysia";
import { InputError, UnauthenticatedError } from "../../../shared/errors.ts";
import type { WorkspaceAccess } from "../../../shared/workspaces.ts";
import { operation } from "../../openapi.ts";
import type { RateLimitPlugin } from "../../plugins/rate-limit.ts";
import type { TokenKeys } from "./keys.ts";
import { AuthModel } from "./model.ts";
import type { AuthService } from "./service.ts";

export interface AuthUser {
  id: string;
}

/** The header that names the workspace a request acts in; without it, the caller's personal one. */
export const WORKSPACE_HEADER = "workspace-id";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Tokens that verified recently, kept until their `exp` (60 s at most): a client sends the same
 * token on every request, and HS256 verification (key import, HMAC, claims) was ~15% of the API's
 * CPU on GET /tasks/:id. A token is stateless, so the cached verdict is the one verification would
 * give again until the token expires. Bounded: the oldest entry makes room. One cache per set of
 * keys (authenticated() makes both), so a verdict is never reused under other keys.
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

/**
 * `authenticated` derives `user` from `Authorization: Bearer <jwt>` or answers 401 — before body
 * validation, so an anonymous caller learns nothing about the route's schema. `inWorkspace` adds
 * `workspace`: the one the Workspace-Id header names (the personal one without it) and the
 * caller's role there, read from PostgreSQL (briefly cached); a workspace the caller is not in
 * answers 404, exactly as one that does not exist.
 */
export function authentication(keys: TokenKeys, access: WorkspaceAccess) {
  const verified = new VerifiedTokens();
  const userOf = async (authorization: string | undefined): Promise<AuthUser> => {
    if (!authorization?.startsWith("Bearer ")) throw new UnauthenticatedError();
    const token = authorization.slice(7);
    const cached = verified.get(token);
    if (cached) return cached;
    const claims = await keys.verify(token);
    // Only tokens shaped like ours: a user id (UUID). Anything else signed with our key would
    // otherwise reach the database as an owner id (a 500).
    if (!UUID.test(claims.sub)) throw new UnauthenticatedError("the token is invalid or expired");
    const user = { id: claims.sub.toLowerCase() };
    verified.set(token, user, claims.exp);
    return user;
  };
  // Two plugins, each deriving all it gives: a derive of a plugin used inside another plugin does
  // not reach the routes of the module that uses the outer one.
  const authenticated = new Elysia({ name: "authenticated", seed: keys.currentKid }).derive({ as: "scoped" }, async ({ headers }) => ({
    user: await userOf(headers.authorization),
  }));
  const inWorkspace = new Elysia({ name: "in-workspace", seed: keys.currentKid }).derive({ as: "scoped" }, async ({ headers }) => {
    const user = await userOf(headers.authorization);
    const named = headers[WORKSPACE_HEADER];
    if (named !== undefined && !UUID.test(named)) throw new InputError("the Workspace-Id header must be a workspace's id (a UUID)");
    return { user, workspace: await access.scope(user.id, named?.toLowerCase() ?? user.id) };
  });
  return { authenticated, inWorkspace };
}
export type Authentication = ReturnType<typeof authentication>;

export const authRoutes = (service: AuthService, keys: TokenKeys, ttlSeconds: number, limits: RateLimitPlugin) =>
  new Elysia({ prefix: "/auth", detail: { tags: ["auth"] } })
    .use(limits)
    .post(
      "/register",
      async ({ body, set, limit }) => {
        limit("register");
        set.status = 201;
        return service.register(body.email, body.password);
      },
      {
        body: AuthModel.credentials,
        detail: operation({
          operationId: "register",
          summary: "Create an account",
          description: "Creates the account and its personal workspace (whose id is the account's id).",
          public: true,
          ok: { 201: [AuthModel.registered, "the account"] },
          errors: [409, 422, 429],
        }),
      },
    )
    .post(
      "/login",
      async ({ body, limit }) => {
        limit("login");
        const user = await service.verify(body.email, body.password);
        return { token: await keys.sign(user.id), expiresIn: ttlSeconds };
      },
      {
        body: AuthModel.credentials,
        detail: operation({
          operationId: "login",
          summary: "Get a bearer token",
          description: "Send the token as `Authorization: Bearer <token>`; it expires after `expiresIn` seconds.",
          public: true,
          ok: { 200: [AuthModel.token, "a bearer token"] },
          errors: [401, 422, 429],
        }),
      },
    );
