import { UnrecoverableError } from "bullmq";

/** The task's input can never succeed (unknown model, bad rows): fail it now, no retries. */
export class TaskInputError extends UnrecoverableError {}
