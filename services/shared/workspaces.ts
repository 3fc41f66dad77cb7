// Who may do what in a workspace, read from PostgreSQL and trusted for a few seconds at most
// (WORKSPACE_ROLE_CACHE_MS): a member removed or demoted by an admin loses the access within that
// time on every API replica and worker. Both the API (every workspace-scoped request) and the
// worker (a schedule's firing acts for its creator) ask here.
import { type Db, type Sql, sqlOf } from "./db.ts";
import { ForbiddenError, NotFoundError, UnauthenticatedError } from "./errors.ts";

export const WORKSPACE_ROLES = ["viewer", "member", "admin"] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

const RANK: Record<WorkspaceRole, number> = { viewer: 0, member: 1, admin: 2 };

/** What each role may do beyond the one below it. */
export const ROLE_ALLOWS: Record<WorkspaceRole, string> = {
  viewer: "read tasks, models and schedules",
  member: "submit and cancel tasks, manage schedules",
  admin: "move model aliases, delete model versions, manage members",
};

/** A request's workspace and the caller's role in it. */
export interface WorkspaceScope {
  id: string;
  role: WorkspaceRole;
}

/** True when `role` is `needed` or above it. */
export const hasRole = (role: WorkspaceRole | null, needed: WorkspaceRole) => role !== null && RANK[role] >= RANK[needed];

/** Throws ForbiddenError unless `scope.role` is at least `needed`. */
export function requireRole(scope: WorkspaceScope, needed: WorkspaceRole): void {
  if (!hasRole(scope.role, needed)) {
    throw new ForbiddenError(`this needs the ${needed} role in the workspace (to ${ROLE_ALLOWS[needed]}); you are a ${scope.role}`);
  }
}

interface Cached {
  role: WorkspaceRole | null;
  until: number;
}

export class WorkspaceAccess {
  private readonly roles = new Map<string, Cached>();
  private readonly sql: Sql;

  constructor(
    db: Db,
    private readonly ttlMs: number,
    private readonly max = 10_000,
  ) {
    this.sql = sqlOf(db);
  }

  /**
   * The user's role in the workspace; null when they are not a member (or there is no such
   * workspace: the two are told apart to nobody).
   */
  async role(userId: string, workspaceId: string): Promise<WorkspaceRole | null> {
    const key = `${workspaceId}:${userId}`;
    const now = performance.now();
    const hit = this.roles.get(key);
    if (hit && hit.until > now) return hit.role;
    const [row] = await this.sql.query<{ role: WorkspaceRole }>`
      SELECT role::text AS role FROM "Membership" WHERE "workspaceId" = ${workspaceId}::uuid AND "userId" = ${userId}::uuid`;
    const role = row?.role ?? null;
    if (this.ttlMs > 0) {
      this.roles.delete(key); // re-inserted last: the oldest entry is the first to make room
      if (this.roles.size >= this.max) this.roles.delete(this.roles.keys().next().value!);
      this.roles.set(key, { role, until: now + this.ttlMs });
    }
    return role;
  }

  /**
   * The caller's scope in `workspaceId`, or the same 404 a missing workspace gets. A personal
   * workspace (the user's own id) is gone only with its account: then the token stands for nothing.
   */
  async scope(userId: string, workspaceId: string): Promise<WorkspaceScope> {
    const role = await this.role(userId, workspaceId);
    if (role === null && workspaceId === userId) throw new UnauthenticatedError("the account of this token no longer exists");
    if (role === null) throw new NotFoundError("workspace");
    return { id: workspaceId, role };
  }

  /** After this process changed a membership: its next check reads PostgreSQL again. */
  forget(workspaceId: string, userId: string): void {
    this.roles.delete(`${workspaceId}:${userId}`);
  }
}
