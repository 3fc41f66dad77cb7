// Resident memory of the processes under test, from /proc (Linux).
import { readFileSync } from "node:fs";
import type { Child } from "../../testing/processes.ts";

/** Resident set size now, in MB (VmRSS of /proc/<pid>/status). */
export function rssMb(child: Child): number {
  const status = readFileSync(`/proc/${child.proc.pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : Number.NaN;
}

/** Samples each process's RSS every 100 ms while `work` runs; returns the work's result and each peak, by name. */
export async function withPeakRss<T>(children: Child[], work: () => Promise<T>): Promise<{ result: T; peakMb: Record<string, number> }> {
  const peakMb: Record<string, number> = {};
  const sample = () => {
    for (const child of children) peakMb[child.name] = Math.max(peakMb[child.name] ?? 0, rssMb(child));
  };
  sample();
  const timer = setInterval(sample, 100);
  try {
    const result = await work();
    sample();
    return { result, peakMb };
  } finally {
    clearInterval(timer);
  }
}
