import { Elysia } from "elysia";
import type { authenticated } from "../auth/index.ts";
import { ModelModel } from "./model.ts";
import type { ModelService } from "./service.ts";

export const modelRoutes = (service: ModelService, auth: ReturnType<typeof authenticated>) =>
  new Elysia({ prefix: "/models", detail: { tags: ["models"], security: [{ bearer: [] }] } })
    .use(auth)
    .get("", () => service.list(), { detail: { summary: "List models" } })
    .get("/:name", ({ params }) => service.versions(params.name), {
      params: ModelModel.nameParam,
      detail: { summary: "A model's versions and their metrics" },
    })
    .get("/:name/versions/:version", ({ params }) => service.version(params.name, params.version), {
      params: ModelModel.versionParams,
      detail: { summary: "One version with its parameters and feature statistics" },
    });
