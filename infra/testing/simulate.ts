/**
 * The offline runner: runs the real program (infra/index.ts) for a stack under Pulumi's mocks
 * (./mocks.ts), with that stack's real `Pulumi.<stack>.yaml` (its placeholders replaced by the
 * stand-ins of ./site.ts), and returns every resource it would register and its outputs. Used by
 * `bun run policy` and the infra tests; no cloud account, CLI or plugin needed.
 *
 * One process, stacks run one after another. Pulumi's runtime state is global per process, but
 * setMocks/setAllConfig/runInPulumiStack replace all of it, so a queue that never overlaps two runs
 * is enough. Measured on 2 cores: importing the SDKs once (~1 s) plus ~0.2 s per stack beats one
 * subprocess per stack (each pays the ~1 s import, on a shared CPU).
 *
 * CLI: `bun infra/testing/simulate.ts [stack...]` prints `{ [stack]: Simulation }` as JSON.
 */
import * as pulumi from "@pulumi/pulumi";
import { YAML } from "bun";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig, type StackConfig } from "../config.ts";
import program from "../index.ts";
import { mocks } from "./mocks.ts";
import { withStandIns } from "./site.ts";

export const stacks = ["dev", "staging", "prod"] as const;
export type StackName = (typeof stacks)[number];

export interface SimulatedResource {
  type: string;
  name: string;
  urn: string;
  /** What the program passed, after Pulumi resolved Outputs (secrets unwrapped). */
  inputs: Record<string, unknown>;
  /** false for component resources (mlts:*); remote components such as eks:index:Cluster count as custom. */
  custom: boolean;
  parent?: string;
  /** Provider reference, `<provider urn>::<id>`. */
  provider?: string;
  dependsOn: string[];
  /** Pulumi's `protect` and `ignoreChanges` options. */
  protect: boolean;
  ignoreChanges: string[];
}

export interface Simulation {
  stack: StackName;
  resources: SimulatedResource[];
  /** Stack outputs with secrets unwrapped; `secretOutputs` names the ones Pulumi would keep secret. */
  outputs: Record<string, unknown>;
  secretOutputs: string[];
}

export interface SimulateOptions {
  /**
   * Overrides of `Pulumi.<stack>.yaml` values, keyed like `pulumi config set --path`:
   * `{ "mlts:database.deletionProtection": "false", "mlts:images.promoteFrom": "acme/x/dev" }`.
   * A value is parsed as JSON when it can be ("false", "3", "[\"a\"]"), else taken as a string.
   */
  config?: Record<string, string>;
  /**
   * "stand-in" (default): placeholders in the stack file take the stand-ins of ./site.ts first.
   * "as-is": the stack file exactly as committed, as `pulumi up` would read it.
   */
  site?: "stand-in" | "as-is";
}

const ROOT = join(import.meta.dirname, "..", "..");
const PROJECT = "ml-task-scheduler";

let queue: Promise<unknown> = Promise.resolve();
const cache = new Map<string, Promise<Simulation>>();

/**
 * Runs the program for one stack under mocks. Calls are serialized (the Pulumi runtime is global)
 * and a repeated call with the same stack and overrides returns the same result: treat it as read-only.
 */
export function simulateStack(stack: StackName, opts: SimulateOptions = {}): Promise<Simulation> {
  const config = stackConfig(stack, opts.config ?? {}, opts.site);
  const key = JSON.stringify([stack, config]);
  let run = cache.get(key);
  if (!run) {
    run = queue.then(() => simulateNow(stack, config));
    queue = run.catch(() => undefined);
    cache.set(key, run);
  }
  return run;
}

/** `Pulumi.<stack>.yaml` as committed. */
export function stackFile(stack: StackName): Record<string, unknown> {
  const file = YAML.parse(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
  return file.config ?? {};
}

/**
 * `Pulumi.<stack>.yaml` with its placeholders' stand-ins (unless `site` is "as-is") and the
 * overrides applied, flattened to the strings setAllConfig takes.
 */
export function stackConfig(stack: StackName, overrides: Record<string, string>, site: SimulateOptions["site"] = "stand-in"): Record<string, string> {
  const config = structuredClone(stackFile(stack));
  const standIns = site === "as-is" ? {} : withStandIns(stack, config).overrides;
  for (const [path, raw] of Object.entries({ ...standIns, ...overrides })) {
    const [key = "", ...fields] = path.split(".");
    const value = parseValue(raw);
    if (fields.length === 0) {
      config[key] = value;
      continue;
    }
    const last = fields.pop()!;
    let node = (config[key] ??= {}) as Record<string, unknown>;
    for (const field of fields) node = (node[field] ??= {}) as Record<string, unknown>;
    node[last] = value;
  }
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

/** The stack's config as the program reads it (same stand-ins and overrides as `simulateStack`). */
export function loadStackConfig(stack: StackName, opts: SimulateOptions = {}): StackConfig {
  const flat = stackConfig(stack, opts.config ?? {}, opts.site);
  const raw = Object.fromEntries(Object.entries(flat).filter(([key]) => key.startsWith("mlts:")).map(([key, value]) => [key.slice("mlts:".length), parseValue(value)]));
  return loadConfig(raw, stack);
}

function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

type Struct = Parameters<typeof pulumi.runtime.deserializeProperties>[0];
/** The fields we record of Pulumi's Register/ReadResourceRequest (protobuf). */
interface ResourceRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getDependenciesList(): string[];
  getProtect?(): boolean;
  getIgnorechangesList?(): string[];
}
type MonitorCallback = (err: unknown, response?: { getUrn(): string }) => void;
interface RecordingMonitor {
  registerResource(req: ResourceRequest & { getCustom(): boolean; getObject(): Struct }, callback: MonitorCallback): Promise<void>;
  /** Reads, e.g. StackReference. */
  readResource(req: ResourceRequest & { getProperties(): Struct }, callback: MonitorCallback): Promise<void>;
}

async function simulateNow(stack: StackName, config: Record<string, string>): Promise<Simulation> {
  const region = config["aws:region"] ?? "us-east-1";
  await pulumi.runtime.setMocks(mocks(region, stack), PROJECT, stack, false);
  pulumi.runtime.setAllConfig(config);

  // Mocks see neither parents nor dependencies, so record them from the monitor's requests.
  const resources: SimulatedResource[] = [];
  const record = (req: ResourceRequest, custom: boolean, inputs: Struct, callback: MonitorCallback): MonitorCallback =>
    (err, response) => {
      if (!err && response) {
        resources.push({
          type: req.getType(),
          name: req.getName(),
          urn: response.getUrn(),
          inputs: unwrapSecrets(pulumi.runtime.deserializeProperties(inputs)) as Record<string, unknown>,
          custom,
          parent: req.getParent() || undefined,
          provider: req.getProvider() || undefined,
          dependsOn: req.getDependenciesList(),
          protect: req.getProtect?.() ?? false,
          ignoreChanges: req.getIgnorechangesList?.() ?? [],
        });
      }
      callback(err, response);
    };
  const monitor = pulumi.runtime.getMonitor() as unknown as RecordingMonitor;
  const register = monitor.registerResource.bind(monitor);
  const read = monitor.readResource.bind(monitor);
  monitor.registerResource = (req, callback) => register(req, record(req, req.getCustom(), req.getObject(), callback));
  monitor.readResource = (req, callback) => read(req, record(req, true, req.getProperties(), callback));

  // Like `pulumi up`, a failure anywhere (the program, an apply callback, a registration) fails the
  // run: catch them all here so none escapes as an unhandled rejection into the caller's process.
  const failures: unknown[] = [];
  const onRejection = (reason: unknown) => failures.push(reason);
  process.on("unhandledRejection", onRejection);
  const exported: Record<string, unknown> = {};
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      try {
        Object.assign(exported, await program());
      } catch (error) {
        failures.push(error);
      }
      return {};
    });
  } finally {
    // Wait for every registration, including those made in apply callbacks after the outputs
    // resolved, so none of them reaches the next stack's mocks.
    await pulumi.runtime.disconnect().catch((error: unknown) => failures.push(error));
    await new Promise((resolve) => setTimeout(resolve, 0));
    process.off("unhandledRejection", onRejection);
  }
  if (failures.length > 0) throw failures[0];
  const outputs: Record<string, unknown> = {};
  const secretOutputs: string[] = [];
  for (const [name, value] of Object.entries(exported)) {
    const output = pulumi.output(value) as pulumi.Output<unknown>;
    if (await pulumi.isSecret(output)) secretOutputs.push(name);
    outputs[name] = await new Promise((resolve) => pulumi.unsecret(output).apply(resolve));
  }
  return { stack, resources, outputs, secretOutputs };
}

/** Secret values arrive wrapped as `{ [specialSigKey]: specialSecretSig, value }`. */
function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return unwrapSecrets(record.value);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
}

if (import.meta.main) {
  const wanted = process.argv.slice(2) as StackName[];
  const results: Record<string, Simulation> = {};
  for (const stack of wanted.length > 0 ? wanted : stacks) results[stack] = await simulateStack(stack);
  console.log(JSON.stringify(results, null, 2));
}
