// Workspaces and their members. Every account has a personal one; shared ones are made by anyone,
// who becomes their admin. Only admins change members, and a workspace always keeps an admin.
// Each change is forgotten by this process's role cache at once (by the others' within
// WORKSPACE_ROLE_CACHE_MS).
import type { Db, Prisma } from "../../../shared/db.ts";
import { isUniqueViolation } from "../../../shared/db.ts";
import { ConflictError, NotFoundError } from "../../../shared/errors.ts";
import { requireRole, type WorkspaceAccess, type WorkspaceRole, type WorkspaceScope } from "../../../shared/workspaces.ts";

const view = (workspace: { id: string; name: string; ownerId: string | null; createdAt: Date }, role: WorkspaceRole) => ({
  id: workspace.id,
  name: workspace.name,
  personal: workspace.ownerId !== null,
  role,
  createdAt: workspace.createdAt,
});

export class WorkspaceService {
  constructor(
    private readonly db: Db,
    private readonly access: WorkspaceAccess,
  ) {}

  async list(userId: string) {
    const memberships = await this.db.membership.findMany({ where: { userId }, include: { workspace: true }, orderBy: { createdAt: "asc" } });
    return { items: memberships.map((m) => view(m.workspace, m.role)) };
  }

  async create(userId: string, name: string) {
    const id = Bun.randomUUIDv7();
    const [workspace] = await this.db.$transaction([
      this.db.workspace.create({ data: { id, name } }),
      this.db.membership.create({ data: { workspaceId: id, userId, role: "admin" } }),
    ]);
    return view(workspace, "admin");
  }

  async get(scope: WorkspaceScope) {
    const workspace = await this.db.workspace.findUniqueOrThrow({
      where: { id: scope.id },
      include: { members: { include: { user: { select: { email: true } } }, orderBy: { createdAt: "asc" } } },
    });
    const members = workspace.members.map((m) => ({ userId: m.userId, email: m.user.email, role: m.role, since: m.createdAt }));
    return { ...view(workspace, scope.role), members };
  }

  async addMember(scope: WorkspaceScope, email: string, role: WorkspaceRole) {
    requireRole(scope, "admin");
    await this.shared(scope.id);
    const user = await this.db.user.findUnique({ where: { email: email.toLowerCase() }, select: { id: true, email: true } });
    if (!user) throw new NotFoundError("account with this email");
    try {
      const member = await this.db.membership.create({ data: { workspaceId: scope.id, userId: user.id, role } });
      this.access.forget(scope.id, user.id);
      return { userId: user.id, email: user.email, role: member.role, since: member.createdAt };
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError("this account is already a member: change its role instead");
      throw error;
    }
  }

  async changeRole(scope: WorkspaceScope, userId: string, role: WorkspaceRole) {
    requireRole(scope, "admin");
    const member = await this.changeMember(scope.id, userId, role === "admin", (tx) =>
      tx.membership.update({ where: { workspaceId_userId: { workspaceId: scope.id, userId } }, data: { role }, include: { user: { select: { email: true } } } }),
    );
    return { userId, email: member.user.email, role: member.role, since: member.createdAt };
  }

  async removeMember(scope: WorkspaceScope, userId: string): Promise<void> {
    requireRole(scope, "admin");
    await this.changeMember(scope.id, userId, false, (tx) => tx.membership.delete({ where: { workspaceId_userId: { workspaceId: scope.id, userId } } }));
  }

  /**
   * Changes a member of a shared workspace, holding the workspace's row lock so two admins demoting
   * each other at once cannot leave it with none.
   */
  private async changeMember<T>(workspaceId: string, userId: string, staysAdmin: boolean, change: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    await this.shared(workspaceId);
    const result = await this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM "Workspace" WHERE id = ${workspaceId}::uuid FOR UPDATE`;
      const member = await tx.membership.findUnique({ where: { workspaceId_userId: { workspaceId, userId } } });
      if (!member) throw new NotFoundError("member");
      if (member.role === "admin" && !staysAdmin) {
        const admins = await tx.membership.count({ where: { workspaceId, role: "admin" } });
        if (admins === 1) throw new ConflictError("a workspace keeps at least one admin: make another member admin first");
      }
      return change(tx);
    });
    this.access.forget(workspaceId, userId);
    return result;
  }

  private async shared(workspaceId: string): Promise<void> {
    const workspace = await this.db.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { ownerId: true } });
    if (workspace.ownerId !== null) throw new ConflictError("a personal workspace has no other members: create a shared workspace");
  }
}
