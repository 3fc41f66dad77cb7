// A Bun Worker thread's entry: runs one computation and answers with its value or its error
// (class names do not cross threads, so an InputError is sent as its name and message).
import { type ComputeReply, type ComputeRequest, computations } from "./computations.ts";

declare const self: Worker;

self.onmessage = ({ data }: MessageEvent<ComputeRequest>) => {
  let reply: ComputeReply;
  try {
    const run = computations[data.kind] as (input: unknown) => unknown;
    reply = { ok: true, value: run(data.input) } as ComputeReply;
  } catch (error) {
    reply = { ok: false, name: (error as Error).name ?? "Error", message: (error as Error).message ?? String(error) };
  }
  self.postMessage(reply);
};
