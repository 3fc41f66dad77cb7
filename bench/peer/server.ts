/**
 * The peer: what a competent Node team would ship for the same three routes, for the bench to
 * divide by. Fastify 5 with @fastify/jwt, on Node, in production mode, with our Prisma 7 schema
 * over @prisma/adapter-pg (a pool of DB_POOL_SIZE, like the API's) and BullMQ on the same Redis.
 * Same semantics as the API: the bearer token's user, the Workspace-Id header or the personal
 * workspace, the role read from Membership and trusted for WORKSPACE_ROLE_CACHE_MS (2 s), the
 * same request and payload schemas (TypeBox's JSON Schema, compiled by Fastify's Ajv, unknown
 * fields refused), the model version resolved when a task is submitted (`production`, else the
 * latest), the row inserted then the job added with the API's job options (withdrawn and 503
 * when the add fails), the task read by id within the workspace. What it does not copy are our
 * optimisations (token and resolution caches, batched statements, final-task cache).
 *
 * Bundled for Node by the bench: bun build bench/peer/server.ts --target=node.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { Type } from "@sinclair/typebox";
import { Queue } from "bullmq";
import Fastify from "fastify";
import fastifyJwt from "@fastify/jwt";
import { Redis } from "ioredis";
import { PrismaClient } from "../../services/shared/generated/prisma/client.ts";
import { queueOf, taskJobOptions } from "../../services/shared/queues.ts";
import { checkPayload, DEFAULT_ALIAS, PRIORITY, type Submission, taskTypeSchema } from "../../services/shared/tasks/contract.ts";
import { InputError } from "../../services/shared/errors.ts";

const env = (name: string) => process.env[name] ?? (() => { throw new Error(`${name} is required`); })();
const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: env("DATABASE_URL"), max: Number(process.env.DB_POOL_SIZE ?? 10), connectionTimeoutMillis: 5_000 }) });
const redis = new Redis(env("REDIS_URL"), { maxRetriesPerRequest: 1, enableOfflineQueue: false });
const queues = new Map<string, Queue>();
const queue = (name: string) => queues.get(name) ?? queues.set(name, new Queue(name, { connection: redis, prefix: env("QUEUE_PREFIX") })).get(name)!;
const ROLE_CACHE_MS = 2_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const app = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false, coerceTypes: false, strict: false } } });
app.register(fastifyJwt, { secret: env("JWT_SECRET"), verify: { algorithms: ["HS256"] } });

const error = (status: number, code: string, message: string) => Object.assign(new Error(message), { statusCode: status, code });
app.setErrorHandler((err: Error & { statusCode?: number; code?: string; validation?: unknown }, _request, reply) => {
  const status = err instanceof InputError ? 422 : err.validation ? 422 : (err.statusCode ?? 500);
  reply.status(status).send({ error: { code: err.code ?? "error", message: err.message } });
});

const roles = new Map<string, { role: string | null; until: number }>();
async function roleOf(userId: string, workspaceId: string): Promise<string | null> {
  const key = `${workspaceId}:${userId}`;
  const hit = roles.get(key);
  if (hit && hit.until > Date.now()) return hit.role;
  const membership = await prisma.membership.findUnique({ where: { workspaceId_userId: { workspaceId, userId } }, select: { role: true } });
  const role = membership?.role ?? null;
  roles.set(key, { role, until: Date.now() + ROLE_CACHE_MS });
  return role;
}

/** The caller and the workspace the request acts in, as the API's `inWorkspace`. */
async function scope(request: { jwtVerify(): Promise<{ sub?: string }>; headers: Record<string, unknown> }) {
  let sub: string | undefined;
  try {
    sub = (await request.jwtVerify()).sub;
  } catch {
    throw error(401, "unauthorized", "a valid bearer token is required");
  }
  if (!sub || !UUID.test(sub)) throw error(401, "unauthorized", "the token is invalid or expired");
  const named = request.headers["workspace-id"];
  if (named !== undefined && (typeof named !== "string" || !UUID.test(named))) throw error(400, "bad_request", "the Workspace-Id header must be a UUID");
  const workspaceId = (named as string | undefined)?.toLowerCase() ?? sub;
  const role = await roleOf(sub, workspaceId);
  if (role === null) throw workspaceId === sub ? error(401, "unauthorized", "the account of this token no longer exists") : error(404, "not_found", "workspace not found");
  return { userId: sub, workspaceId, role };
}

/** The version a model-using task runs with: the one named, the `production` alias's, else the latest. */
async function resolveVersion(workspaceId: string, payload: { model: string; version?: number; alias?: string }): Promise<number> {
  if (payload.version !== undefined) {
    const model = await prisma.model.findFirst({ where: { workspaceId, name: payload.model, version: payload.version }, select: { version: true } });
    if (model) return model.version;
  } else {
    const alias = await prisma.modelAlias.findUnique({
      where: { workspaceId_model_alias: { workspaceId, model: payload.model, alias: payload.alias ?? DEFAULT_ALIAS } },
      select: { version: { select: { version: true } } },
    });
    if (alias) return alias.version.version;
    if (payload.alias === undefined) {
      const latest = await prisma.model.findFirst({ where: { workspaceId, name: payload.model }, orderBy: { version: "desc" }, select: { version: true } });
      if (latest) return latest.version;
    }
  }
  throw new InputError(`/payload/model: model "${payload.model}" has no such version`);
}

const submission = Type.Object(
  { type: taskTypeSchema, payload: Type.Object({}, { additionalProperties: true }), priority: Type.Optional(Type.Integer({ minimum: PRIORITY.min, maximum: PRIORITY.max })) },
  { additionalProperties: false },
);

app.get("/health", async () => ({ status: "ok" }));

app.get("/tasks/:id", { schema: { params: Type.Object({ id: Type.String({ format: "uuid" }) }) } }, async (request) => {
  const { workspaceId } = await scope(request);
  // By primary key, the workspace compared after, as the API does (see its TaskService.load).
  const task = await prisma.task.findUnique({ where: { id: (request.params as { id: string }).id } });
  if (task?.workspaceId !== workspaceId) throw error(404, "not_found", "task not found");
  return task;
});

app.post("/tasks", { schema: { body: submission } }, async (request, reply) => {
  const { userId, workspaceId, role } = await scope(request);
  if (role === "viewer") throw error(403, "forbidden", "this needs the member role");
  const body = request.body as Submission;
  checkPayload(body);
  const modelVersion = body.type === "train" ? null : await resolveVersion(workspaceId, body.payload as { model: string });
  const task = await prisma.task.create({
    data: { id: crypto.randomUUID(), workspaceId, ownerId: userId, type: body.type, priority: body.priority ?? PRIORITY.default, payload: body.payload as object, modelVersion },
    select: { id: true, status: true, type: true, priority: true },
  });
  try {
    await queue(queueOf[body.type]).add(body.type, {}, taskJobOptions(task));
  } catch {
    await prisma.task.delete({ where: { id: task.id } });
    throw error(503, "unavailable", "the task queue is unavailable");
  }
  reply.status(202);
  return { id: task.id, status: task.status };
});

await app.listen({ port: Number(env("PORT")), host: "127.0.0.1" });
process.on("SIGTERM", async () => {
  await app.close();
  await prisma.$disconnect();
  redis.disconnect();
  process.exit(0);
});
