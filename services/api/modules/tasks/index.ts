import { Elysia, sse } from "elysia";
import type { TaskSubmitter } from "../../../shared/tasks/submit.ts";
import type { RateLimitPlugin } from "../../plugins/rate-limit.ts";
import type { authenticated } from "../auth/index.ts";
import { TaskModel } from "./model.ts";
import type { TaskService } from "./service.ts";

const PREDICTING = new Set(["predict", "batch-predict"]);

export const taskRoutes = (
  service: TaskService,
  submitter: TaskSubmitter,
  auth: ReturnType<typeof authenticated>,
  limits: RateLimitPlugin,
) =>
  new Elysia({ prefix: "/tasks", detail: { tags: ["tasks"], security: [{ bearer: [] }] } })
    .use(limits)
    .use(auth)
    .post(
      "",
      async ({ body, headers, user, set, limit }) => {
        if (PREDICTING.has(body.type)) limit("predict");
        const { task, replayed } = await submitter.submit(user.id, body, headers["idempotency-key"]);
        set.status = 202;
        if (replayed) set.headers["idempotent-replayed"] = "true";
        return { id: task.id, status: task.status };
      },
      {
        body: TaskModel.submission,
        headers: TaskModel.idempotencyHeaders,
        response: { 202: TaskModel.accepted },
        detail: { summary: "Submit a task", description: "Same `Idempotency-Key` → the first task, never a second." },
      },
    )
    .post(
      "/batch",
      async ({ body, user, set, limit }) => {
        limit("batch");
        set.status = 202;
        return { tasks: await submitter.submitBatch(user.id, body.tasks) };
      },
      { body: TaskModel.batch, response: { 202: TaskModel.acceptedBatch }, detail: { summary: "Submit up to 100 tasks at once" } },
    )
    .get("", async ({ query, user }) => service.list(user.id, query), {
      query: TaskModel.listQuery,
      detail: { summary: "List your tasks, newest first (cursor pagination)" },
    })
    .get(
      "/:id",
      async ({ params, query, user }) => (query.wait ? service.wait(user.id, params.id, query.wait) : service.get(user.id, params.id)),
      { params: TaskModel.idParam, query: TaskModel.getQuery, detail: { summary: "Get a task (optionally wait for its result)" } },
    )
    .get(
      "/:id/events",
      async function* ({ params, user }) {
        await service.get(user.id, params.id); // 404 before the stream opens
        for await (const task of service.follow(user.id, params.id)) {
          yield task ? sse({ event: "task", data: task }) : sse({ event: "heartbeat", data: "" });
        }
      },
      { params: TaskModel.idParam, detail: { summary: "Stream a task's progress (server-sent events)" } },
    )
    .post("/:id/cancel", async ({ params, user }) => service.cancel(user.id, params.id), {
      params: TaskModel.idParam,
      detail: { summary: "Cancel a queued or running task" },
    });
