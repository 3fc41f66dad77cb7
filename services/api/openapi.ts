// The OpenAPI 3.1 document, built from the app itself: each route's request schemas (body, path,
// query, headers: the ones Elysia validates with) and what its `detail` declares with operation():
// id, summary, security, and every response it can give, errors included, in the one error shape.
// Schemas with a TypeBox `$id` become named components, referred to by `$ref` wherever they
// appear, so a generated client gets one type per concept.
import { Kind, type TSchema } from "@sinclair/typebox";
import type { AnyElysia } from "elysia";
import { ErrorModel } from "./plugins/errors.ts";

type Json = Record<string, unknown>;

/** Each error status an operation may declare, with its component response. */
const ERROR_RESPONSES = {
  400: ["BadRequest", "the request cannot be read (not JSON, nested too deep, not valid Unicode, a value that cannot be stored)"],
  401: ["Unauthorized", "no bearer token, or one that is invalid, expired or signed with a retired key"],
  403: ["Forbidden", "the caller's role in the workspace does not allow this"],
  404: ["NotFound", "no such resource in the workspace, or one outside the caller's workspaces: the two are not told apart"],
  409: ["Conflict", "the request contradicts the current state"],
  413: ["PayloadTooLarge", "the body is larger than BODY_LIMIT_BYTES"],
  422: ["ValidationFailed", "a value is missing, of the wrong type or out of range; `details` names each place"],
  429: ["RateLimited", "past a rate limit or quota: retry after `Retry-After` seconds"],
  503: ["Unavailable", "PostgreSQL or Redis cannot do its part now; nothing was accepted: retry after `Retry-After` seconds"],
} as const;
export type ErrorStatus = keyof typeof ERROR_RESPONSES;

const retryAfter = { "Retry-After": { description: "seconds to wait", schema: { type: "integer", minimum: 1 } } };

export interface OperationOptions {
  operationId: string;
  summary: string;
  description?: string;
  /** No bearer token needed. */
  public?: boolean;
  /** Acts in the workspace the Workspace-Id header names (the caller's personal one without it). */
  inWorkspace?: boolean;
  /** Not counted by the per-IP rate limit (probes and metrics). */
  unlimited?: boolean;
  /** Each success status: its schema and description, a description alone (no body), or a full response object. */
  ok: Record<number, [TSchema, string] | string | Json>;
  /** The error statuses it can give besides 401 (authenticated), 404 and 422 (in a workspace) and 429. */
  errors?: ErrorStatus[];
  /** The documented request body, where it is stricter than the schema the route checks first (see the route). */
  body?: TSchema;
}

/** A route's `detail`: its operation in the document. */
export function operation(options: OperationOptions) {
  const errors = new Set<ErrorStatus>(options.errors);
  if (!options.public) errors.add(401);
  if (options.inWorkspace) errors.add(404).add(422);
  if (!options.unlimited) errors.add(429);
  const responses: Json = {};
  for (const [status, response] of Object.entries(options.ok)) {
    responses[status] =
      typeof response === "string"
        ? { description: response }
        : Array.isArray(response)
          ? { description: response[1], content: { "application/json": { schema: response[0] } } }
          : response;
  }
  for (const status of [...errors].sort()) responses[status] = { $ref: `#/components/responses/${ERROR_RESPONSES[status][0]}` };
  return {
    operationId: options.operationId,
    summary: options.summary,
    ...(options.description && { description: options.description }),
    ...(options.public && { security: [] }),
    ...(options.inWorkspace && { parameters: [{ $ref: "#/components/parameters/WorkspaceId" }] }),
    ...(options.body && { requestBody: { required: true, content: { "application/json": { schema: options.body } } } }),
    responses,
  } as Record<string, unknown>; // Elysia's detail type is an OpenAPI 3.0 operation; this is 3.1
}

const isSchema = (value: unknown): value is TSchema => typeof value === "object" && value !== null && Kind in value;

/**
 * Elysia's coercing types for path and query parameters (t.Integer, t.Numeric) are unions of the
 * number and a numeric string; a parameter is documented as the number it becomes.
 */
function parameterSchema(schema: Json): Json {
  const branches = schema.anyOf as Json[] | undefined;
  const numeric = branches?.find((branch) => branch.type === "integer" || branch.type === "number");
  if (!numeric || !branches!.some((branch) => branch.type === "string" && typeof branch.format === "string")) return schema;
  const { anyOf: _, default: fallback, ...rest } = schema;
  return { ...rest, ...numeric, ...(fallback !== undefined && { default: fallback }) };
}

interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  schema: Json;
  description?: string;
}

export interface DocumentBase {
  info: Json;
  servers: Json[];
  tags: Json[];
  components: Json;
}

/** The document for every route of `app` that has an operation (routes with `hide` are left out). */
export function openApiDocument(app: AnyElysia, base: DocumentBase): Json {
  const schemas: Record<string, Json> = {};

  /** A TypeBox schema as plain JSON Schema, its `$id`'d parts as components. */
  const convert = (schema: TSchema, root = false): Json => {
    const id = (schema as { $id?: string }).$id;
    if (id && !root) {
      if (!(id in schemas)) {
        schemas[id] = {}; // reserved first: a schema may refer to itself
        schemas[id] = convert(schema, true);
      }
      return { $ref: `#/components/schemas/${id}` };
    }
    const out: Json = {};
    for (const [key, value] of Object.entries(schema)) {
      if (key === "$id" || key === "error") continue; // TypeBox's: the id is the component's name, `error` our message
      out[key] = convertValue(value);
    }
    // A union of string literals reads better as an enum.
    const branches = out.anyOf as Json[] | undefined;
    if (branches?.every((branch) => typeof branch.const === "string")) {
      delete out.anyOf;
      return { type: "string", enum: branches.map((branch) => branch.const), ...out };
    }
    return out;
  };
  const convertValue = (value: unknown): unknown => {
    if (isSchema(value)) return convert(value);
    if (Array.isArray(value)) return value.map(convertValue);
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, nested]) => [key, convertValue(nested)]));
    }
    return value;
  };
  const parametersOf = (schema: unknown, where: Parameter["in"]): Parameter[] => {
    if (!isSchema(schema)) return [];
    const object = convert(schema, true) as { properties?: Record<string, Json>; required?: string[] };
    return Object.entries(object.properties ?? {}).map(([name, property]) => {
      const { description, ...rest } = parameterSchema(property);
      return { name, in: where, required: where === "path" || (object.required ?? []).includes(name), schema: rest, ...(description !== undefined && { description: description as string }) };
    });
  };

  const paths: Record<string, Record<string, Json>> = {};
  for (const route of app.routes) {
    const hooks = (route.hooks ?? {}) as Record<string, unknown>;
    const detail = hooks.detail as Json | undefined;
    if (!detail?.operationId || detail.hide) continue;
    const { parameters: declared = [], requestBody, ...rest } = convertValue(detail) as Json & { parameters?: Json[] };
    const parameters = [
      ...parametersOf(hooks.params, "path"),
      ...parametersOf(hooks.query, "query"),
      ...parametersOf(hooks.headers, "header"),
      ...declared,
    ];
    const body = requestBody ?? (isSchema(hooks.body) && { required: true, content: { "application/json": { schema: convert(hooks.body) } } });
    const path = route.path.replace(/:([^/]+)/g, "{$1}");
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      ...rest,
      ...(parameters.length > 0 && { parameters }),
      ...(body && { requestBody: body }),
    };
  }

  const errorSchema = convert(ErrorModel);
  return {
    openapi: "3.1.0",
    info: base.info,
    servers: base.servers,
    tags: base.tags,
    paths,
    components: {
      ...base.components,
      schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
      responses: Object.fromEntries(
        Object.values(ERROR_RESPONSES).map(([name, description]) => [
          name,
          {
            description,
            ...((name === "RateLimited" || name === "Unavailable") && { headers: retryAfter }),
            content: { "application/json": { schema: errorSchema } },
          },
        ]),
      ),
    },
  };
}
