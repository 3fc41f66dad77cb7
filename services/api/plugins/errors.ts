// One error shape for every failure: {"error": {"code", "message", "details"?}}, the right status,
// never a stack trace. Services throw the domain errors of services/shared/errors.ts; this is the
// one place they (and the framework's and the stores' own errors) become HTTP answers.
import { Type } from "@sinclair/typebox";
import { Elysia } from "elysia";
import { sqlState } from "../../shared/db.ts";
import {
  ConflictError,
  ForbiddenError,
  InputError,
  MalformedRequestError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
  UnavailableError,
} from "../../shared/errors.ts";
import type { Logger } from "../../shared/logger.ts";

const RETRY_AFTER_OUTAGE_SECONDS = "5";

/** The one shape of every error answer, as the OpenAPI document names it. */
export const ErrorModel = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: "stable, for programs: bad_request, unauthorized, forbidden, not_found, method_not_allowed, conflict, validation_failed, rate_limited, unavailable, internal" }),
      message: Type.String({ description: "for people" }),
      details: Type.Optional(Type.Array(Type.Object({ path: Type.String({ description: "a JSON pointer" }), message: Type.String() }))),
    }),
  },
  { $id: "Error", examples: [{ error: { code: "not_found", message: "task not found" } }] },
);

/**
 * For each path the app serves, the methods it answers (HEAD with GET, as Elysia does), so a known
 * path asked with another method gets 405 with `Allow` rather than 404.
 */
export function allowedMethodsOf(routes: readonly { method: string; path: string }[]): (path: string) => string[] | undefined {
  const byTemplate = new Map<string, Set<string>>();
  for (const { method, path } of routes) {
    if (!byTemplate.has(path)) byTemplate.set(path, new Set());
    byTemplate.get(path)!.add(method);
    if (method === "GET") byTemplate.get(path)!.add("HEAD");
  }
  const matchers = [...byTemplate].map(([template, methods]) => ({
    pattern: new RegExp(`^${template.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:[^/]+/g, "[^/]+")}/?$`),
    methods: [...methods].sort(),
  }));
  return (path) => matchers.find(({ pattern }) => pattern.test(path))?.methods;
}

const body = (code: string, message: string, details?: unknown) => ({
  error: details === undefined ? { code, message } : { code, message, details },
});

/** Each domain error's status and stable code. */
const DOMAIN_ERRORS: [new (...args: never[]) => Error, number, string][] = [
  [MalformedRequestError, 400, "bad_request"],
  [UnauthenticatedError, 401, "unauthorized"],
  [ForbiddenError, 403, "forbidden"],
  [NotFoundError, 404, "not_found"],
  [ConflictError, 409, "conflict"],
  [InputError, 422, "validation_failed"],
  [RateLimitedError, 429, "rate_limited"],
  [UnavailableError, 503, "unavailable"],
];

/** The answer to a domain error; undefined for any other error. */
function domainAnswer(error: unknown) {
  if (!(error instanceof Error)) return undefined;
  const found = DOMAIN_ERRORS.find(([type]) => error instanceof type);
  if (!found) return undefined;
  const headers: Record<string, string> = {};
  if (error instanceof RateLimitedError) headers["retry-after"] = String(error.retryAfterSeconds);
  if (error instanceof UnavailableError) headers["retry-after"] = RETRY_AFTER_OUTAGE_SECONDS;
  const details = error instanceof InputError ? error.issues : undefined;
  return { status: found[1], headers, body: body(found[2], error.message, details) };
}

/** Errors of the stores that mean "try again later" rather than "bug". */
function isDependencyOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && /^(P1001|P1002|P1003|P1008|P1017|P2024|ECONNREFUSED|ECONNRESET|ETIMEDOUT|57P01)$/.test(code)) {
    return true;
  }
  // SQLSTATE 57014: the statement ran past DB_STATEMENT_TIMEOUT_MS (an overloaded database).
  if (/^(08\w{3}|57P0[123]|57014)$/.test(sqlState(error) ?? "")) return true;
  // Prisma wraps the driver's error as "Database error. Code: `57P01`. Message: ...": SQLSTATE class
  // 08 (connection exception) and 57P01-57P03 (server shutting down, crashed, starting up).
  return /Stream isn't writeable|Connection is closed|max retries per request|ECONNREFUSED|Can't reach database|connection terminated|Connection terminated|timeout exceeded when trying to connect|Code: `(08\w{3}|57P0[123])`|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery)/i.test(
    error.message,
  );
}

function validationIssues(error: { all?: unknown }) {
  const all = Array.isArray(error.all) ? (error.all as { path?: string; message?: string; summary?: string }[]) : [];
  return all.slice(0, 10).map((issue) => ({ path: issue.path || "/", message: issue.summary ?? issue.message ?? "invalid" }));
}

export const errors = (logger: Logger, allowedMethods: (path: string) => string[] | undefined = () => undefined) =>
  new Elysia({ name: "errors" }).onError({ as: "global" }, ({ code, error, set, request }) => {
    set.headers["content-type"] = "application/json";
    // A parser's own error (e.g. a body nested too deep) arrives wrapped in Elysia's ParseError.
    const ours = domainAnswer(error) ?? (code === "PARSE" ? domainAnswer((error as Error).cause) : undefined);
    if (ours) {
      set.status = ours.status;
      Object.assign(set.headers, ours.headers);
      return ours.body;
    }
    switch (code) {
      case "VALIDATION": {
        const issues = validationIssues(error);
        // A schema's own `error` text (e.g. "type must be one of: …") beats TypeBox's generic one.
        if (typeof error.customError === "string" && issues[0]) issues[0].message = error.customError;
        set.status = 422;
        const where = issues[0] ? `${issues[0].path}: ${issues[0].message}` : "invalid request";
        return body("validation_failed", `${error.type} is invalid — ${where}`, issues);
      }
      case "PARSE":
        set.status = 400;
        return body("bad_request", "the request body is not valid JSON");
      case "NOT_FOUND": {
        const allowed = allowedMethods(new URL(request.url).pathname);
        if (allowed) {
          set.status = 405;
          set.headers.allow = allowed.join(", ");
          return body("method_not_allowed", `${request.method} is not allowed here; use ${allowed.join(", ")}`);
        }
        set.status = 404;
        return body("not_found", "no such route");
      }
      case "INVALID_COOKIE_SIGNATURE":
        set.status = 400;
        return body("bad_request", "invalid cookie");
    }
    const state = sqlState(error);
    if (state?.startsWith("22")) {
      // SQLSTATE class 22, data exception: PostgreSQL refused a value the client sent (e.g. a NUL
      // character in a text column or JSON string), so the request is at fault, not the server.
      set.status = 400;
      return body("bad_request", "the request contains a value that cannot be stored (e.g. a NUL character)");
    }
    if (state === "23503") {
      // The foreign keys a request writes are its account's and its workspace's (for a valid token,
      // one of them was deleted meanwhile): the token no longer stands for anything.
      set.status = 401;
      return body("unauthorized", "the account of this token no longer exists");
    }
    if (isDependencyOutage(error)) {
      set.status = 503;
      set.headers["retry-after"] = RETRY_AFTER_OUTAGE_SECONDS;
      logger.warn("dependency unavailable", { path: new URL(request.url).pathname, error: String(error) });
      return body("unavailable", "a backing service is unavailable; retry shortly");
    }
    const status = typeof code === "number" ? code : 500;
    if (status >= 500) {
      logger.error("unhandled error", { path: new URL(request.url).pathname, error: String(error) });
    }
    set.status = status;
    return body(status >= 500 ? "internal" : "error", status >= 500 ? "internal error" : String(error));
  });
