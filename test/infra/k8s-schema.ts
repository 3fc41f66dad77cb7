/**
 * Offline schema checks for the Kubernetes objects a Pulumi program creates (no API server here).
 *
 * 1. Types, enums, formats and required fields: the kubernetes-models class for the object's
 *    apiVersion and kind (core kinds and, from @kubernetes-models/*, CRD kinds), whose `.validate()`
 *    runs the real OpenAPI schema.
 * 2. Unknown or misspelled fields, which those schemas let through: for core kinds, a walk over the
 *    @kubernetes/client-node models' attributeTypeMap. CRD kinds have no such map; the program types
 *    their specs against the kubernetes-models interfaces, so `tsc` rejects excess properties.
 * A kind with no schema fails unless `registerSchema` gives it one or `WITHOUT_SCHEMA` a reason.
 */
import * as clientModels from "@kubernetes/client-node";
import type { SimulatedResource } from "../../infra/simulate.ts";

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string };
  [field: string]: unknown;
}

/** Kinds allowed without a schema, each with the reason. Empty: every kind the program makes has one. */
export const WITHOUT_SCHEMA: Record<string, string> = {};

/** Resource types that are not Kubernetes objects, or whose objects are rendered out of sight (Helm). */
const NOT_OBJECTS = new Set(["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart", "kubernetes:yaml/v2:ConfigFile", "kubernetes:yaml/v2:ConfigGroup"]);

/** Packages of kubernetes-models classes, one module per kind: `<package>/<apiVersion>/<Kind>`. */
const CORE_PACKAGE = "kubernetes-models";
const MODEL_PACKAGES = [
  CORE_PACKAGE,
  "@kubernetes-models/external-secrets",
  "@kubernetes-models/istio",
  "@kubernetes-models/keda",
  "@kubernetes-models/prometheus-operator",
  "@kubernetes-models/argo-rollouts",
];

type Validator = (object: K8sObject) => string[];
const extraSchemas = new Map<string, Validator>();

/** A schema for a kind no package covers (e.g. Chaos Mesh): return the problems found, [] if none. */
export function registerSchema(apiVersion: string, kind: string, validate: Validator): void {
  extraSchemas.set(`${apiVersion}/${kind}`, validate);
}

/** The Kubernetes objects among simulated resources, as the API server would receive them. */
export function k8sObjects(resources: SimulatedResource[]): { resource: SimulatedResource; object: K8sObject }[] {
  return resources
    .filter((r) => r.type.startsWith("kubernetes:") && !NOT_OBJECTS.has(r.type))
    .map((resource) => ({ resource, object: resource.inputs as K8sObject }));
}

/** Every problem with one object: `<kind>/<name> <path>: <problem>`; [] when it is valid. */
export async function validateK8sObject(object: K8sObject): Promise<string[]> {
  const id = `${object.apiVersion}/${object.kind}`;
  const label = `${object.kind}/${object.metadata?.name ?? "(generated name)"}`;
  const extra = extraSchemas.get(id);
  const model = extra ? undefined : await modelClass(object.apiVersion, object.kind);
  if (!extra && !model) {
    return id in WITHOUT_SCHEMA ? [] : [`${label}: no schema for ${id} (add one with registerSchema or list it in WITHOUT_SCHEMA with a reason)`];
  }
  const problems = extra
    ? extra(object)
    : [...schemaProblems(model!.model, object), ...(model!.core ? unknownFields(object) : [])];
  return problems.map((p) => `${label} ${p}`);
}

interface ModelClass {
  new (data: K8sObject): { validate(): void };
}
interface AjvError {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

interface FoundModel {
  model: ModelClass;
  /** A built-in kind: client-node knows its fields (a CRD kind may share its name, e.g. Probe). */
  core: boolean;
}

const modelCache = new Map<string, Promise<FoundModel | undefined>>();

function modelClass(apiVersion: string, kind: string): Promise<FoundModel | undefined> {
  const key = `${apiVersion}/${kind}`;
  let found = modelCache.get(key);
  if (!found) {
    found = (async () => {
      for (const pkg of MODEL_PACKAGES) {
        const module = await import(`${pkg}/${apiVersion}/${kind}`).catch(() => undefined) as Record<string, unknown> | undefined;
        const model = module?.[kind];
        if (typeof model === "function") return { model: model as ModelClass, core: pkg === CORE_PACKAGE };
      }
      return undefined;
    })();
    modelCache.set(key, found);
  }
  return found;
}

function schemaProblems(model: ModelClass, object: K8sObject): string[] {
  try {
    new model(object).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: AjvError[] }).errors;
    if (!errors) return [String(error)];
    return errors.map((e) => `${e.instancePath || "/"}: ${e.message ?? "invalid"}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`);
  }
}

interface Attribute {
  baseName: string;
  type: string;
}
interface ClientModel {
  getAttributeTypeMap(): Attribute[];
}
const OPAQUE = new Set(["string", "number", "boolean", "Date", "any", "object", "IntOrString"]);
const MAP_PREFIX = "{ [key: string]: ";

/** Fields a built-in kind's client-node model does not declare, at any depth. */
function unknownFields(object: K8sObject): string[] {
  const version = object.apiVersion.split("/").pop() ?? "";
  const root = `${version.charAt(0).toUpperCase()}${version.slice(1)}${object.kind}`;
  if (!clientModel(root)) return [`: no field list for built-in kind ${root} in @kubernetes/client-node`];
  const problems: string[] = [];
  const walk = (value: unknown, type: string, path: string): void => {
    if (OPAQUE.has(type) || value === null || value === undefined) return;
    if (type.startsWith("Array<")) {
      if (Array.isArray(value)) value.forEach((item, i) => walk(item, type.slice(6, -1), `${path}[${i}]`));
      return;
    }
    if (type.startsWith(MAP_PREFIX)) {
      if (typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, type.slice(MAP_PREFIX.length, -3), `${path}.${k}`);
      return;
    }
    const model = clientModel(type);
    if (!model || typeof value !== "object" || Array.isArray(value)) return;
    const attributes = model.getAttributeTypeMap();
    for (const [key, child] of Object.entries(value)) {
      const attribute = attributes.find((a) => a.baseName === key);
      if (attribute) walk(child, attribute.type, `${path}.${key}`);
      else problems.push(`${path}.${key}: unknown field (not in ${type})`);
    }
  };
  walk(object, root, "");
  return problems;
}

function clientModel(name: string): ClientModel | undefined {
  const candidate = (clientModels as unknown as Record<string, unknown>)[name];
  return typeof candidate === "function" && "getAttributeTypeMap" in candidate ? (candidate as unknown as ClientModel) : undefined;
}
