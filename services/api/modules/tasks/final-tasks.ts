// Tasks in a final state, kept in memory with their JSON: GET /tasks/:id of a finished task (what
// clients poll for, and read again) then costs no PostgreSQL round trip and no serialisation.
//
// Why this is never stale: every write to a task is conditional on a state it leaves (queued or
// running, services/shared/tasks/store.ts), so a final row is never written again, and only queued
// or running rows are ever deleted (withdraw). What PostgreSQL held when a task was read final it
// holds for good, on every replica: nothing needs invalidating. Tasks that are not final are never
// kept. The cache holds no access decision: the caller's role in the workspace is checked on every
// request before it is asked, and an entry answers only for the workspace that holds the task.
import type { Task } from "../../../shared/db.ts";
import { FINAL_STATUSES } from "../../../shared/tasks/contract.ts";

export interface FinalTask {
  task: Task;
  /** The task as the API answers it. */
  json: string;
}

export class FinalTasks {
  private readonly entries = new Map<string, FinalTask>();
  private bytes = 0;

  /** Bounded by the JSON's total length (a batch-predict's result can be large): the oldest make room. */
  constructor(private readonly maxBytes = 32 * 1024 * 1024) {}

  get(workspaceId: string, id: string): FinalTask | undefined {
    const entry = this.entries.get(id);
    return entry?.task.workspaceId === workspaceId ? entry : undefined;
  }

  /** Keeps the task if it is final; returns a final task's JSON, which the caller then need not make again. */
  add(task: Task): string | undefined {
    if (!FINAL_STATUSES.has(task.status)) return undefined;
    const kept = this.entries.get(task.id);
    if (kept) return kept.json;
    const json = JSON.stringify(task);
    if (json.length > this.maxBytes / 64) return json;
    for (const [id, oldest] of this.entries) {
      if (this.bytes + json.length <= this.maxBytes) break;
      this.entries.delete(id);
      this.bytes -= oldest.json.length;
    }
    this.entries.set(task.id, { task, json });
    this.bytes += json.length;
    return json;
  }
}
