// Where tasks go in Redis: one BullMQ queue per task family. The job id is always the task id, so a
// task can never be queued twice (BullMQ ignores an add whose job id already exists).
import { type JobsOptions, Queue, type Telemetry } from "bullmq";
import type { Redis } from "./redis.ts";
import type { TaskType } from "./tasks/contract.ts";
import type { ClaimedTask } from "./tasks/store.ts";

export const FAMILY_QUEUES = ["train", "predict", "drift"] as const;
export type FamilyQueue = (typeof FAMILY_QUEUES)[number];

/** Job schedulers (recurring Schedules) fire here; each firing submits a task to its family queue. */
export const SCHEDULES_QUEUE = "schedules";

export const queueOf: Record<TaskType, FamilyQueue> = {
  train: "train",
  predict: "predict",
  "batch-predict": "predict",
  "drift-check": "drift",
};

export const TASK_ATTEMPTS = 3;

export interface Queues {
  families: Record<FamilyQueue, Queue>;
  schedules: Queue;
  close(): Promise<void>;
}

export function createQueues(connection: Redis, prefix: string, telemetry?: Telemetry): Queues {
  // Connection errors are the connection's to report (its owner logs them); BullMQ re-emits them here.
  const open = (name: string) => new Queue(name, { connection, prefix, telemetry }).on("error", () => {});
  const families = { train: open("train"), predict: open("predict"), drift: open("drift") };
  const schedules = open(SCHEDULES_QUEUE);
  return {
    families,
    schedules,
    close: async () => {
      await Promise.all([...Object.values(families), schedules].map((queue) => queue.close()));
    },
  };
}

/** The API's priority (1..10, higher is sooner) as BullMQ's (1 is the highest). */
export const bullPriority = (priority: number) => 11 - priority;

export function taskJobOptions(task: { id: string; priority: number }): JobsOptions {
  return {
    jobId: task.id,
    priority: bullPriority(task.priority),
    attempts: TASK_ATTEMPTS,
    backoff: { type: "exponential", delay: 1_000 },
    // Bounded history: PostgreSQL is the record of results, Redis only the work in flight.
    removeOnComplete: { age: 3_600, count: 10_000 },
    removeOnFail: { age: 24 * 3_600, count: 10_000 },
  };
}

export interface QueuedTask {
  id: string;
  type: TaskType;
  priority: number;
}

/** A job's data: a predict job carries its task as stored (see carriedTask); any other, nothing. */
export interface TaskJobData {
  task?: ClaimedTask;
}

/**
 * What a job carries. A predict job carries its task (a few hundred bytes, and a task's payload,
 * owner and model version never change), so its worker runs it without first reading it from
 * PostgreSQL, and marks it succeeded in one write (store.finish with `started`): per prediction
 * one statement and one row version fewer, which the pipeline is bound by. Jobs put back by the
 * reconciler carry nothing, nor do the larger or longer task types: their worker claims them.
 */
function jobData(task: QueuedTask & Partial<ClaimedTask>): TaskJobData {
  if (task.type !== "predict" || task.payload === undefined) return {};
  const { type, payload, workspaceId, ownerId, modelVersion } = task as QueuedTask & ClaimedTask;
  return { task: { type, payload, workspaceId, ownerId, modelVersion } };
}

/** Enqueues many tasks with one round trip per family queue. */
export async function enqueueTasks(queues: Queues, tasks: (QueuedTask & Partial<ClaimedTask>)[]): Promise<void> {
  const byQueue = new Map<FamilyQueue, (QueuedTask & Partial<ClaimedTask>)[]>();
  for (const task of tasks) {
    const family = queueOf[task.type];
    byQueue.set(family, [...(byQueue.get(family) ?? []), task]);
  }
  await Promise.all(
    [...byQueue].map(([family, group]) =>
      queues.families[family].addBulk(group.map((task) => ({ name: task.type, data: jobData(task), opts: taskJobOptions(task) }))),
    ),
  );
}
