// A job scheduler's firing becomes an ordinary task, through the one submit path.
import type { Job } from "bullmq";
import type { Db } from "../shared/db.ts";
import type { TaskSubmitter } from "../shared/tasks/submit.ts";

export function scheduleFirer(db: Db, submitter: TaskSubmitter) {
  return async function fireSchedule(job: Job<{ scheduleId: string }>): Promise<{ taskId?: string }> {
    const schedule = await db.schedule.findUnique({ where: { id: job.data.scheduleId } });
    if (!schedule?.enabled) return {}; // deleted or paused since this firing was planned
    return { taskId: await submitter.submitScheduled(schedule, job.id!) };
  };
}
