import { Elysia } from "elysia";
import type { authenticated } from "../auth/index.ts";
import { ModelParams } from "./model.ts";
import type { ModelService } from "./service.ts";

export const modelRoutes = (service: ModelService, auth: ReturnType<typeof authenticated>) =>
  new Elysia({ prefix: "/models", detail: { tags: ["models"], security: [{ bearer: [] }] } })
    .use(auth)
    .get("", async () => service.list(), { detail: { summary: "List models" } })
    .get("/:name", async ({ params }) => service.versions(params.name), {
      params: ModelParams.name,
      detail: { summary: "A model's versions and their metrics" },
    })
    .get("/:name/versions/:version", async ({ params }) => service.version(params.name, params.version), {
      params: ModelParams.version,
      detail: { summary: "One version with its parameters and feature statistics" },
    })
    .delete(
      "/:name/versions/:version",
      async ({ params, user, set }) => {
        await service.remove(user.role, params.name, params.version);
        set.status = 204;
      },
      { params: ModelParams.version, detail: { summary: "Delete a version (admin)" } },
    );
