// Child processes of tests, benchmarks and fault runs, above all the real services as production
// runs them (`bun services/<kind>/main.ts`, configured by environment only). Everything started
// here is registered: stopAll() takes it down, and whatever is left is killed when this process
// exits, even after a failure.
import type { Subprocess } from "bun";
import { join } from "node:path";
import { until } from "./polling.ts";

export const REPO = join(import.meta.dir, "..");

/** Something started here that must not outlive the run. */
export interface Owned {
  /** Best-effort synchronous kill and removal, for process exit. */
  killNow(): void;
  destroy(): Promise<void>;
}

const owned = new Set<Owned>();
process.on("exit", () => {
  for (const thing of owned) thing.killNow();
});

export function own<T extends Owned>(thing: T): T {
  owned.add(thing);
  return thing;
}

/** Stops everything started here (newest first: services before the stores they use). */
export async function stopAll(): Promise<void> {
  for (const thing of [...owned].reverse()) {
    await thing.destroy().catch(() => thing.killNow());
    owned.delete(thing);
  }
}

/** Runs a command to its end (nothing to own: it is over when this resolves), with what it wrote. */
export async function runToEnd(cmd: string[], options: { cwd?: string; stdin?: Blob } = {}): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const child = Bun.spawn(cmd, { cwd: options.cwd, stdin: options.stdin, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { stdout, stderr, exitCode };
}

/** A child process whose output is kept, for assertions and for the message when it dies. */
export class Child {
  readonly proc: Subprocess<"ignore", "pipe", "pipe">;
  private text = { stdout: "", stderr: "", both: "" };
  private readonly drained: Promise<unknown>;

  constructor(
    readonly name: string,
    cmd: string[],
    env: Record<string, string>,
    cwd = REPO,
  ) {
    this.proc = Bun.spawn(cmd, { cwd, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    this.drained = Promise.all([this.collect(this.proc.stdout, "stdout"), this.collect(this.proc.stderr, "stderr")]);
  }

  private async collect(stream: ReadableStream<Uint8Array>, kind: "stdout" | "stderr"): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      const text = decoder.decode(chunk, { stream: true });
      this.text[kind] += text;
      this.text.both += text;
    }
  }

  /** Everything the process wrote so far (both streams, interleaved as read). */
  get output(): string {
    return this.text.both;
  }

  get stderr(): string {
    return this.text.stderr;
  }

  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Resolves the exit code (null if signalled) once the process exited and all its output is read. */
  async exited(): Promise<number | null> {
    await this.proc.exited;
    await this.drained;
    return this.proc.exitCode;
  }

  /** Sends `signal` and waits for the exit; SIGKILL after `timeoutMs`. Resolves the exit code (null if signalled). */
  async stop(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 15_000): Promise<number | null> {
    if (this.alive) {
      this.proc.kill(signal);
      const timer = setTimeout(() => this.proc.kill("SIGKILL"), timeoutMs);
      await this.proc.exited;
      clearTimeout(timer);
    }
    return this.exited();
  }

  /** Waits until `url` answers 2xx; throws with the process's last output if it exits first. */
  async serving(url: string, timeoutMs = 30_000): Promise<void> {
    await until(`${this.name} at ${url}`, async () => !this.alive || (await fetch(url)).ok, timeoutMs);
    if (!this.alive) throw new Error(`${this.name} exited (${this.proc.exitCode ?? this.proc.signalCode}):\n${this.output.slice(-4_000)}`);
  }
}

export interface ServiceOptions {
  /** The checkout whose services/ to run (an A/B of a change); this one by default. */
  root?: string;
  /** Arguments for bun itself, e.g. a CPU profile's. */
  bunArgs?: string[];
  /** Where it counts as started: the API's readiness when it must reach its stores, else liveness. */
  readyPath?: string;
}

/** The real `bun services/<kind>/main.ts`, with only the environment given (plus PATH and HOME). */
export class ServiceProcess implements Owned {
  child: Child;
  /** Output of earlier runs of this service (before restarts), for log checks. */
  private earlier = "";

  constructor(
    readonly kind: "api" | "worker",
    readonly env: Record<string, string>,
    private readonly options: ServiceOptions = {},
  ) {
    this.child = this.spawn();
    own(this);
  }

  /** Starts the service (its port from env) and waits until it answers. */
  static async start(kind: "api" | "worker", env: Record<string, string>, options: ServiceOptions = {}): Promise<ServiceProcess> {
    const service = new ServiceProcess(kind, env, options);
    await service.ready();
    return service;
  }

  private spawn(): Child {
    const entry = join(this.options.root ?? REPO, `services/${this.kind}/main.ts`);
    return new Child(this.kind, ["bun", ...(this.options.bunArgs ?? []), entry], {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      ...this.env,
    });
  }

  get port(): number {
    return Number(this.kind === "api" ? this.env.PORT : this.env.WORKER_PORT);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  ready(timeoutMs = 20_000): Promise<void> {
    return this.child.serving(this.url + (this.options.readyPath ?? "/health"), timeoutMs);
  }

  /** Starts it again after it stopped or was killed. */
  async restart(): Promise<void> {
    this.earlier += this.child.output;
    this.child = this.spawn();
    await this.ready();
  }

  /** All output of every run so far. */
  get logs(): string {
    return this.earlier + this.child.output;
  }

  killNow(): void {
    this.child.proc.kill("SIGKILL");
  }

  async destroy(): Promise<void> {
    await this.child.stop("SIGTERM");
  }
}
