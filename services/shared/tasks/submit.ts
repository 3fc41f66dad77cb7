// The one way a task is accepted, whoever submits it: POST /tasks with or without an
// Idempotency-Key, POST /tasks/batch, and a schedule's firing. Each counts against its workspace's
// predict or batch limit and has its model reference resolved to a version; then the row is
// inserted, then its job enqueued. A task that cannot be queued is withdrawn (its row deleted) and
// the submitter told so (UnavailableError): nothing half-accepted, nothing run that was refused.
import type { Schedule } from "../db.ts";
import { InputError, RateLimitedError, UnavailableError } from "../errors.ts";
import { enqueueTasks, type Queues } from "../queues.ts";
import { within } from "../within.ts";
import type { WorkspaceLimits } from "../workspace-limits.ts";
import { Batcher } from "./batcher.ts";
import { checkPayload, MODEL_TASK_TYPES, type ModelReference, PRIORITY, type Submission, type TaskStatus, type TaskType } from "./contract.ts";
import { type ModelVersions, unresolvable } from "./models.ts";
import type { NewTask, TaskStore } from "./store.ts";

/** BullMQ waits for Redis without limit; a submission does not. */
const ENQUEUE_TIMEOUT_MS = 3_000;

export interface Accepted {
  id: string;
  status: TaskStatus;
}

/** Who submits, and in which workspace. */
export interface Submitter {
  workspaceId: string;
  ownerId: string;
}

const PREDICTING: ReadonlySet<TaskType> = new Set(["predict", "batch-predict"]);

function newTask(by: Submitter, submission: Submission, modelVersion: number | null, idempotencyKey: string | null = null, scheduleId: string | null = null): NewTask {
  return {
    id: Bun.randomUUIDv7(),
    workspaceId: by.workspaceId,
    ownerId: by.ownerId,
    type: submission.type,
    priority: submission.priority ?? PRIORITY.default,
    payload: submission.payload,
    modelVersion,
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
    private readonly versions: ModelVersions,
    private readonly limits: WorkspaceLimits,
    private readonly enqueueTimeoutMs = ENQUEUE_TIMEOUT_MS,
  ) {}

  /**
   * Accepts one task once it is stored and queued. The same idempotency key returns the owner's
   * first task, unchanged and not queued again (`replayed`); with another request than the first,
   * it is refused (InputError).
   */
  async submit(by: Submitter, submission: Submission, idempotencyKey?: string): Promise<{ task: Accepted; replayed: boolean }> {
    checkPayload(submission);
    const task = newTask(by, submission, await this.admit(by, submission), idempotencyKey);
    if (idempotencyKey === undefined) {
      await this.store.insert(task);
    } else {
      const stored = await this.store.insertIdempotent({ ...task, idempotencyKey });
      if (!stored.sameRequest) {
        throw new InputError("this Idempotency-Key was used for a different request: send the same request again, or use a new key");
      }
      if (!stored.created) return { task: { id: stored.id, status: stored.status }, replayed: true };
    }
    await this.enqueuing.run(task);
    return { task: { id: task.id, status: "queued" }, replayed: false };
  }

  /** All or nothing: every submission is checked before any is stored, then one INSERT and one enqueue. */
  async submitBatch(by: Submitter, submissions: Submission[]): Promise<Accepted[]> {
    submissions.forEach((submission, i) => checkPayload(submission, `/tasks/${i}`));
    await this.limits.hit("batch", by.workspaceId);
    const versions = await this.resolve(by.workspaceId, submissions, true);
    const tasks = submissions.map((submission, i) => newTask(by, submission, versions[i]!));
    await this.store.insertAll(tasks);
    await this.enqueueOrWithdraw(tasks);
    return tasks.map((task) => ({ id: task.id, status: "queued" }));
  }

  /**
   * A schedule's firing becomes an ordinary task of its creator in its workspace, counted against
   * the same limits as one submitted by hand. The firing's job id is the idempotency key, so a
   * retried firing never submits its task twice. A firing past its workspace's limit, or whose
   * model is gone, is kept as a failed task saying why. (Its template was checked when the
   * schedule was written.)
   */
  async submitScheduled(schedule: Schedule, firingId: string): Promise<string> {
    const submission = { type: schedule.taskType as TaskType, payload: schedule.payload ?? {}, priority: schedule.priority };
    const by = { workspaceId: schedule.workspaceId, ownerId: schedule.ownerId };
    const idempotencyKey = `schedule:${firingId}`;
    let modelVersion: number | null;
    try {
      modelVersion = await this.admit(by, submission);
    } catch (error) {
      if (!(error instanceof InputError || error instanceof RateLimitedError)) throw error;
      return this.store.insertRefused({ ...newTask(by, submission, null, idempotencyKey, schedule.id), idempotencyKey }, `schedule firing refused: ${error.message}`);
    }
    const task = newTask(by, submission, modelVersion, idempotencyKey, schedule.id);
    const stored = await this.store.insertIdempotent({ ...task, idempotencyKey });
    if (stored.created) await this.enqueuing.run(task);
    return stored.id;
  }

  /** One task past its workspace's predict limit, with the model version it will run (null if it uses none). */
  private async admit(by: Submitter, submission: Submission): Promise<number | null> {
    if (PREDICTING.has(submission.type)) await this.limits.hit("predict", by.workspaceId);
    const [modelVersion] = await this.resolve(by.workspaceId, [submission]);
    return modelVersion!;
  }

  /**
   * The model version each submission runs with (null for those that use none); InputError naming
   * the first submission whose model reference names no version in the workspace.
   */
  private async resolve(workspaceId: string, submissions: Submission[], inBatch = false): Promise<(number | null)[]> {
    const using = submissions.flatMap((submission, i) => (MODEL_TASK_TYPES.has(submission.type) ? [i] : []));
    if (using.length === 0) return submissions.map(() => null);
    const references = using.map((i) => submissions[i]!.payload as ModelReference);
    const found = await this.versions.resolve(workspaceId, references);
    const versions: (number | null)[] = submissions.map(() => null);
    for (const [k, index] of using.entries()) {
      if (found[k] === undefined) {
        const path = `${inBatch ? `/tasks/${index}` : ""}/payload/model`;
        const message = unresolvable(references[k]!);
        throw new InputError(`${path}: ${message}`, [{ path, message }]);
      }
      versions[index] = found[k]!;
    }
    return versions;
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
