// The services under test run as real processes, the way they run in production.
import type { Subprocess } from "bun";
import { readFileSync } from "node:fs";

export interface Service {
  name: string;
  proc: Subprocess;
  url: string;
  /** Resident set size now, in MB (VmRSS of /proc/<pid>/status). */
  rssMb(): number;
  stop(): Promise<void>;
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : Number.NaN;
}

/** A free TCP port on loopback (bound, read and released: fine for a single-user benchmark). */
export function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

/** Starts `bun <entry>` with `env` and waits until `readyUrl` answers 200. */
export async function startService(name: string, entry: string, env: Record<string, string>, url: string, readyPath: string): Promise<Service> {
  // BENCH_CPU_PROF=<dir>: each service writes a CPU profile (and its markdown summary) there on exit.
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const proc = Bun.spawn(["bun", ...profile, entry], {
    env: { ...process.env, ...env },
    stdout: "ignore",
    stderr: "pipe",
  });
  let stderr = "";
  void (async () => {
    for await (const chunk of proc.stderr as ReadableStream<Uint8Array>) stderr = (stderr + new TextDecoder().decode(chunk)).slice(-4_000);
  })();
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${name} exited with ${proc.exitCode}: ${stderr}`);
    const ok = await fetch(url + readyPath).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      proc.kill();
      throw new Error(`${name} not ready after 30 s: ${stderr}`);
    }
    await Bun.sleep(100);
  }
  return {
    name,
    proc,
    url,
    rssMb: () => rssMb(proc.pid),
    async stop() {
      if (proc.exitCode !== null) return;
      proc.kill("SIGTERM");
      const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(10_000).then(() => false)]);
      if (!exited) proc.kill("SIGKILL");
    },
  };
}

/** Samples `service`'s RSS every 100 ms while `work` runs; returns the work's result and the peak. */
export async function withPeakRss<T>(services: Service[], work: () => Promise<T>): Promise<{ result: T; peakMb: Record<string, number> }> {
  const peakMb: Record<string, number> = {};
  const sample = () => {
    for (const service of services) peakMb[service.name] = Math.max(peakMb[service.name] ?? 0, service.rssMb());
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
