// A job scheduler's firing becomes an ordinary task, through the one submit path, as long as the
// schedule's creator may still submit in its workspace.
import type { Job } from "bullmq";
import type { Db } from "../shared/db.ts";
import type { Logger } from "../shared/logger.ts";
import type { TaskSubmitter } from "../shared/tasks/submit.ts";
import { hasRole, type WorkspaceAccess } from "../shared/workspaces.ts";

export function scheduleFirer(db: Db, submitter: TaskSubmitter, access: WorkspaceAccess, logger: Logger) {
  return async function fireSchedule(job: Job<{ scheduleId: string }>): Promise<{ taskId?: string }> {
    const schedule = await db.schedule.findUnique({ where: { id: job.data.scheduleId } });
    if (!schedule?.enabled) return {}; // deleted or paused since this firing was planned
    // A creator removed from the workspace, or made a viewer, no longer submits there.
    if (!hasRole(await access.role(schedule.ownerId, schedule.workspaceId), "member")) {
      logger.info("schedule firing skipped: its creator may no longer submit in the workspace", { scheduleId: schedule.id });
      return {};
    }
    return { taskId: await submitter.submitScheduled(schedule, job.id!) };
  };
}
