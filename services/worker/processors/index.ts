import type { TaskType } from "../../shared/tasks/contract.ts";
import { driftCheck } from "./drift-check.ts";
import { batchPredict, predict } from "./predict.ts";
import { train } from "./train.ts";
import type { Processor } from "./types.ts";

export const processors: Record<TaskType, Processor> = {
  train,
  predict,
  "batch-predict": batchPredict,
  "drift-check": driftCheck,
};
