/**
 * The ceiling GET /tasks/:id and POST /tasks are measured against: what Bun itself does with the
 * same work and nothing else. `Bun.serve`, Bun's built-in SQL client (a pool of DB_POOL_SIZE, as
 * the API's) and jose. Per request: verify the bearer token (HS256), then
 *   GET  /tasks/:id  the same query as the API (the task by id, shown if it is in the caller's
 *                    personal workspace);
 *   POST /tasks      one INSERT of the task and one BullMQ add of its job (the API's job options).
 * No role lookup, no payload schema, no metrics: a bound, not a product.
 *
 *   PORT=… DATABASE_URL=… REDIS_URL=… QUEUE_PREFIX=… JWT_SECRET=… bun bench/ceiling.ts
 */
import { SQL } from "bun";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { jwtVerify } from "jose";
import { queueOf, taskJobOptions } from "../services/shared/queues.ts";
import type { TaskType } from "../services/shared/tasks/contract.ts";

const env = (name: string) => process.env[name] ?? (() => { throw new Error(`${name} is required`); })();
const sql = new SQL({ url: env("DATABASE_URL"), max: Number(process.env.DB_POOL_SIZE ?? 10) });
const connection = new Redis(env("REDIS_URL"), { maxRetriesPerRequest: 1 });
const queues = new Map<string, Queue>();
const queue = (name: string) => queues.get(name) ?? queues.set(name, new Queue(name, { connection, prefix: env("QUEUE_PREFIX") })).get(name)!;
const key = new TextEncoder().encode(env("JWT_SECRET"));

async function userOf(request: Request): Promise<string | undefined> {
  const authorization = request.headers.get("authorization");
  if (!authorization?.startsWith("Bearer ")) return undefined;
  try {
    return (await jwtVerify(authorization.slice(7), key, { algorithms: ["HS256"] })).payload.sub;
  } catch {
    return undefined;
  }
}

const server = Bun.serve({
  port: Number(env("PORT")),
  hostname: "127.0.0.1",
  routes: {
    "/health": new Response("ok"),
    "/tasks/:id": {
      async GET(request) {
        const user = await userOf(request);
        if (!user) return Response.json({ error: "unauthorized" }, { status: 401 });
        const [task] = await sql`SELECT * FROM "Task" WHERE id = ${request.params.id}::uuid`;
        return task?.workspaceId === user ? Response.json(task) : Response.json({ error: "not found" }, { status: 404 });
      },
    },
    "/tasks": {
      async POST(request) {
        const user = await userOf(request);
        if (!user) return Response.json({ error: "unauthorized" }, { status: 401 });
        const body = (await request.json()) as { type: TaskType; payload: object; priority?: number };
        const task = { id: Bun.randomUUIDv7(), type: body.type, priority: body.priority ?? 5 };
        await sql`INSERT INTO "Task" (id, "workspaceId", "ownerId", type, priority, payload)
          VALUES (${task.id}::uuid, ${user}::uuid, ${user}::uuid, ${task.type}, ${task.priority}, ${JSON.stringify(body.payload)}::jsonb)`;
        await queue(queueOf[task.type]).add(task.type, {}, taskJobOptions(task));
        return Response.json({ id: task.id, status: "queued" }, { status: 202 });
      },
    },
  },
  fetch: () => Response.json({ error: "not found" }, { status: 404 }),
});

process.on("SIGTERM", async () => {
  server.stop(true);
  await sql.close();
  connection.disconnect();
  process.exit(0);
});
