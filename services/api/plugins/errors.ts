// One error shape for every failure: {"error": {"code", "message", "details"?}}, the right status,
// never a stack trace. Services throw HttpError; everything else is mapped here once.
import { Elysia } from "elysia";
import type { Logger } from "../../shared/logger.ts";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: unknown) => new HttpError(400, "bad_request", message, {}, details);
export const unauthorized = (message = "a valid bearer token is required") => new HttpError(401, "unauthorized", message);
export const forbidden = (message: string) => new HttpError(403, "forbidden", message);
export const notFound = (what: string) => new HttpError(404, "not_found", `${what} not found`);
export const conflict = (message: string) => new HttpError(409, "conflict", message);
export const unprocessable = (message: string, details?: unknown) =>
  new HttpError(422, "validation_failed", message, {}, details);
export const unavailable = (message: string) =>
  new HttpError(503, "unavailable", message, { "retry-after": "5" });

/** Errors of the stores that mean "try again later" rather than "bug". */
function isDependencyOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && /^(P1001|P1002|P1003|P1008|P1017|P2024|ECONNREFUSED|ECONNRESET|ETIMEDOUT|57P01)$/.test(code)) {
    return true;
  }
  // Prisma wraps the driver's error as "Database error. Code: `57P01`. Message: ...": SQLSTATE class
  // 08 (connection exception) and 57P01-57P03 (server shutting down, crashed, starting up).
  return /Stream isn't writeable|Connection is closed|max retries per request|ECONNREFUSED|Can't reach database|connection terminated|Connection terminated|timeout exceeded when trying to connect|Code: `(08\w{3}|57P0[123])`|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery)/i.test(
    error.message,
  );
}

const body = (code: string, message: string, details?: unknown) => ({
  error: details === undefined ? { code, message } : { code, message, details },
});

interface ValidationIssue {
  path: string;
  message: string;
}

function validationIssues(error: { all?: unknown }): ValidationIssue[] {
  const all = Array.isArray(error.all) ? (error.all as { path?: string; message?: string; summary?: string }[]) : [];
  return all.slice(0, 10).map((issue) => ({ path: issue.path || "/", message: issue.summary ?? issue.message ?? "invalid" }));
}

export const errors = (logger: Logger) =>
  new Elysia({ name: "errors" }).onError({ as: "global" }, ({ code, error, set, request }) => {
    set.headers["content-type"] = "application/json";
    // A parser's own HttpError arrives wrapped in Elysia's ParseError.
    const cause = code === "PARSE" ? (error as Error).cause : undefined;
    const own = error instanceof HttpError ? error : cause instanceof HttpError ? cause : undefined;
    if (own) {
      set.status = own.status;
      Object.assign(set.headers, own.headers);
      return body(own.code, own.message, own.details);
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
      case "NOT_FOUND":
        set.status = 404;
        return body("not_found", "no such route");
      case "INVALID_COOKIE_SIGNATURE":
        set.status = 400;
        return body("bad_request", "invalid cookie");
    }
    if (error instanceof Error && /Code: `22\w{3}`/.test(error.message)) {
      // SQLSTATE class 22, data exception: PostgreSQL refused a value the client sent (e.g. a NUL
      // character in a text column or JSON string), so the request is at fault, not the server.
      set.status = 400;
      return body("bad_request", "the request contains a value that cannot be stored (e.g. a NUL character)");
    }
    if ((error as { code?: unknown }).code === "P2003") {
      // The API's only foreign keys are owner ids: a valid token whose account was deleted.
      set.status = 401;
      return body("unauthorized", "the account of this token no longer exists");
    }
    if (isDependencyOutage(error)) {
      set.status = 503;
      set.headers["retry-after"] = "5";
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
