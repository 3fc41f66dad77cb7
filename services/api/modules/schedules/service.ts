import type { Db, Prisma, Schedule } from "../../../shared/db.ts";
import { isUniqueViolation } from "../../../shared/db.ts";
import { ConflictError, InputError, NotFoundError } from "../../../shared/errors.ts";
import type { Queues } from "../../../shared/queues.ts";
import { applySchedule, shortestCronGapMs } from "../../../shared/schedules.ts";
import { checkPayload, PRIORITY } from "../../../shared/tasks/contract.ts";
import { requireRole, type WorkspaceScope } from "../../../shared/workspaces.ts";
import type { ScheduleInput, ScheduleUpdate } from "./model.ts";

/** The API's view: `every` in ms and the task template as it was submitted. */
const view = (schedule: Schedule) => ({
  id: schedule.id,
  workspaceId: schedule.workspaceId,
  ownerId: schedule.ownerId,
  name: schedule.name,
  cron: schedule.cron,
  every: schedule.everyMs === null ? null : Number(schedule.everyMs),
  enabled: schedule.enabled,
  task: { type: schedule.taskType, payload: schedule.payload, priority: schedule.priority },
  createdAt: schedule.createdAt,
  updatedAt: schedule.updatedAt,
});

function columns(input: ScheduleUpdate) {
  return {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.cron !== undefined && { cron: input.cron, everyMs: null }),
    ...(input.every !== undefined && { everyMs: BigInt(input.every), cron: null }),
    ...(input.enabled !== undefined && { enabled: input.enabled }),
    ...(input.task && { taskType: input.task.type, payload: input.task.payload, priority: input.task.priority ?? PRIORITY.default }),
  };
}

export interface ScheduleQuotas {
  perWorkspace: number;
  minIntervalMs: number;
}

export class ScheduleService {
  constructor(
    private readonly db: Db,
    private readonly queues: Queues,
    private readonly quotas: ScheduleQuotas,
  ) {}

  async create(scope: WorkspaceScope, ownerId: string, input: ScheduleInput) {
    requireRole(scope, "member");
    if ((input.cron === undefined) === (input.every === undefined)) throw new InputError("give exactly one of cron and every");
    this.checkTiming(input);
    checkPayload(input.task, "/task");
    const { task } = input;
    const data = {
      id: Bun.randomUUIDv7(), workspaceId: scope.id, ownerId, name: input.name, enabled: input.enabled ?? true,
      cron: input.cron ?? null, everyMs: input.every === undefined ? null : BigInt(input.every),
      taskType: task.type, payload: task.payload, priority: task.priority ?? PRIORITY.default,
    };
    return view(
      await this.store(async (tx) => {
        // One workspace's creations one at a time, so two at once cannot both take the last place.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`schedules:${scope.id}`}))`;
        const count = await tx.schedule.count({ where: { workspaceId: scope.id } });
        if (count >= this.quotas.perWorkspace) {
          throw new ConflictError(`the workspace has ${count} schedules, the most it may have (SCHEDULES_PER_WORKSPACE): delete one first`);
        }
        return tx.schedule.create({ data });
      }),
    );
  }

  async list(workspaceId: string) {
    const schedules = await this.db.schedule.findMany({ where: { workspaceId }, orderBy: { createdAt: "asc" } });
    return { items: schedules.map(view) };
  }

  async get(workspaceId: string, id: string) {
    return view(await this.inWorkspace(workspaceId, id));
  }

  async update(scope: WorkspaceScope, id: string, input: ScheduleUpdate) {
    requireRole(scope, "member");
    if (input.cron !== undefined && input.every !== undefined) throw new InputError("give exactly one of cron and every");
    this.checkTiming(input);
    if (input.task) checkPayload(input.task, "/task");
    await this.inWorkspace(scope.id, id);
    return view(await this.store((tx) => tx.schedule.update({ where: { id }, data: columns(input) })));
  }

  async remove(scope: WorkspaceScope, id: string): Promise<void> {
    requireRole(scope, "member");
    await this.inWorkspace(scope.id, id);
    await this.queues.schedules.removeJobScheduler(id);
    await this.db.schedule.delete({ where: { id } });
  }

  /** Firings no closer together than SCHEDULE_MIN_INTERVAL_MS, whether by `every` or by a cron pattern. */
  private checkTiming({ cron, every }: ScheduleUpdate): void {
    const minimum = this.quotas.minIntervalMs;
    if (every !== undefined && every < minimum) throw new InputError(`every must be at least ${minimum} ms (SCHEDULE_MIN_INTERVAL_MS)`);
    if (cron !== undefined) {
      const gap = shortestCronGapMs(cron);
      if (gap < minimum) throw new InputError(`cron pattern "${cron}" fires ${gap} ms apart at its closest; the minimum is ${minimum} ms (SCHEDULE_MIN_INTERVAL_MS)`);
    }
  }

  private async inWorkspace(workspaceId: string, id: string): Promise<Schedule> {
    const schedule = await this.db.schedule.findFirst({ where: { id, workspaceId } });
    if (!schedule) throw new NotFoundError("schedule");
    return schedule;
  }

  /**
   * Writes the row and the job scheduler together: a bad cron pattern or a Redis failure rolls
   * the row back too, so PostgreSQL never holds a schedule Redis cannot run.
   */
  private async store(write: (tx: Prisma.TransactionClient) => Promise<Schedule>): Promise<Schedule> {
    try {
      return await this.db.$transaction(async (tx) => {
        const schedule = await write(tx);
        await applySchedule(this.queues.schedules, schedule);
        return schedule;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError("a schedule with this name already exists in the workspace");
      throw error;
    }
  }
}
