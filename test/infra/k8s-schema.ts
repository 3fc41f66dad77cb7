/**
 * Offline schema checks for the Kubernetes objects a Pulumi program creates (no API server here).
 *
 * - Built-in kinds: the kubernetes-models class for the object's apiVersion and kind, whose
 *   `.validate()` runs the real OpenAPI schema (types, enums, formats, required fields), plus a walk
 *   over the @kubernetes/client-node models' attributeTypeMap for unknown or misspelled fields.
 * - Custom resources: the real CRD of the chart that installs it, kept in infra/upstream/charts/<chart>/crds
 *   at the pinned version, with its CEL rules (./crd-validator.ts). A custom kind with no such CRD fails.
 */
import * as clientModels from "@kubernetes/client-node";
import { Glob } from "bun";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { SimulatedResource } from "../../infra/testing/simulate.ts";
import { type Crd, loadCrds, validateAgainstCrd } from "./crd-validator.ts";

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string };
  [field: string]: unknown;
}

/** Resource types that are not Kubernetes objects, or whose objects are rendered out of sight (Helm). */
const NOT_OBJECTS = new Set(["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart", "kubernetes:yaml/v2:ConfigFile", "kubernetes:yaml/v2:ConfigGroup"]);

const CORE_PACKAGE = "kubernetes-models";
const UPSTREAM_CHARTS = join(import.meta.dirname, "..", "..", "infra", "upstream", "charts");

/** Every CRD kept under infra/upstream, by `group/kind`. */
export const upstreamCrds: Map<string, { crd: Crd; file: string }> = (() => {
  const found = new Map<string, { crd: Crd; file: string }>();
  for (const file of new Glob("*/crds/*.yaml").scanSync(UPSTREAM_CHARTS)) {
    for (const crd of loadCrds(readFileSync(join(UPSTREAM_CHARTS, file), "utf8"))) found.set(`${crd.group}/${crd.kind}`, { crd, file });
  }
  return found;
})();

const isBuiltIn = (apiVersion: string) => !apiVersion.includes("/") || !apiVersion.split("/")[0]!.includes(".") || apiVersion.split("/")[0]!.endsWith(".k8s.io");

/** The Kubernetes objects among simulated resources, as the API server would receive them. */
export function k8sObjects(resources: SimulatedResource[]): { resource: SimulatedResource; object: K8sObject }[] {
  return resources
    .filter((r) => r.type.startsWith("kubernetes:") && !NOT_OBJECTS.has(r.type) && !r.type.startsWith("pulumi:"))
    .map((resource) => ({ resource, object: resource.inputs as K8sObject }));
}

/** Every problem with one object: `<kind>/<name> <path>: <problem>`; [] when it is valid. */
export async function validateK8sObject(object: K8sObject): Promise<string[]> {
  const label = `${object.kind}/${object.metadata?.name ?? "(generated name)"}`;
  if (!isBuiltIn(object.apiVersion)) {
    const group = object.apiVersion.split("/")[0]!;
    const upstream = upstreamCrds.get(`${group}/${object.kind}`);
    if (!upstream) return [`${label}: no CRD for ${group}/${object.kind} in infra/upstream/charts/*/crds (refresh the chart that installs it)`];
    const result = validateAgainstCrd(upstream.crd, object as Record<string, unknown>, { autonamed: true });
    return result.problems;
  }
  const model = await modelClass(object.apiVersion, object.kind);
  if (!model) return [`${label}: no schema for built-in kind ${object.apiVersion}/${object.kind} in ${CORE_PACKAGE}`];
  return [...schemaProblems(model, object), ...unknownFields(object)].map((p) => `${label} ${p}`);
}

interface ModelClass {
  new (data: K8sObject): { validate(): void };
}
interface AjvError {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

const modelCache = new Map<string, Promise<ModelClass | undefined>>();

function modelClass(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const key = `${apiVersion}/${kind}`;
  let found = modelCache.get(key);
  if (!found) {
    found = import(`${CORE_PACKAGE}/${apiVersion}/${kind}`)
      .then((module: Record<string, unknown>) => (typeof module[kind] === "function" ? (module[kind] as ModelClass) : undefined))
      .catch(() => undefined);
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
