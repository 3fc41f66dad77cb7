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
  outputs: Record<string, unknown>;
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

/** Runs the program for one stack under mocks. Calls are serialized (the Pulumi runtime is global). */
export function simulateStack(stack: StackName, opts: SimulateOptions = {}): Promise<Simulation> {
  const run = queue.then(() => simulateNow(stack, stackConfig(stack, opts.config ?? {})));
  queue = run.catch(() => undefined);
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

/** The subset of Pulumi's RegisterResourceRequest/Response (protobuf) that we record. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getDependenciesList(): string[];
  getObject(): Parameters<typeof pulumi.runtime.deserializeProperties>[0];
}
type RegisterCallback = (err: unknown, response?: { getUrn(): string }) => void;
interface RecordingMonitor {
  registerResource(req: RegisterRequest, callback: RegisterCallback): Promise<void>;
}

async function simulateNow(stack: StackName, config: Record<string, string>): Promise<Simulation> {
  const region = config["aws:region"] ?? "us-east-1";
  await pulumi.runtime.setMocks(mocks(region, stack), PROJECT, stack, false);
  pulumi.runtime.setAllConfig(config);

  // Mocks see neither parents nor dependencies, so record them from the monitor's requests.
  const resources: SimulatedResource[] = [];
  const monitor = pulumi.runtime.getMonitor() as unknown as RecordingMonitor;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => register(req, (err, response) => {
    if (!err && response) {
      resources.push({
        type: req.getType(),
        name: req.getName(),
        urn: response.getUrn(),
        inputs: pulumi.runtime.deserializeProperties(req.getObject()) as Record<string, unknown>,
        custom: req.getCustom(),
        parent: req.getParent() || undefined,
        provider: req.getProvider() || undefined,
        dependsOn: req.getDependenciesList(),
      });
    }
    callback(err, response);
  });

  const outputs = (await pulumi.runtime.runInPulumiStack(program)) ?? {};
  // Some resources register after the outputs resolve (e.g. inside apply callbacks): wait for them.
  await pulumi.runtime.disconnect();
  return { stack, resources, outputs: unwrapSecrets(outputs) as Record<string, unknown> };
}

function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270") return unwrapSecrets(record.value);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
}

const hex = (seed: string, length: number) => createHash("sha256").update(seed).digest("hex").slice(0, length);

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
          ? { status: { loadBalancer: { ingress: [{ hostname: `a${hex(name, 31)}-${hex(stack, 16)}.elb.${region}.amazonaws.com` }] } } }
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
