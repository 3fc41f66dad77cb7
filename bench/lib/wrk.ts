// Closed-loop throughput with wrk (C, Debian package): the load generator costs far less CPU than
// any JavaScript client, which matters when it shares the machine's 2 cores with the server.
import { join } from "node:path";

export interface WrkResult {
  rps: number;
  requests: number;
  errors: number;
  /** Non-2xx/3xx responses. */
  non2xx: number;
  latencyMs: { p50: number; p99: number };
}

export interface WrkOptions {
  url: string;
  seconds: number;
  connections: number;
  threads: number;
  headers?: Record<string, string>;
  /** A script under bench/wrk/ and the environment it reads. */
  script?: string;
  env?: Record<string, string>;
}

const toMs = (value: string, unit: string) => Number(value) * ({ us: 0.001, ms: 1, s: 1_000, m: 60_000 }[unit] ?? Number.NaN);

export async function wrk(options: WrkOptions): Promise<WrkResult> {
  const args = ["wrk", `-t${options.threads}`, `-c${options.connections}`, `-d${options.seconds}s`, "--latency"];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push("-H", `${name}: ${value}`);
  if (options.script) args.push("-s", join(import.meta.dir, "..", "wrk", options.script));
  args.push(options.url);
  const proc = Bun.spawn(args, { env: { ...process.env, ...options.env }, stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  if ((await proc.exited) !== 0) throw new Error(`wrk failed: ${err || out}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const at = (p: string) => {
    const match = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s|m)`).exec(out);
    return match ? toMs(match[1]!, match[2]!) : Number.NaN;
  };
  if (!Number.isFinite(rps)) throw new Error(`could not read wrk's output:\n${out}`);
  return { rps, requests, errors, non2xx, latencyMs: { p50: at("50"), p99: at("99") } };
}
