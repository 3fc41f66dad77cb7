import { Elysia } from "elysia";
import { operation } from "../../openapi.ts";
import type { Authentication } from "../auth/index.ts";
import { ScheduleModel, scheduleList } from "./model.ts";
import type { ScheduleService } from "./service.ts";

export const scheduleRoutes = (service: ScheduleService, auth: Authentication) =>
  new Elysia({ prefix: "/schedules", detail: { tags: ["schedules"], security: [{ bearer: [] }] } })
    .use(auth.inWorkspace)
    .post(
      "",
      async ({ body, user, workspace, set }) => {
        set.status = 201;
        return service.create(workspace, user.id, body);
      },
      {
        body: ScheduleModel.create,
        detail: operation({
          operationId: "createSchedule",
          summary: "Create a recurring task (cron or every)",
          description:
            "Each firing is submitted as the creator, in the workspace, and counts against the same predict limit as a " +
            "submission by hand; a firing that cannot be accepted is kept as a failed task saying why.",
          inWorkspace: true,
          body: ScheduleModel.documentedCreate,
          ok: { 201: [ScheduleModel.schedule, "the schedule"] },
          errors: [400, 403, 409],
        }),
      },
    )
    .get("", async ({ workspace }) => service.list(workspace.id), {
      detail: operation({ operationId: "listSchedules", summary: "List the workspace's schedules", inWorkspace: true, ok: { 200: [scheduleList, "the schedules"] } }),
    })
    .get("/:id", async ({ params, workspace }) => service.get(workspace.id, params.id), {
      params: ScheduleModel.idParam,
      detail: operation({ operationId: "getSchedule", summary: "Get a schedule", inWorkspace: true, ok: { 200: [ScheduleModel.schedule, "the schedule"] } }),
    })
    .patch("/:id", async ({ params, body, workspace }) => service.update(workspace, params.id, body), {
      params: ScheduleModel.idParam,
      body: ScheduleModel.update,
      detail: operation({
        operationId: "updateSchedule",
        summary: "Change a schedule (pause with enabled: false)",
        inWorkspace: true,
        body: ScheduleModel.documentedUpdate,
        ok: { 200: [ScheduleModel.schedule, "the schedule as changed"] },
        errors: [400, 403, 409],
      }),
    })
    .delete(
      "/:id",
      async ({ params, workspace, set }) => {
        await service.remove(workspace, params.id);
        set.status = 204;
      },
      {
        params: ScheduleModel.idParam,
        detail: operation({ operationId: "deleteSchedule", summary: "Delete a schedule", inWorkspace: true, ok: { 204: "deleted" }, errors: [403] }),
      },
    );
