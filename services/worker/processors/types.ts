import type { Db, Json } from "../../shared/db.ts";
import type { LoadedModels, ModelVersions } from "../../shared/tasks/models.ts";
import type { ClaimedTask, KeptPredictions, SaveInTransaction } from "../../shared/tasks/store.ts";
import type { Compute } from "../compute/index.ts";

/** What a processor hands back: the task's result, and the rows to write with its final status. */
export interface Outcome {
  result: Json;
  /** Runs in the transaction that marks the task succeeded; its fields are merged into the result. */
  save?: SaveInTransaction;
  /**
   * Scored inputs to keep for drift checks, for outcomes without `save`: inserted by the same single
   * statement that marks the task succeeded (one round trip instead of a four-step transaction).
   */
  predictions?: KeptPredictions;
  /** Runs once the task's final write has committed (e.g. to drop a cached "latest version"). */
  committed?: () => void;
}

export interface ProcessorContext {
  db: Db;
  task: ClaimedTask & { id: string };
  models: LoadedModels;
  versions: ModelVersions;
  /** Runs CPU-bound work off the event loop, within the job time limit. */
  compute: Compute;
  /** Fewest scored inputs a drift check compares. */
  driftMinWindow: number;
}

export type Processor = (payload: unknown, context: ProcessorContext) => Promise<Outcome>;
