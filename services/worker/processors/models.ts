import type { Model } from "../../shared/db.ts";
import { InputError } from "../../shared/errors.ts";
import type { ModelReference } from "../../shared/tasks/contract.ts";
import { unresolvable } from "../../shared/tasks/models.ts";
import type { ProcessorContext } from "./types.ts";

/**
 * The model version the task runs with: the one resolved when it was submitted, or (a task queued
 * before versions were resolved at submission) the one its reference names now.
 */
export async function modelOf({ task, models, versions }: ProcessorContext, reference: ModelReference): Promise<Model> {
  const version = task.modelVersion ?? (await versions.resolve(task.workspaceId, [reference]))[0];
  if (version === undefined) throw new InputError(unresolvable(reference));
  return models.load(task.workspaceId, reference.model, version);
}
