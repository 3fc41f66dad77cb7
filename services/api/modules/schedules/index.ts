import { Elysia } from "elysia";
import type { authenticated } from "../auth/index.ts";
import { ScheduleModel } from "./model.ts";
import type { ScheduleService } from "./service.ts";

export const scheduleRoutes = (service: ScheduleService, auth: ReturnType<typeof authenticated>) =>
  new Elysia({ prefix: "/schedules", detail: { tags: ["schedules"], security: [{ bearer: [] }] } })
    .use(auth)
    .post(
      "",
      async ({ body, user, set }) => {
        set.status = 201;
        return service.create(user.id, body);
      },
      { body: ScheduleModel.create, detail: { summary: "Create a recurring task (cron or every)" } },
    )
    .get("", async ({ user }) => service.list(user.id), { detail: { summary: "List your schedules" } })
    .get("/:id", async ({ params, user }) => service.get(user.id, params.id), { params: ScheduleModel.idParam })
    .patch("/:id", async ({ params, body, user }) => service.update(user.id, params.id, body), {
      params: ScheduleModel.idParam,
      body: ScheduleModel.update,
      detail: { summary: "Change a schedule (pause with enabled: false)" },
    })
    .delete(
      "/:id",
      async ({ params, user, set }) => {
        await service.remove(user.id, params.id);
        set.status = 204;
      },
      { params: ScheduleModel.idParam },
    );
