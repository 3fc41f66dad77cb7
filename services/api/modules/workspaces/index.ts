import { Elysia } from "elysia";
import type { WorkspaceAccess } from "../../../shared/workspaces.ts";
import { operation } from "../../openapi.ts";
import type { Authentication } from "../auth/index.ts";
import { WorkspaceModel } from "./model.ts";
import type { WorkspaceService } from "./service.ts";

/** A workspace is named by the path here: these routes manage the workspace itself. */
export const workspaceRoutes = (service: WorkspaceService, access: WorkspaceAccess, auth: Authentication) =>
  new Elysia({ prefix: "/workspaces", detail: { tags: ["workspaces"], security: [{ bearer: [] }] } })
    .use(auth.authenticated)
    .get("", async ({ user }) => service.list(user.id), {
      detail: operation({ operationId: "listWorkspaces", summary: "The caller's workspaces and role in each", ok: { 200: [WorkspaceModel.list, "personal first, then shared ones"] } }),
    })
    .post(
      "",
      async ({ body, user, set }) => {
        set.status = 201;
        return service.create(user.id, body.name);
      },
      {
        body: WorkspaceModel.create,
        detail: operation({ operationId: "createWorkspace", summary: "Create a shared workspace (the caller is its admin)", ok: { 201: [WorkspaceModel.workspace, "the workspace"] }, errors: [422] }),
      },
    )
    .get("/:id", async ({ params, user }) => service.get(await access.scope(user.id, params.id)), {
      params: WorkspaceModel.idParam,
      detail: operation({ operationId: "getWorkspace", summary: "A workspace and its members", ok: { 200: [WorkspaceModel.details, "the workspace"] }, errors: [404, 422] }),
    })
    .post(
      "/:id/members",
      async ({ params, body, user, set }) => {
        const member = await service.addMember(await access.scope(user.id, params.id), body.email, body.role);
        set.status = 201;
        return member;
      },
      {
        params: WorkspaceModel.idParam,
        body: WorkspaceModel.addMember,
        detail: operation({
          operationId: "addWorkspaceMember",
          summary: "Add an account to a shared workspace (admins)",
          ok: { 201: [WorkspaceModel.member, "the new member"] },
          errors: [403, 404, 409, 422],
        }),
      },
    )
    .patch(
      "/:id/members/:userId",
      async ({ params, body, user }) => service.changeRole(await access.scope(user.id, params.id), params.userId, body.role),
      {
        params: WorkspaceModel.memberParams,
        body: WorkspaceModel.changeRole,
        detail: operation({
          operationId: "changeWorkspaceMemberRole",
          summary: "Change a member's role (admins); it applies within WORKSPACE_ROLE_CACHE_MS",
          ok: { 200: [WorkspaceModel.member, "the member"] },
          errors: [403, 404, 409, 422],
        }),
      },
    )
    .delete(
      "/:id/members/:userId",
      async ({ params, user, set }) => {
        await service.removeMember(await access.scope(user.id, params.id), params.userId);
        set.status = 204;
      },
      {
        params: WorkspaceModel.memberParams,
        detail: operation({
          operationId: "removeWorkspaceMember",
          summary: "Remove a member (admins); they lose access within WORKSPACE_ROLE_CACHE_MS",
          ok: { 204: "removed" },
          errors: [403, 404, 409, 422],
        }),
      },
    );
