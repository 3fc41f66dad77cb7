import { Type } from "@sinclair/typebox";
import { Elysia, sse } from "elysia";
import type { TaskSubmitter } from "../../../shared/tasks/submit.ts";
import { requireRole } from "../../../shared/workspaces.ts";
import { operation } from "../../openapi.ts";
import type { Authentication } from "../auth/index.ts";
import { documentedSubmission, TaskModel } from "./model.ts";
import type { TaskService } from "./service.ts";

export const taskRoutes = (service: TaskService, submitter: TaskSubmitter, auth: Authentication) =>
  new Elysia({ prefix: "/tasks", detail: { tags: ["tasks"], security: [{ bearer: [] }] } })
    .use(auth.inWorkspace)
    .post(
      "",
      async ({ body, headers, user, workspace, set }) => {
        requireRole(workspace, "member");
        const by = { workspaceId: workspace.id, ownerId: user.id };
        const { task, replayed } = await submitter.submit(by, body, headers["idempotency-key"]);
        set.status = 202;
        if (replayed) set.headers["idempotent-replayed"] = "true";
        return { id: task.id, status: task.status };
      },
      {
        body: TaskModel.submission,
        headers: TaskModel.idempotencyHeaders,
        detail: operation({
          operationId: "submitTask",
          summary: "Submit a task",
          description:
            "A predict, batch-predict or drift-check runs with the model version its `version` or `alias` names (neither: " +
            "`production` if set, else the latest), resolved now and kept as the task's `modelVersion`. The same " +
            "`Idempotency-Key` with the same body returns the first task (header `Idempotent-Replayed: true`); with another body, 422.",
          inWorkspace: true,
          body: documentedSubmission,
          ok: {
            202: {
              description: "accepted: stored and queued",
              headers: { "Idempotent-Replayed": { description: "`true` when this is the key's first task", schema: { type: "string", enum: ["true"] } } },
              content: { "application/json": { schema: TaskModel.accepted } },
            },
          },
          errors: [400, 403, 413, 503],
        }),
      },
    )
    .post(
      "/batch",
      async ({ body, user, workspace, set }) => {
        requireRole(workspace, "member");
        set.status = 202;
        return { tasks: await submitter.submitBatch({ workspaceId: workspace.id, ownerId: user.id }, body.tasks) };
      },
      {
        body: TaskModel.batch,
        detail: operation({
          operationId: "submitTasks",
          summary: "Submit up to 100 tasks at once, all or nothing",
          inWorkspace: true,
          body: TaskModel.documentedBatch,
          ok: { 202: [TaskModel.acceptedBatch, "every task accepted, in the order given"] },
          errors: [400, 403, 413, 503],
        }),
      },
    )
    .get("", async ({ query, workspace }) => service.list(workspace.id, query), {
      query: TaskModel.listQuery,
      detail: operation({
        operationId: "listTasks",
        summary: "List the workspace's tasks, newest first (cursor pagination)",
        inWorkspace: true,
        ok: { 200: [TaskModel.page, "a page of tasks, without payloads and results"] },
      }),
    })
    .get(
      "/:id",
      async ({ params, query, workspace, set }) => {
        if (query.wait) return service.wait(workspace.id, params.id, query.wait);
        set.headers["content-type"] = "application/json";
        return service.json(workspace.id, params.id);
      },
      {
        params: TaskModel.idParam,
        query: TaskModel.getQuery,
        detail: operation({
          operationId: "getTask",
          summary: "Get a task, optionally waiting for its final state",
          inWorkspace: true,
          ok: { 200: [TaskModel.task, "the task, with its result or error once final"] },
        }),
      },
    )
    .get(
      "/:id/events",
      async function* ({ params, workspace }) {
        await service.get(workspace.id, params.id); // 404 before the stream opens
        for await (const task of service.follow(workspace.id, params.id)) {
          yield task ? sse({ event: "task", data: task }) : sse({ event: "heartbeat", data: "" });
        }
      },
      {
        params: TaskModel.idParam,
        detail: operation({
          operationId: "streamTask",
          summary: "Stream a task's states (server-sent events)",
          description:
            "An `event: task` per state the task passes through (queued, running, then its final state; `running` is " +
            "never skipped for a task that ran), with the task as `data`, until it is final; `event: heartbeat` when quiet.",
          inWorkspace: true,
          ok: {
            200: {
              description: "a server-sent event stream",
              content: { "text/event-stream": { schema: Type.String({ description: "`event: task` with a Task as JSON `data`, or `event: heartbeat`" }) } },
            },
          },
        }),
      },
    )
    .post(
      "/:id/cancel",
      async ({ params, workspace }) => {
        requireRole(workspace, "member");
        return service.cancel(workspace.id, params.id);
      },
      {
        params: TaskModel.idParam,
        detail: operation({
          operationId: "cancelTask",
          summary: "Cancel a queued or running task",
          inWorkspace: true,
          ok: { 200: [TaskModel.task, "the cancelled task"] },
          errors: [403, 409],
        }),
      },
    );
