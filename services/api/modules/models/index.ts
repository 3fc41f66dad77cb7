import { Elysia } from "elysia";
import { operation } from "../../openapi.ts";
import type { Authentication } from "../auth/index.ts";
import { RegistryModel } from "./model.ts";
import type { ModelService } from "./service.ts";

export const modelRoutes = (service: ModelService, auth: Authentication) =>
  new Elysia({ prefix: "/models", detail: { tags: ["models"], security: [{ bearer: [] }] } })
    .use(auth.inWorkspace)
    .get("", async ({ workspace }) => service.list(workspace.id), {
      detail: operation({
        operationId: "listModels",
        summary: "List the workspace's models, with their aliases",
        inWorkspace: true,
        ok: { 200: [RegistryModel.list, "every model of the workspace"] },
      }),
    })
    .get("/:name", async ({ params, workspace }) => service.versions(workspace.id, params.name), {
      params: RegistryModel.nameParam,
      detail: operation({
        operationId: "getModel",
        summary: "A model's versions (newest first) with their metrics, provenance and aliases",
        inWorkspace: true,
        ok: { 200: [RegistryModel.versions, "the model"] },
      }),
    })
    .get("/:name/versions/:version", async ({ params, workspace }) => service.version(workspace.id, params.name, params.version), {
      params: RegistryModel.versionParams,
      detail: operation({
        operationId: "getModelVersion",
        summary: "One version with its parameters and feature statistics",
        inWorkspace: true,
        ok: { 200: [RegistryModel.version, "the version"] },
      }),
    })
    .delete(
      "/:name/versions/:version",
      async ({ params, workspace, set }) => {
        await service.remove(workspace, params.name, params.version);
        set.status = 204;
      },
      {
        params: RegistryModel.versionParams,
        detail: operation({
          operationId: "deleteModelVersion",
          summary: "Delete a version (workspace admins; not while an alias points to it)",
          inWorkspace: true,
          ok: { 204: "deleted, with the inputs it scored" },
          errors: [403, 409],
        }),
      },
    )
    .get("/:name/aliases/:alias", async ({ params, query, workspace }) => service.alias(workspace.id, params.name, params.alias, query.at ? new Date(query.at) : undefined), {
      params: RegistryModel.aliasParams,
      query: RegistryModel.aliasQuery,
      detail: operation({
        operationId: "getModelAlias",
        summary: "The version an alias points to, now or at a given time",
        inWorkspace: true,
        ok: { 200: [RegistryModel.alias, "the alias at that time"] },
      }),
    })
    .put(
      "/:name/aliases/:alias",
      async ({ params, body, user, workspace }) => service.moveAlias(workspace, user.id, params.name, params.alias, body.version),
      {
        params: RegistryModel.aliasParams,
        body: RegistryModel.move,
        detail: operation({
          operationId: "moveModelAlias",
          summary: "Point an alias at a version (workspace admins); the move is recorded",
          description: "Predictions and drift checks that name the alias, or `production` by default, use the new version from their next submission on.",
          inWorkspace: true,
          ok: { 200: [RegistryModel.alias, "the alias after the move"] },
          errors: [403],
        }),
      },
    )
    .delete(
      "/:name/aliases/:alias",
      async ({ params, user, workspace, set }) => {
        await service.removeAlias(workspace, user.id, params.name, params.alias);
        set.status = 204;
      },
      {
        params: RegistryModel.aliasParams,
        detail: operation({
          operationId: "removeModelAlias",
          summary: "Remove an alias (workspace admins); the removal is recorded",
          inWorkspace: true,
          ok: { 204: "removed" },
          errors: [403],
        }),
      },
    )
    .get("/:name/aliases/:alias/history", async ({ params, query, workspace }) => service.history(workspace.id, params.name, params.alias, query.limit), {
      params: RegistryModel.aliasParams,
      query: RegistryModel.historyQuery,
      detail: operation({
        operationId: "getModelAliasHistory",
        summary: "Every move of an alias: who, when, from which version to which",
        inWorkspace: true,
        ok: { 200: [RegistryModel.history, "the moves, newest first"] },
      }),
    });
