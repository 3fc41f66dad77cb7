/**
 * The offline runner: runs the real program (infra/index.ts) for a stack under Pulumi's mocks, with
 * that stack's real `Pulumi.<stack>.yaml`, and returns every resource it would register and its
 * outputs. Used by `bun run policy` and the infra tests; no cloud account, CLI or plugin needed.
 *
 * One process, stacks run one after another. Pulumi's runtime state is global per process, but
 * setMocks/setAllConfig/runInPulumiStack replace all of it, so a queue that never overlaps two runs
 * is enough. Measured on 2 cores: importing the SDKs once (~1 s) plus ~0.2 s per stack beats one
 * subprocess per stack (each pays the ~1 s import, on a shared CPU).
 *
 * CLI: `bun infra/simulate.ts [stack...]` prints `{ [stack]: Simulation }` as JSON.
 */
import * as pulumi from "@pulumi/pulumi";
import { YAML } from "bun";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import program from "./index.ts";

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
}

const ROOT = join(import.meta.dirname, "..");
const PROJECT = "ml-task-scheduler";
const ACCOUNT = "123456789012";

let queue: Promise<unknown> = Promise.resolve();
const cache = new Map<string, Promise<Simulation>>();

/**
 * Runs the program for one stack under mocks. Calls are serialized (the Pulumi runtime is global)
 * and a repeated call with the same stack and overrides returns the same result: treat it as read-only.
 */
export function simulateStack(stack: StackName, opts: SimulateOptions = {}): Promise<Simulation> {
  const config = stackConfig(stack, opts.config ?? {});
  const key = JSON.stringify([stack, config]);
  let run = cache.get(key);
  if (!run) {
    run = queue.then(() => simulateNow(stack, config));
    queue = run.catch(() => undefined);
    cache.set(key, run);
  }
  return run;
}

/** `Pulumi.<stack>.yaml` with the overrides applied, flattened to the strings setAllConfig takes. */
export function stackConfig(stack: StackName, overrides: Record<string, string>): Record<string, string> {
  const file = YAML.parse(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
  const config = structuredClone(file.config ?? {});
  for (const [path, raw] of Object.entries(overrides)) {
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

const hex = (seed: string, length: number) => createHash("sha256").update(seed).digest("hex").slice(0, length);

/** The address the mocks give a LoadBalancer Service (resource `name`), shaped like an NLB's DNS name. */
export function mockLoadBalancerHostname(name: string, stack: StackName, region = "us-east-1"): string {
  return `a${hex(name, 31)}-${hex(stack, 16)}.elb.${region}.amazonaws.com`;
}

/** Mocks that answer like AWS would: ids, ARNs, endpoints, image digests, the EKS kubeconfig. */
function mocks(region: string, stack: StackName): pulumi.runtime.Mocks {
  const registry = `${ACCOUNT}.dkr.ecr.${region}.amazonaws.com`;
  const zones = ["a", "b", "c", "d", "e", "f"].map((z) => `${region}${z}`);
  return {
    call({ token }) {
      switch (token) {
        case "aws:index/getAvailabilityZones:getAvailabilityZones":
          return { names: zones, zoneIds: zones.map((_, i) => `use1-az${i + 1}`), state: "available" };
        case "aws:index/getRegion:getRegion":
          return { name: region, region, endpoint: `ec2.${region}.amazonaws.com` };
        case "aws:index/getPartition:getPartition":
          return { partition: "aws", dnsSuffix: "amazonaws.com" };
        case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
          return { userName: "AWS", password: "mock-ecr-token", proxyEndpoint: `https://${registry}` };
        default:
          return {};
      }
    },
    newResource({ type, name, inputs }) {
      const id = `${name}-${hex(type + name, 8)}`;
      const [pkg = "", module = ""] = type.split(":");
      const state: Record<string, unknown> = { ...inputs };
      if (pkg === "aws") {
        const service = module.split("/")[0];
        state.arn = `arn:aws:${service}:${region}:${ACCOUNT}:${id}`;
        state.name = inputs.name ?? id;
      }
      return { id, state: { ...state, ...stateFor(type, name, id, inputs as Record<string, unknown>) } };
    },
  };

  function stateFor(type: string, name: string, id: string, inputs: Record<string, unknown>): Record<string, unknown> {
    switch (type) {
      case "eks:index:Cluster": {
        const issuer = `oidc.eks.${region}.amazonaws.com/id/${hex(name, 32).toUpperCase()}`;
        const kubeconfig = kubeconfigFor(String(inputs.name ?? name), `https://${hex(name, 32).toUpperCase()}.gr7.${region}.eks.amazonaws.com`);
        return {
          kubeconfig,
          kubeconfigJson: JSON.stringify(kubeconfig),
          oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}`,
          oidcProviderUrl: issuer,
          oidcIssuer: issuer,
          clusterSecurityGroupId: `sg-${hex(`${name}cluster`, 17)}`,
          nodeSecurityGroupId: `sg-${hex(`${name}nodes`, 17)}`,
        };
      }
      case "aws:kms/key:Key":
        return { keyId: hex(name, 32), arn: `arn:aws:kms:${region}:${ACCOUNT}:key/${hex(name, 32)}` };
      case "aws:iam/role:Role":
        return { arn: `arn:aws:iam::${ACCOUNT}:role/${id}` };
      case "aws:ec2/launchTemplate:LaunchTemplate":
        return { latestVersion: 1 };
      case "aws:rds/instance:Instance":
        return { address: `${id}.c${hex(name, 10)}.${region}.rds.amazonaws.com`, endpoint: `${id}.c${hex(name, 10)}.${region}.rds.amazonaws.com:5432` };
      case "aws:elasticache/replicationGroup:ReplicationGroup":
        return { primaryEndpointAddress: `master.${id}.${hex(name, 6)}.use1.cache.amazonaws.com` };
      case "aws:ecr/repository:Repository":
        return { repositoryUrl: `${registry}/${id}`, registryId: ACCOUNT };
      case "docker-build:index:Image": {
        const tag = String((inputs.tags as string[] | undefined)?.[0] ?? name);
        return { ref: `${tag.replace(/:[^:/]+$/, "")}@sha256:${hex(tag, 64)}`, digest: `sha256:${hex(tag, 64)}` };
      }
      case "pulumi:pulumi:StackReference": {
        const upstream = String(inputs.name).split("/").pop();
        const image = (service: string) => `${registry}/mlts-dev-${service}@sha256:${hex(`${upstream}${service}`, 64)}`;
        return { outputs: { apiImage: image("api"), workerImage: image("worker") }, secretOutputNames: [] };
      }
      case "random:index/randomPassword:RandomPassword":
        return { result: hex(name, Number(inputs.length ?? 32)) };
      case "kubernetes:core/v1:Service":
        return (inputs.spec as { type?: string } | undefined)?.type === "LoadBalancer"
          ? { status: { loadBalancer: { ingress: [{ hostname: mockLoadBalancerHostname(name, stack, region) }] } } }
          : {};
      default:
        return {};
    }
  }
}

function kubeconfigFor(cluster: string, server: string) {
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: cluster, cluster: { server, "certificate-authority-data": Buffer.from("mock-ca").toString("base64") } }],
    contexts: [{ name: "aws", context: { cluster, user: "aws" } }],
    "current-context": "aws",
    users: [{ name: "aws", user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", cluster] } } }],
  };
}

if (import.meta.main) {
  const wanted = process.argv.slice(2) as StackName[];
  const results: Record<string, Simulation> = {};
  for (const stack of wanted.length > 0 ? wanted : stacks) results[stack] = await simulateStack(stack);
  console.log(JSON.stringify(results, null, 2));
}
