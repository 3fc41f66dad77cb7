// The failures the services raise on purpose, each with a message fit for a client. What each one
// means to a caller is decided once per process: the API maps the classes to HTTP statuses in its
// error plugin (api/plugins/errors.ts), the worker fails a task for good on an InputError, and a
// process stops with exit code 78 on a ConfigError.

/** An issue found in one place of an input: a JSON pointer and what is wrong there. */
export interface InputIssue {
  path: string;
  message: string;
}

/** Input that can never succeed as given (a bad payload, rows a model cannot be fitted on, a bad cron pattern). */
export class InputError extends Error {
  override name = "InputError";
  constructor(
    message: string,
    readonly issues?: InputIssue[],
  ) {
    super(message);
  }
}

/** A request that cannot even be read (not JSON, nested too deep). */
export class MalformedRequestError extends Error {
  override name = "MalformedRequestError";
}

/** No credentials, wrong ones, or an account that no longer exists. */
export class UnauthenticatedError extends Error {
  override name = "UnauthenticatedError";
  constructor(message = "a valid bearer token is required") {
    super(message);
  }
}

/** Known caller, not allowed to do this. */
export class ForbiddenError extends Error {
  override name = "ForbiddenError";
}

/** Missing, or not the caller's (the two are indistinguishable on purpose). */
export class NotFoundError extends Error {
  override name = "NotFoundError";
  constructor(what: string) {
    super(`${what} not found`);
  }
}

/** The request contradicts the current state (a final task cancelled, a name taken). */
export class ConflictError extends Error {
  override name = "ConflictError";
}

/** Past a rate limit: retry after `retryAfterSeconds`. */
export class RateLimitedError extends Error {
  override name = "RateLimitedError";
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** A backing service (Redis, PostgreSQL) cannot do its part now; nothing was accepted. */
export class UnavailableError extends Error {
  override name = "UnavailableError";
}

/** The process's environment is wrong; the message names the variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}
