// The one way a task is accepted, whoever submits it: POST /tasks with or without an
// Idempotency-Key, POST /tasks/batch, and a schedule's firing. The row is inserted first, then its
// job enqueued; a task that cannot be queued is withdrawn (its row deleted) and the submitter told
// so (UnavailableError): nothing half-accepted, nothing run that was refused.
import type { Schedule } from "../db.ts";
import { UnavailableError } from "../errors.ts";
import { enqueueTasks, type Queues } from "../queues.ts";
import { within } from "../within.ts";
import { Batcher } from "./batcher.ts";
import { checkPayload, PRIORITY, type Submission, type TaskStatus, type TaskType } from "./contract.ts";
import type { NewTask, TaskStore } from "./store.ts";

/** BullMQ waits for Redis without limit; a submission does not. */
const ENQUEUE_TIMEOUT_MS = 3_000;

export interface Accepted {
  id: string;
  status: TaskStatus;
}

function newTask(ownerId: string, submission: Submission, idempotencyKey: string | null = null, scheduleId: string | null = null): NewTask {
  return {
    id: Bun.randomUUIDv7(),
    ownerId,
    type: submission.type,
    priority: submission.priority ?? PRIORITY.default,
    payload: submission.payload,
    idempotencyKey,
    scheduleId,
  };
}

export class TaskSubmitter {
  /**
   * The jobs of the tasks inserted in one event-loop turn go to Redis with one addBulk per family
   * queue. They stand or fall together: a failed enqueue withdrew every one of them.
   */
  private readonly enqueuing = new Batcher<NewTask, void>({
    run: (tasks) => this.enqueueOrWithdraw(tasks).then(() => []),
    onFailure: "fail-all",
  });

  constructor(
    private readonly store: TaskStore,
    private readonly queues: Queues,
    private readonly enqueueTimeoutMs = ENQUEUE_TIMEOUT_MS,
  ) {}

  /**
   * Accepts one task once it is stored and queued. The same idempotency key returns the owner's
   * first task, unchanged and not queued again (`replayed`).
   */
  async submit(ownerId: string, submission: Submission, idempotencyKey?: string): Promise<{ task: Accepted; replayed: boolean }> {
    checkPayload(submission);
    const task = newTask(ownerId, submission, idempotencyKey);
    if (idempotencyKey === undefined) {
      await this.store.insert(task);
    } else {
      const stored = await this.store.insertIdempotent({ ...task, idempotencyKey });
      if (!stored.created) return { task: { id: stored.id, status: stored.status }, replayed: true };
    }
    await this.enqueuing.run(task);
    return { task: { id: task.id, status: "queued" }, replayed: false };
  }

  /** All or nothing: every submission is checked before any is stored, then one INSERT and one enqueue. */
  async submitBatch(ownerId: string, submissions: Submission[]): Promise<Accepted[]> {
    submissions.forEach((submission, i) => checkPayload(submission, `/tasks/${i}`));
    const tasks = submissions.map((submission) => newTask(ownerId, submission));
    await this.store.insertAll(tasks);
    await this.enqueueOrWithdraw(tasks);
    return tasks.map((task) => ({ id: task.id, status: "queued" }));
  }

  /**
   * A schedule's firing becomes an ordinary task of its owner. The firing's job id is the
   * idempotency key, so a retried firing never submits its task twice. (Its template was checked
   * when the schedule was written.)
   */
  async submitScheduled(schedule: Schedule, firingId: string): Promise<string> {
    const submission = { type: schedule.taskType as TaskType, payload: schedule.payload ?? {}, priority: schedule.priority };
    const idempotencyKey = `schedule:${firingId}`;
    const task = newTask(schedule.ownerId, submission, idempotencyKey, schedule.id);
    const stored = await this.store.insertIdempotent({ ...task, idempotencyKey });
    if (stored.created) await this.enqueuing.run(task);
    return stored.id;
  }

  /**
   * A task that cannot be queued is not accepted: its row is withdrawn and the submitter gets
   * UnavailableError. Should a timed-out add still land later, the worker finds no row to claim
   * and skips the job.
   */
  private async enqueueOrWithdraw(tasks: NewTask[]): Promise<void> {
    try {
      await within(enqueueTasks(this.queues, tasks), this.enqueueTimeoutMs, "enqueue");
    } catch {
      const withdrawn = await this.store.withdraw(tasks.map((task) => task.id));
      // None left to withdraw: the late enqueue landed and every task already finished, so they
      // were accepted after all, and saying 503 would hide a result the submitter will never ask for.
      if (withdrawn === 0) return;
      throw new UnavailableError("the task queue is unavailable; nothing was accepted, retry shortly");
    }
  }
}
