// Runs a task's CPU-bound computation in a fresh Bun Worker thread, so training or a drift check
// never stalls the event loop that renews job locks, answers /health and runs predictions. A new
// thread per computation (about 10 ms to start) keeps nothing between tasks and can be ended at
// any point: past the time limit (WORKER_JOB_TIMEOUT_MS) the thread is terminated and the task
// fails for good. BullMQ's own sandboxed processors were not used: on Bun 1.4.4 its ESM build
// cannot construct one (`module is not defined`), and a sandbox runs the whole processor, which
// would need a database pool in every child for the claim and the final write.
import { InputError } from "../../shared/errors.ts";
import type { Computation, ComputationInput, ComputationOutput, ComputeReply } from "./computations.ts";

export type Compute = <K extends Computation>(kind: K, input: ComputationInput<K>) => Promise<ComputationOutput<K>>;

/** A compute function whose computations each get `timeoutMs` at most. */
export function isolatedCompute(timeoutMs: number): Compute {
  return (kind, input) =>
    new Promise((resolve, reject) => {
      // Beside this module; `bun run build` bundles the thread to dist/worker/thread.ts, beside the worker's bundle.
      const thread = new Worker(new URL("./thread.ts", import.meta.url));
      const timer = setTimeout(() => {
        thread.terminate();
        reject(new InputError(`the ${kind} computation took longer than the limit of ${timeoutMs / 1000} s and was stopped`));
      }, timeoutMs);
      const end = () => {
        clearTimeout(timer);
        thread.terminate();
      };
      thread.onmessage = ({ data }: MessageEvent<ComputeReply<typeof kind>>) => {
        end();
        if (data.ok) resolve(data.value);
        else reject(data.name === "InputError" ? new InputError(data.message) : new Error(`${kind} computation failed: ${data.message}`));
      };
      thread.onerror = (event) => {
        end();
        reject(new Error(`${kind} computation failed: ${event.message}`));
      };
      thread.postMessage({ kind, input });
    });
}
