import type { Db, Prisma, Schedule } from "../../../shared/db.ts";
import { isUniqueViolation } from "../../../shared/db.ts";
import type { Queues } from "../../../shared/queues.ts";
import { ConflictError, InputError, NotFoundError } from "../../../shared/errors.ts";
import { applySchedule } from "../../../shared/schedules.ts";
import { checkPayload, PRIORITY } from "../../../shared/tasks/contract.ts";
import type { ScheduleInput, ScheduleUpdate } from "./model.ts";

/** The API's view: `every` in ms and the task template as it was submitted. */
const view = (schedule: Schedule) => ({
  id: schedule.id,
  name: schedule.name,
  cron: schedule.cron,
  every: schedule.everyMs,
  enabled: schedule.enabled,
  task: { type: schedule.taskType, payload: schedule.payload, priority: schedule.priority },
  createdAt: schedule.createdAt,
  updatedAt: schedule.updatedAt,
});

function columns(input: ScheduleUpdate) {
  return {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.cron !== undefined && { cron: input.cron, everyMs: null }),
    ...(input.every !== undefined && { everyMs: input.every, cron: null }),
    ...(input.enabled !== undefined && { enabled: input.enabled }),
    ...(input.task && { taskType: input.task.type, payload: input.task.payload, priority: input.task.priority ?? PRIORITY.default }),
  };
}

export class ScheduleService {
  constructor(
    private readonly db: Db,
    private readonly queues: Queues,
  ) {}

  async create(ownerId: string, input: ScheduleInput) {
    if ((input.cron === undefined) === (input.every === undefined)) throw new InputError("give exactly one of cron and every");
    checkPayload(input.task, "/task");
    const { task } = input;
    const data = {
      id: Bun.randomUUIDv7(), ownerId, name: input.name, enabled: input.enabled ?? true,
      cron: input.cron ?? null, everyMs: input.every ?? null,
      taskType: task.type, payload: task.payload, priority: task.priority ?? PRIORITY.default,
    };
    return view(await this.store((tx) => tx.schedule.create({ data })));
  }

  async list(ownerId: string) {
    const schedules = await this.db.schedule.findMany({ where: { ownerId }, orderBy: { createdAt: "asc" } });
    return { items: schedules.map(view) };
  }

  async get(ownerId: string, id: string) {
    return view(await this.owned(ownerId, id));
  }

  async update(ownerId: string, id: string, input: ScheduleUpdate) {
    if (input.cron !== undefined && input.every !== undefined) throw new InputError("give exactly one of cron and every");
    if (input.task) checkPayload(input.task, "/task");
    await this.owned(ownerId, id);
    return view(await this.store((tx) => tx.schedule.update({ where: { id }, data: columns(input) })));
  }

  async remove(ownerId: string, id: string): Promise<void> {
    await this.owned(ownerId, id);
    await this.queues.schedules.removeJobScheduler(id);
    await this.db.schedule.delete({ where: { id } });
  }

  private async owned(ownerId: string, id: string): Promise<Schedule> {
    const schedule = await this.db.schedule.findFirst({ where: { id, ownerId } });
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
      if (isUniqueViolation(error)) throw new ConflictError("a schedule with this name already exists");
      throw error;
    }
  }
}
