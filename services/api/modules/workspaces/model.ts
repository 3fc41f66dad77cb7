import { Type } from "@sinclair/typebox";
import { t } from "elysia";
import { WORKSPACE_ROLES } from "../../../shared/workspaces.ts";

const role = Type.Union(
  WORKSPACE_ROLES.map((name) => Type.Literal(name)),
  { description: "viewer: reads; member: also submits tasks and manages schedules; admin: also moves aliases, deletes versions, manages members" },
);
const dateTime = Type.String({ format: "date-time" });
const workspace = Type.Object(
  {
    id: Type.String({ format: "uuid", description: "send as the Workspace-Id header to act in it" }),
    name: Type.String(),
    personal: Type.Boolean({ description: "the caller's own workspace (its id is the account's): no other members" }),
    role,
    createdAt: dateTime,
  },
  { $id: "Workspace" },
);
const member = Type.Object({ userId: Type.String({ format: "uuid" }), email: Type.String({ format: "email" }), role, since: dateTime }, { $id: "Member" });

export const WorkspaceModel = {
  create: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100, pattern: "\\S" }) }, { additionalProperties: false, $id: "WorkspaceInput", examples: [{ name: "Churn team" }] }),
  addMember: Type.Object(
    { email: Type.String({ format: "email", maxLength: 254 }), role },
    { additionalProperties: false, $id: "MemberInput", examples: [{ email: "grace@example.com", role: "member" }] },
  ),
  changeRole: Type.Object({ role }, { additionalProperties: false, $id: "RoleChange", examples: [{ role: "viewer" }] }),
  idParam: t.Object({ id: t.String({ format: "uuid" }) }),
  memberParams: t.Object({ id: t.String({ format: "uuid" }), userId: t.String({ format: "uuid" }) }),
  workspace,
  list: Type.Object({ items: Type.Array(workspace) }, { $id: "WorkspaceList" }),
  member,
  details: Type.Object({ ...workspace.properties, members: Type.Array(member) }, { $id: "WorkspaceDetails" }),
};
