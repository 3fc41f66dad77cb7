/**
 * Validates a custom resource against its real CustomResourceDefinition the way the API server does
 * on create, offline. What it follows (apiextensions-apiserver and apiserver at v0.37, kube-openapi):
 * - pkg/apiserver/schema/defaulting: non-nullable nulls are pruned, then `default`s applied, before validation;
 * - kube-openapi validate + apiserver/validation/formats.go: types, enum, pattern (Go RE2), bounds, formats
 *   (only the supported string formats; int32/int64/float/double are never range-checked there);
 * - schema/listtype: duplicates in `x-kubernetes-list-type` set/map lists;
 * - schema/objectmeta + apimachinery ValidateObjectMeta: metadata as ObjectMeta (a CR name is a DNS-1123 subdomain);
 * - schema/cel/validation.go: `x-kubernetes-validations` at every node holding a non-null value, `self`
 *   typed as in apiserver/pkg/cel/common (valuesunstructured.go, schemas.go), message/messageExpression/
 *   reason/fieldPath as there. Transition rules (oldSelf) are skipped on create unless optionalOldSelf.
 * On purpose stricter than the server: a field the schema does not declare is always reported. The
 * server prunes it on create (fieldValidation defaults to Warn: apiserver endpoints/handlers/rest.go),
 * and pulumi-kubernetes (since 4.29, #4278) creates with a plain POST without fieldValidation and drops
 * the warnings (provider.go: `rest.NoWarnings{}`), so the field vanishes silently; its later updates are
 * server-side apply, which fails on it ("field not declared in schema", kubernetes#139253).
 * Not done: CEL cost limits, static type checking of rules (the real CRDs were accepted by a server),
 * ratcheting on update, CEL libraries none of our CRDs use (lists, sets, quantity, ip/cidr, format,
 * semver, authz): a rule using one is reported as not evaluated, never passed.
 */
import { celEnv, celFunc, celMethod, CelScalar, isCelError, listType, objectType, parse, plan } from "@bufbuild/cel";
import type { CelInput, CelValue } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { RE2JS } from "@bufbuild/re2";
import { create, createFileRegistry } from "@bufbuild/protobuf";
import { DurationSchema, FileDescriptorProtoSchema, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { reflect, type ReflectMessage } from "@bufbuild/protobuf/reflect";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: "FieldValueInvalid" | "FieldValueForbidden" | "FieldValueRequired" | "FieldValueDuplicate";
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

/** The part of openAPIV3Schema (plus Kubernetes extensions) that a structural CRD schema may use. */
export interface Schema {
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  format?: string;
  enum?: Json[];
  pattern?: string;
  default?: Json;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  not?: Schema;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-validations"?: ValidationRule[];
}

export interface CrdVersion {
  name: string;
  served: boolean;
  schema: Schema;
  /** With a status subresource the server drops `status` on create (registry/customresource strategy). */
  statusSubresource: boolean;
}

export interface Crd {
  group: string;
  kind: string;
  scope: "Namespaced" | "Cluster";
  versions: CrdVersion[];
}

interface CrdManifest {
  kind?: string;
  spec?: {
    group: string;
    scope: "Namespaced" | "Cluster";
    names: { kind: string };
    versions: { name: string; served: boolean; schema?: { openAPIV3Schema?: Schema }; subresources?: { status?: object } }[];
  };
}

/** Every CRD in a YAML text (one document or many, e.g. Istio's crd-all.gen.yaml); other kinds are ignored. */
export function loadCrds(yamlText: string): Crd[] {
  const parsed = Bun.YAML.parse(yamlText) as unknown;
  const docs = (Array.isArray(parsed) ? parsed : [parsed]) as CrdManifest[];
  return docs.filter((d) => d?.kind === "CustomResourceDefinition" && d.spec).map((d) => loadCrd(d));
}

/** One CRD, from YAML text holding exactly one, or from the parsed manifest. */
export function loadCrd(source: string | object): Crd {
  if (typeof source === "string") {
    const crds = loadCrds(source);
    if (crds.length !== 1) throw new Error(`expected one CustomResourceDefinition, found ${crds.length}`);
    return crds[0]!;
  }
  const spec = (source as CrdManifest).spec;
  if ((source as CrdManifest).kind !== "CustomResourceDefinition" || !spec) throw new Error("not a CustomResourceDefinition");
  return {
    group: spec.group,
    kind: spec.names.kind,
    scope: spec.scope,
    versions: spec.versions.map((v) => ({ name: v.name, served: v.served, schema: v.schema?.openAPIV3Schema ?? {}, statusSubresource: !!v.subresources?.status })),
  };
}

export interface ValidateOptions {
  /** metadata.name may be absent because Pulumi auto-names the resource (the server would require name or generateName). */
  autonamed?: boolean;
  /** Rules (by their text) known not to be evaluable here, with the reason; any other such rule is also a problem. */
  unsupportedRules?: Record<string, string>;
}

export interface CrdValidation {
  /** `<kind>/<name> <path>: <message>`; empty when the object is valid. */
  problems: string[];
  /** Transition rules (they read oldSelf) that the server does not evaluate on create. */
  skipped: string[];
  /** Rules or formats this validator could not evaluate: `<kind>/<name> <path>: not evaluated: <reason>: <rule>`. */
  notEvaluated: string[];
}

/** Rules of the real CRDs we use that cannot be evaluated here, with the reason. None so far. */
export const UNSUPPORTED_RULES: Record<string, string> = {};

interface Context {
  label: string;
  out: CrdValidation;
  options: ValidateOptions;
  /** Inside anyOf/oneOf/not: only pass/fail matters (no CEL, no notes). */
  probing: boolean;
  /** Off under allOf/anyOf/oneOf/not: those value validations do not list every field. */
  unknownFields: boolean;
  /** Problems of the kinds after which the server runs no CEL (customresource/strategy.go hasBlockingErr). */
  blocking: { count: number };
}

export function validateAgainstCrd(crd: Crd, object: Record<string, unknown>, options: ValidateOptions = {}): CrdValidation {
  const obj = object as JsonObject;
  const meta = (isObject(obj.metadata) ? obj.metadata : {}) as JsonObject;
  const label = `${String(obj.kind)}/${typeof meta.name === "string" ? meta.name : "(generated name)"}`;
  const ctx: Context = { label, out: { problems: [], skipped: [], notEvaluated: [] }, options: { unsupportedRules: UNSUPPORTED_RULES, ...options }, probing: false, unknownFields: true, blocking: { count: 0 } };
  const [group, version] = String(obj.apiVersion).includes("/") ? String(obj.apiVersion).split("/") : ["", String(obj.apiVersion)];
  const served = crd.versions.find((v) => v.name === version);
  if (group !== crd.group || obj.kind !== crd.kind) problem(ctx, "", `${obj.apiVersion}, Kind=${obj.kind} is not ${crd.group}, Kind=${crd.kind}`);
  else if (!served?.served) problem(ctx, "apiVersion", `version ${version} of ${crd.kind}.${crd.group} is ${served ? "not served" : "not defined"}`);
  if (ctx.out.problems.length || !served) return ctx.out;

  const value = structuredClone(obj);
  for (const field of ["apiVersion", "kind", "metadata", ...(served.statusSubresource ? ["status"] : [])]) delete value[field];
  const root = served.schema;
  applyDefaults(root, value);
  validateMetadata(ctx, crd, meta, root.properties?.metadata);
  const full: JsonObject = { apiVersion: obj.apiVersion ?? null, kind: obj.kind ?? null, metadata: meta, ...value };
  validate(ctx, root, full, "", true);
  return ctx.out;
}

function problem(ctx: Context, path: string, message: string): void {
  ctx.out.problems.push(`${ctx.label} ${path || "<root>"}: ${message}`);
}

/** A problem that makes values ill-typed for CEL: wrong type, required, enum, too long/many, format. */
function blocking(ctx: Context, path: string, message: string): void {
  ctx.blocking.count++;
  problem(ctx, path, message);
}

// ---------------------------------------------------------------------------------------------
// Defaulting (schema/defaulting/prunenulls.go, algorithm.go): a null in a non-nullable field is dropped,
// an absent field with a default gets it, then defaults apply inside the defaulted values too.

function applyDefaults(s: Schema, value: Json | undefined): void {
  if (Array.isArray(value)) {
    if (s.items) for (const item of value) applyDefaults(s.items, item);
    return;
  }
  if (!isObject(value)) return;
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    if (value[key] === null && !prop.nullable) delete value[key];
    if (!(key in value) && prop.default !== undefined) value[key] = structuredClone(prop.default);
  }
  const additional = typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
  for (const [key, child] of Object.entries(value)) {
    const prop = s.properties?.[key] ?? additional;
    if (!prop) continue;
    if (child === null && !prop.nullable && !s.properties?.[key]) delete value[key];
    else applyDefaults(prop, child);
  }
}

// ---------------------------------------------------------------------------------------------
// Structural validation. Messages follow field.Error's wording ("Invalid value", "Required value", ...).

function validate(ctx: Context, s: Schema, v: Json, path: string, isRoot = false): void {
  const before = ctx.blocking.count;
  if (v === null) {
    if (!s.nullable && (s.type || s["x-kubernetes-int-or-string"])) blocking(ctx, path, `Invalid value: null: must be of type ${s.type ?? "integer or string"}`);
    return;
  }
  if (!typeMatches(ctx, s, v, path)) return;
  if (s.enum && !s.enum.some((e) => canonical(e) === canonical(v))) {
    blocking(ctx, path, `Unsupported value: ${brief(v)}: supported values: ${s.enum.map((e) => JSON.stringify(e)).join(", ")}`);
  }
  if (typeof v === "string") validateString(ctx, s, v, path);
  else if (typeof v === "number") validateNumber(ctx, s, v, path);
  else if (Array.isArray(v)) validateArray(ctx, s, v, path);
  else if (isObject(v)) validateObject(ctx, s, v, path, isRoot);
  for (const sub of s.allOf ?? []) validate({ ...ctx, unknownFields: false }, sub, v, path);
  if (s.anyOf && !s.anyOf.some((sub) => passes(ctx, sub, v))) problem(ctx, path, "Invalid value: must validate at least one schema (anyOf)");
  if (s.oneOf && s.oneOf.filter((sub) => passes(ctx, sub, v)).length !== 1) problem(ctx, path, "Invalid value: must validate one and only one schema (oneOf)");
  if (s.not && passes(ctx, s.not, v)) problem(ctx, path, "Invalid value: must not validate the schema (not)");
  // The server runs no rule once such a problem exists anywhere; we still run the rules of every
  // node whose own subtree is free of them, to report as much as possible in one go.
  if (!ctx.probing && ctx.blocking.count === before) evaluateRules(ctx, s, v, path, isRoot);
}

function passes(ctx: Context, s: Schema, v: Json): boolean {
  const probe: Context = { ...ctx, probing: true, unknownFields: false, blocking: { count: 0 }, out: { problems: [], skipped: [], notEvaluated: [] } };
  validate(probe, s, v, "");
  return probe.out.problems.length === 0;
}

function typeMatches(ctx: Context, s: Schema, v: Json, path: string): boolean {
  const integral = typeof v === "number" && Number.isInteger(v);
  const ok = s["x-kubernetes-int-or-string"]
    ? typeof v === "string" || integral
    : !s.type ||
      (s.type === "object" ? isObject(v)
        : s.type === "array" ? Array.isArray(v)
        : s.type === "integer" ? integral
        : s.type === "number" ? typeof v === "number"
        : typeof v === s.type);
  if (!ok) blocking(ctx, path, `Invalid value: ${brief(v)}: must be of type ${s["x-kubernetes-int-or-string"] ? "integer or string" : s.type}`);
  return ok;
}

function validateString(ctx: Context, s: Schema, v: string, path: string): void {
  const length = [...v].length; // go-openapi counts runes
  if (s.maxLength !== undefined && length > s.maxLength) blocking(ctx, path, `Too long: may not be more than ${s.maxLength} characters`);
  if (s.minLength !== undefined && length < s.minLength) problem(ctx, path, `Invalid value: ${brief(v)}: should be at least ${s.minLength} chars long`);
  if (s.pattern !== undefined) {
    const re = tryRegex(s.pattern);
    if (typeof re === "string") { if (!ctx.probing) ctx.out.notEvaluated.push(`${ctx.label} ${path}: not evaluated: pattern ${re}`); }
    else if (!re.test(v)) problem(ctx, path, `Invalid value: ${brief(v)}: should match '${s.pattern}'`);
  }
  if (s.format && !s["x-kubernetes-int-or-string"]) {
    const format = s.format.replaceAll("-", ""); // go-openapi normalizes format names this way
    const check = FORMATS[format];
    if (check && !check(v)) blocking(ctx, path, `Invalid value: ${brief(v)}: must be of format ${s.format}`);
    if (!check && UNCHECKED_FORMATS.has(format) && !ctx.probing) ctx.out.notEvaluated.push(`${ctx.label} ${path}: not evaluated: format ${s.format} is not implemented here`);
  }
}

function validateNumber(ctx: Context, s: Schema, v: number, path: string): void {
  if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)) problem(ctx, path, `Invalid value: ${v}: should be less than ${s.exclusiveMaximum ? "" : "or equal to "}${s.maximum}`);
  if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) problem(ctx, path, `Invalid value: ${v}: should be greater than ${s.exclusiveMinimum ? "" : "or equal to "}${s.minimum}`);
  if (s.multipleOf !== undefined && !Number.isInteger(v / s.multipleOf)) problem(ctx, path, `Invalid value: ${v}: should be a multiple of ${s.multipleOf}`);
}

function validateArray(ctx: Context, s: Schema, v: Json[], path: string): void {
  if (s.maxItems !== undefined && v.length > s.maxItems) blocking(ctx, path, `Too many: ${v.length}: must have at most ${s.maxItems} items`);
  if (s.minItems !== undefined && v.length < s.minItems) problem(ctx, path, `Invalid value: ${v.length}: should have at least ${s.minItems} items`);
  const listType = s["x-kubernetes-list-type"];
  if (listType === "set" || s.uniqueItems) duplicates(v.map(canonical)).forEach((i) => problem(ctx, `${path}[${i}]`, `Duplicate value: ${brief(v[i]!)}`));
  if (listType === "map") {
    const keys = s["x-kubernetes-list-map-keys"] ?? [];
    // schema/listtype/validation.go: an absent key is a value of its own, so two elements without it collide.
    const tuple = (x: Json) => canonical(keys.map((k) => (isObject(x) && k in x ? x[k]! : { "(unspecified)": true })));
    duplicates(v.map(tuple)).forEach((i) => {
      const item = v[i];
      problem(ctx, `${path}[${i}]`, `Duplicate value: ${JSON.stringify(Object.fromEntries(keys.filter((k) => isObject(item) && k in item).map((k) => [k, (item as JsonObject)[k]])))}`);
    });
  }
  if (s.items) v.forEach((item, i) => validate(ctx, s.items!, item, `${path}[${i}]`));
}

const OBJECT_META_FIELDS = new Set(["name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields"]);

function validateObject(ctx: Context, s: Schema, v: JsonObject, path: string, isRoot: boolean): void {
  const size = Object.keys(v).length;
  if (s.maxProperties !== undefined && size > s.maxProperties) blocking(ctx, path, `Too many: ${size}: must have at most ${s.maxProperties} properties`);
  if (s.minProperties !== undefined && size < s.minProperties) problem(ctx, path, `Invalid value: ${size}: should have at least ${s.minProperties} properties`);
  for (const field of s.required ?? []) if (!(field in v)) blocking(ctx, join(path, field), "Required value");
  const embedded = s["x-kubernetes-embedded-resource"];
  if (embedded && size > 0) {
    for (const field of ["apiVersion", "kind"]) if (typeof v[field] !== "string" || v[field] === "") blocking(ctx, join(path, field), "Required value: must not be empty");
    if (v.metadata !== undefined) validateObjectMeta(ctx, v.metadata, join(path, "metadata"), { nameRequired: false, namespaced: true });
  }
  const additional = s.additionalProperties;
  for (const [key, child] of Object.entries(v)) {
    const childPath = join(path, key);
    if ((isRoot || embedded) && (key === "apiVersion" || key === "kind" || key === "metadata")) continue; // checked as ObjectMeta / type meta
    const prop = s.properties?.[key];
    if (prop) validate(ctx, prop, child, childPath);
    else if (typeof additional === "object") validate(ctx, additional, child, `${path}[${key}]`);
    else if (ctx.unknownFields && !s["x-kubernetes-preserve-unknown-fields"] && additional !== true) problem(ctx, childPath, "unknown field (not declared in the CRD schema; the API server would drop it)");
  }
}

// ObjectMeta (apimachinery/pkg/api/validation/objectmeta.go); a CR's name must be a DNS-1123 subdomain.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function validateMetadata(ctx: Context, crd: Crd, meta: JsonObject, schema: Schema | undefined): void {
  validateObjectMeta(ctx, meta, "metadata", { nameRequired: !ctx.options.autonamed, namespaced: crd.scope === "Namespaced" });
  // The root schema may only restrict metadata.name and metadata.generateName (schema/validation.go).
  for (const field of ["name", "generateName"]) {
    const sub = schema?.properties?.[field];
    const value = meta[field];
    if (sub && value !== undefined) validate(ctx, sub, value, `metadata.${field}`);
  }
}

function validateObjectMeta(ctx: Context, meta: Json, path: string, opts: { nameRequired: boolean; namespaced: boolean }): void {
  if (!isObject(meta)) return problem(ctx, path, `Invalid value: ${JSON.stringify(meta)}: must be an object`);
  const { name, generateName, namespace, labels, annotations } = meta;
  if (name === undefined && generateName === undefined && opts.nameRequired) problem(ctx, join(path, "name"), "Required value: name or generateName is required");
  if (name !== undefined && !isSubdomain(name)) problem(ctx, join(path, "name"), `Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`);
  if (generateName !== undefined && !(typeof generateName === "string" && isSubdomain(generateName.replace(/-$/, "a")))) problem(ctx, join(path, "generateName"), `Invalid value: ${JSON.stringify(generateName)}: must be a valid name prefix`);
  if (opts.namespaced && namespace !== undefined && !(typeof namespace === "string" && namespace.length <= 63 && DNS1123_LABEL.test(namespace))) {
    problem(ctx, join(path, "namespace"), `Invalid value: ${JSON.stringify(namespace)}: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`);
  }
  for (const [field, map] of [["labels", labels], ["annotations", annotations]] as const) {
    if (map === undefined) continue;
    if (!isObject(map)) { problem(ctx, join(path, field), "Invalid value: must be a map of strings"); continue; }
    for (const [key, value] of Object.entries(map)) {
      if (!isQualifiedName(key)) problem(ctx, `${path}.${field}[${key}]`, `Invalid value: ${JSON.stringify(key)}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (prefix: a DNS subdomain)`);
      if (typeof value !== "string") problem(ctx, `${path}.${field}[${key}]`, `Invalid value: ${JSON.stringify(value)}: must be a string`);
      else if (field === "labels" && !(value.length <= 63 && LABEL_VALUE.test(value))) problem(ctx, `${path}.labels[${key}]`, `Invalid value: ${JSON.stringify(value)}: a valid label value must be 63 characters or less and consist of alphanumerics, '-', '_' or '.'`);
    }
  }
  for (const key of Object.keys(meta)) if (!OBJECT_META_FIELDS.has(key)) problem(ctx, join(path, key), "unknown field (not in ObjectMeta)");
}

function isSubdomain(v: Json): boolean {
  return typeof v === "string" && v.length <= 253 && DNS1123_SUBDOMAIN.test(v);
}

function isQualifiedName(key: string): boolean {
  const parts = key.split("/");
  const name = parts.pop()!;
  if (parts.length > 1 || (parts.length === 1 && !isSubdomain(parts[0]!))) return false;
  return name.length <= 63 && QUALIFIED_NAME.test(name);
}

// Formats the API server checks (apiserver/validation/formats.go, kube-openapi strfmt). Others it
// supports are reported as not evaluated; formats it does not support are stripped, so ignored here.
const RFC3339_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const FORMATS: Record<string, (v: string) => boolean> = {
  byte: (v) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(v), // Go base64.StdEncoding
  date: isDate,
  datetime: (v) => { // strfmt.IsDateTime
    const [date, time, ...rest] = v.toLowerCase().split("t");
    const m = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/.exec(time ?? "");
    return v.length >= 4 && rest.length === 0 && isDate(date!) && !!m && m[1]! <= "23" && m[2]! <= "59" && m[3]! <= "59";
  },
  uuid: (v) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(v),
  uuid3: (v) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(v),
  uuid4: (v) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(v),
  uuid5: (v) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(v),
  password: () => true,
  "k8sshortname": (v) => v.length <= 63 && DNS1123_LABEL.test(v),
  "k8slongname": (v) => v.length <= 253 && DNS1123_SUBDOMAIN.test(v),
};
const UNCHECKED_FORMATS = new Set(["bsonobjectid", "uri", "email", "hostname", "ipv4", "ipv6", "cidr", "mac", "isbn", "isbn10", "isbn13", "creditcard", "ssn", "hexcolor", "rgbcolor", "duration"]);

function isDate(v: string): boolean {
  const m = RFC3339_DATE.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return d.getUTCFullYear() === +m[1]! && d.getUTCMonth() === +m[2]! - 1 && d.getUTCDate() === +m[3]!;
}

// ---------------------------------------------------------------------------------------------
// CEL: the Kubernetes environment (apiserver/pkg/cel/environment/base.go) is standard CEL plus
// extension libraries. @bufbuild/cel brings the standard library and the strings extension; the
// Kubernetes libraries our CRDs use are added here: regex (find, findAll) and URLs.

const urlFile = createFileRegistry(
  create(FileDescriptorProtoSchema, { name: "k8s_cel_url.proto", package: "kubernetes", syntax: "proto3", messageType: [{ name: "URL", field: [{ name: "href", number: 1, type: 9, label: 1, jsonName: "href" }] }] }),
  () => undefined,
);
const URL_DESC = urlFile.getMessage("kubernetes.URL")!;
const URL_TYPE = objectType(URL_DESC);
const { STRING, BOOL, INT } = CelScalar;

function urlOf(target: CelValue): GoUrl {
  const href = (target as unknown as { message: { href: string } }).message.href;
  return parseRequestUri(href)!; // url() already rejected what does not parse
}

// cel-go converts strings with Go's strconv.ParseInt(s, 10, 64) and time.ParseDuration; @bufbuild/cel
// uses BigInt() (which takes "", " 5", "0x1F") and accepts "" as a duration. Karpenter's
// `int(x.values[0])` and Istio's `duration(self)` depend on these, so they are made exact here.
const stdDuration = plan(celEnv(), parse("duration(s)"));
const GO_DURATION = /^[-+]?(0|((\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;
const STRICT_CASTS = [
  celFunc("int", [STRING], INT, (s) => {
    if (!/^[+-]?[0-9]+$/.test(s)) throw new Error(`cannot convert string '${s}' to int`);
    const n = BigInt(s);
    if (n > 9223372036854775807n || n < -9223372036854775808n) throw new Error("int overflow during type conversion");
    return n;
  }),
  celFunc("duration", [STRING], objectType(DurationSchema), (s) => {
    const d = GO_DURATION.test(s) ? stdDuration({ s: s.replaceAll("μ", "µ") }) : undefined;
    if (d === undefined || isCelError(d)) throw new Error(`invalid duration ${JSON.stringify(s)}`);
    return d as ReflectMessage;
  }),
];

const K8S_FUNCS = [
  // apiserver/pkg/cel/library/regex.go: Go regexp FindString / FindAllString.
  celMethod("find", STRING, [STRING], STRING, function (pattern) { return findAll(this, pattern, 1)[0] ?? ""; }),
  celMethod("findAll", STRING, [STRING], listType(STRING), function (pattern) { return findAll(this, pattern, -1); }),
  celMethod("findAll", STRING, [STRING, INT], listType(STRING), function (pattern, n) { return findAll(this, pattern, Number(n)); }),
  // apiserver/pkg/cel/library/urls.go: url() parses like Go's url.ParseRequestURI.
  celFunc("url", [STRING], URL_TYPE, (s) => {
    if (!parseRequestUri(s)) throw new Error(`URL parse error during conversion from string: ${s}`);
    return reflect(URL_DESC, create(URL_DESC, { href: s } as never));
  }),
  celFunc("isURL", [STRING], BOOL, (s) => parseRequestUri(s) !== undefined),
  celMethod("getScheme", URL_TYPE, [], STRING, function () { return urlOf(this).scheme; }),
  celMethod("getHost", URL_TYPE, [], STRING, function () { return urlOf(this).host; }),
  celMethod("getHostname", URL_TYPE, [], STRING, function () { return splitHostPort(urlOf(this).host)[0]; }),
  celMethod("getPort", URL_TYPE, [], STRING, function () { return splitHostPort(urlOf(this).host)[1]; }),
];

/** The one unsupported step we still allow: `oldSelf.value()` on optional none errors, as in cel-go. */
const NONE_DEREFERENCE = celFunc("__optionalNoneValue", [], CelScalar.DYN, () => { throw new Error("optional.none() dereference"); });

const ENV = celEnv({ funcs: [...strings, ...STRICT_CASTS, ...K8S_FUNCS, NONE_DEREFERENCE] });
/** Calls the planner itself implements (logical operators, ternary, index), not found among env.funcs. */
const PLANNER_CALLS = ["_&&_/2", "_||_/2", "_?_:_/3", "@not_strictly_false/1", "not_strictly_false/1", "_[_]/2"];
const SUPPORTED = new Set([...PLANNER_CALLS, ...[...ENV.funcs].map((f) => signature(f.name, f.target !== undefined, f.arguments.length))]);
const TYPE_IDENTS = new Set(["int", "uint", "double", "bool", "string", "bytes", "list", "map", "null_type", "type", "google.protobuf.Duration", "google.protobuf.Timestamp"]);

function signature(name: string, method: boolean, arity: number): string {
  return `${method ? "." : ""}${name}/${arity}`;
}

type Parsed = ReturnType<typeof parse>;
type Expr = Parsed["expr"];
export type CompiledRule =
  | { ok: true; usesOldSelf: boolean; functions: string[]; run: (self: CelInput) => unknown }
  | { ok: false; usesOldSelf: boolean; functions: string[]; reason: string };

const compiled = new Map<string, CompiledRule>();

/**
 * Compiles a rule (or messageExpression) for this environment: it parses, every function it calls is
 * implemented, and every variable is `self`/`oldSelf`. `functions` lists the calls (`.name/arity` for
 * methods), for coverage reports. With optionalOldSelf, `oldSelf` is optional.none() (creation):
 * `oldSelf.hasValue()` is false, `oldSelf.orValue(x)` is x, `oldSelf.value()` an error.
 */
export function compileRule(source: string, optionalOldSelf = false): CompiledRule {
  const key = `${optionalOldSelf}:${source}`;
  let result = compiled.get(key);
  if (result) return result;
  let parsed: Parsed;
  try {
    parsed = parse(source);
  } catch (error) {
    result = { ok: false, usesOldSelf: false, functions: [], reason: `does not parse: ${(error as Error).message}` };
    compiled.set(key, result);
    return result;
  }
  const before = scan(parsed.expr);
  if (optionalOldSelf) rewriteOptionalNone(parsed.expr);
  const after = optionalOldSelf ? scan(parsed.expr) : before;
  const usesOldSelf = before.idents.has("oldSelf");
  const missing = [...after.calls].filter((c) => !SUPPORTED.has(c));
  const unknownIdents = [...after.idents].filter((i) => i !== "self" && !(i === "oldSelf" && !optionalOldSelf) && !TYPE_IDENTS.has(i));
  const functions = [...before.calls].filter((c) => !PLANNER_CALLS.includes(c) && !/^[_@!-]/.test(c)).sort();
  if (missing.length || unknownIdents.length) {
    const reasons = [...missing.map((c) => `function ${c} is not implemented here`), ...unknownIdents.map((i) => `identifier ${i} is not supported here`)];
    result = { ok: false, usesOldSelf, functions, reason: reasons.join("; ") };
  } else {
    const program = plan(ENV, parsed);
    result = { ok: true, usesOldSelf, functions, run: (self) => program({ self }) };
  }
  compiled.set(key, result);
  return result;
}

interface Scan {
  calls: Set<string>;
  idents: Set<string>;
}

/** Calls and free identifiers of a parsed expression (macros are already comprehensions). */
function scan(root: Expr): Scan {
  const found: Scan = { calls: new Set(), idents: new Set() };
  const walk = (e: Expr | undefined, bound: Set<string>): void => {
    if (!e) return;
    const k = e.exprKind;
    switch (k.case) {
      case "identExpr":
        if (!bound.has(k.value.name)) found.idents.add(k.value.name);
        break;
      case "selectExpr":
        walk(k.value.operand, bound);
        break;
      case "callExpr":
        found.calls.add(signature(k.value.function, k.value.target !== undefined, k.value.args.length));
        walk(k.value.target, bound);
        k.value.args.forEach((a) => walk(a, bound));
        break;
      case "listExpr":
        k.value.elements.forEach((a) => walk(a, bound));
        break;
      case "structExpr":
        if (k.value.messageName) found.calls.add(`message construction ${k.value.messageName}`);
        k.value.entries.forEach((entry) => {
          if (entry.keyKind.case === "mapKey") walk(entry.keyKind.value, bound);
          walk(entry.value, bound);
        });
        break;
      case "comprehensionExpr": {
        const c = k.value;
        walk(c.iterRange, bound);
        walk(c.accuInit, bound);
        const inner = new Set([...bound, c.iterVar, c.iterVar2, c.accuVar].filter(Boolean));
        walk(c.loopCondition, inner);
        walk(c.loopStep, inner);
        walk(c.result, new Set([...bound, c.accuVar]));
        break;
      }
    }
  };
  walk(root, new Set());
  return found;
}

function rewriteOptionalNone(e: Expr | undefined): void {
  if (!e) return;
  const k = e.exprKind;
  if (k.case === "callExpr") {
    const target = k.value.target?.exprKind;
    if (target?.case === "identExpr" && target.value.name === "oldSelf") {
      const fn = k.value.function;
      if (fn === "hasValue" && k.value.args.length === 0) e.exprKind = parse("false").expr.exprKind;
      else if (fn === "orValue" && k.value.args.length === 1) e.exprKind = k.value.args[0]!.exprKind;
      else if (fn === "value" && k.value.args.length === 0) e.exprKind = parse("__optionalNoneValue()").expr.exprKind;
    }
  }
  const k2 = e.exprKind;
  switch (k2.case) {
    case "selectExpr": return rewriteOptionalNone(k2.value.operand);
    case "callExpr": rewriteOptionalNone(k2.value.target); return k2.value.args.forEach(rewriteOptionalNone);
    case "listExpr": return k2.value.elements.forEach(rewriteOptionalNone);
    case "structExpr": return k2.value.entries.forEach((entry) => rewriteOptionalNone(entry.value));
    case "comprehensionExpr": for (const x of [k2.value.iterRange, k2.value.accuInit, k2.value.loopCondition, k2.value.loopStep, k2.value.result]) rewriteOptionalNone(x);
  }
}

function evaluateRules(ctx: Context, s: Schema, v: Json, path: string, isRoot: boolean): void {
  const rules = s["x-kubernetes-validations"];
  if (!rules?.length) return;
  let self: CelInput | undefined;
  for (const rule of rules) {
    const program = compileRule(rule.rule, rule.optionalOldSelf === true);
    const where = `${ctx.label} ${path || "<root>"}`;
    if (program.usesOldSelf && !rule.optionalOldSelf) {
      ctx.out.skipped.push(`${where}: ${rule.rule} (transition rule: needs oldSelf, not evaluated on create)`);
      continue;
    }
    if (!program.ok) {
      notEvaluated(ctx, where, program.reason, rule.rule);
      continue;
    }
    self ??= celSelf(s, v, isRoot);
    const result = program.run(self);
    const shown = typeof v === "object" ? "" : ` ${brief(v)}:`;
    if (isCelError(result)) problem(ctx, path, `Invalid value:${shown} ${result.message} evaluating rule: ${ruleErrorString(rule)}`);
    else if (typeof result !== "boolean") problem(ctx, path, `Invalid value: rule did not evaluate to a bool: ${rule.rule}`);
    else if (!result) {
      const at = rule.fieldPath ? join(path, normalizeFieldPath(rule.fieldPath)) : path;
      const detail = messageFromExpression(ctx, where, rule, self) ?? (rule.message?.trim() || `failed rule: ${ruleErrorString(rule)}`);
      const message = rule.reason === "FieldValueForbidden" ? `Forbidden: ${detail}`
        : rule.reason === "FieldValueRequired" ? `Required value: ${detail}`
        : rule.reason === "FieldValueDuplicate" ? `Duplicate value: ${brief(v)}` // field.Duplicate carries no detail
        : `Invalid value:${shown} ${detail}`;
      problem(ctx, at, message);
    }
  }
}

/** cel/validation.go evalMessageExpression: a string without line breaks, else the message is used. */
function messageFromExpression(ctx: Context, where: string, rule: ValidationRule, self: CelInput): string | undefined {
  if (!rule.messageExpression) return undefined;
  const program = compileRule(rule.messageExpression);
  if (!program.ok) {
    notEvaluated(ctx, where, `messageExpression: ${program.reason}`, rule.messageExpression);
    return undefined;
  }
  const result = program.run(self);
  if (typeof result !== "string") return undefined;
  const trimmed = result.trim();
  return trimmed && !trimmed.includes("\n") && trimmed.length <= 5 * 1024 ? trimmed : undefined;
}

function ruleErrorString(rule: ValidationRule): string {
  return rule.message?.trim() || rule.rule.trim();
}

function notEvaluated(ctx: Context, where: string, reason: string, rule: string): void {
  const entry = `${where}: not evaluated: ${reason}: ${rule}`;
  ctx.out.notEvaluated.push(entry);
  if (!(rule in (ctx.options.unsupportedRules ?? {}))) ctx.out.problems.push(entry);
}

/** `.a.b['c']` (the rule's fieldPath) as a field.Path suffix `a.b[c]`. */
function normalizeFieldPath(fieldPath: string): string {
  let out = "";
  for (const m of fieldPath.matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*'((?:[^'\\]|\\.)*)'\s*\]/g)) out += m[1] !== undefined ? (out ? `.${m[1]}` : m[1]) : `[${m[2]}]`;
  return out;
}

// apiserver/pkg/cel/escaping.go: how a property name is spelled as a CEL field.
const CEL_RESERVED = new Set(["true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while"]);
function escapeProperty(name: string): string | undefined {
  if (!name || /^[0-9]/.test(name)) return undefined;
  if (CEL_RESERVED.has(name)) return `__${name}__`;
  if (!/^[A-Za-z0-9_.\-/]+$/.test(name)) return undefined;
  return name.replace(/__|[.\-/]/g, (m) => ({ __: "__underscores__", ".": "__dot__", "-": "__dash__", "/": "__slash__" })[m]!);
}

/**
 * `self` as apiserver/pkg/cel/common/valuesunstructured.go types it: integers are CEL int, numbers
 * double, date/date-time strings timestamps, byte strings bytes, objects with properties expose
 * only their declared (escaped) fields, the root and embedded resources apiVersion, kind and
 * metadata.name/generateName. Values the schema does not type are converted as plain JSON.
 */
export function celSelf(s: Schema, v: Json, resourceRoot = false): CelInput {
  if (v === null) return null;
  if (s["x-kubernetes-int-or-string"]) return typeof v === "number" && Number.isInteger(v) ? BigInt(v) : plain(v);
  if (s.type === "object" && isObject(v)) {
    if (s.properties || s["x-kubernetes-embedded-resource"] || resourceRoot) {
      const map = new Map<string, CelInput>();
      if (resourceRoot || s["x-kubernetes-embedded-resource"]) {
        for (const key of ["apiVersion", "kind"]) if (typeof v[key] === "string") map.set(key, v[key]);
        const meta = isObject(v.metadata) ? v.metadata : {};
        map.set("metadata", new Map(["name", "generateName"].filter((k) => typeof meta[k] === "string").map((k) => [k, meta[k] as string])));
      }
      for (const [key, prop] of Object.entries(s.properties ?? {})) {
        const name = escapeProperty(key);
        if (name && v[key] !== undefined && !(resourceRoot && (key === "metadata" || key === "apiVersion" || key === "kind"))) map.set(name, celSelf(prop, v[key]!));
      }
      return map;
    }
    if (typeof s.additionalProperties === "object") {
      const ap = s.additionalProperties;
      return new Map(Object.entries(v).map(([k, x]) => [k, celSelf(ap, x)]));
    }
    return plain(v);
  }
  if (s.type === "array" && Array.isArray(v) && s.items) return v.map((x) => celSelf(s.items!, x));
  if (s.type === "integer" && typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  if (s.type === "string" && typeof v === "string") {
    if ((s.format === "date-time" && FORMATS.datetime!(v)) || (s.format === "date" && isDate(v))) return timestampFromDate(new Date(s.format === "date" ? `${v}T00:00:00Z` : v));
    if (s.format === "byte" && FORMATS.byte!(v)) return new Uint8Array(Buffer.from(v, "base64"));
    if (s.format === "duration" && GO_DURATION.test(v)) return stdDuration({ s: v.replaceAll("μ", "µ") }) as ReflectMessage;
    return v;
  }
  return plain(v);
}

function plain(v: Json): CelInput {
  if (Array.isArray(v)) return v.map(plain);
  if (isObject(v)) return new Map(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v); // unstructured JSON decodes integral numbers as int64
  return v;
}

// ---------------------------------------------------------------------------------------------
// Go semantics the CEL libraries rely on.

/**
 * Go regexp (RE2): the syntax is checked by RE2JS (what Go rejects, this rejects); matching is done by
 * JS RegExp, which agrees with RE2 on the syntax RE2JS accepts and JS can compile (leading (?ims)
 * flags become JS flags). A pattern JS cannot compile is an error, never a silent pass.
 */
const regexCache = new Map<string, RegExp | string>();
export function tryRegex(pattern: string): RegExp | string {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    try {
      RE2JS.compile(pattern);
      const body = scopeInlineFlags(pattern);
      try { re = new RegExp(body, "u"); } catch { re = new RegExp(body); }
    } catch (error) {
      re = `${JSON.stringify(pattern)} cannot be compiled here: ${(error as Error).message}`;
    }
    regexCache.set(pattern, re);
  }
  return re;
}

/** Go's `(?i)` sets flags up to the end of its group; JS has only the scoped form `(?i:...)`. */
function scopeInlineFlags(pattern: string): string {
  for (;;) {
    const open: number[] = [];
    let flag: { at: number; length: number; depth: number } | undefined;
    let end = pattern.length;
    for (let i = 0, inClass = false; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === "\\") i++;
      else if (inClass) inClass = c !== "]";
      else if (c === "[") inClass = true, pattern[i + 1] === "]" && i++;
      else if (c === "(") {
        const m = flag ? null : /^\(\?[a-zA-Z]+\)/.exec(pattern.slice(i));
        if (m) (flag = { at: i, length: m[0].length, depth: open.length }), (i += m[0].length - 1);
        else open.push(i);
      } else if (c === ")" && open.pop() !== undefined && flag && open.length < flag.depth) { end = i; break; }
    }
    if (!flag) return pattern;
    const flags = pattern.slice(flag.at + 2, flag.at + flag.length - 1);
    pattern = `${pattern.slice(0, flag.at)}(?${flags}:${pattern.slice(flag.at + flag.length, end)})${pattern.slice(end)}`;
  }
}

function regex(pattern: string): RegExp {
  const re = tryRegex(pattern);
  if (typeof re === "string") throw new Error(re);
  return re;
}

function findAll(s: string, pattern: string, n: number): string[] {
  const compiled = regex(pattern);
  const re = new RegExp(compiled.source, `${compiled.flags}g`);
  const out: string[] = [];
  for (const m of s.matchAll(re)) {
    if (n >= 0 && out.length >= n) break;
    out.push(m[0]);
  }
  return out;
}

interface GoUrl {
  scheme: string;
  host: string;
}

/** Go's net/url ParseRequestURI (url.go, parse with viaRequest=true): undefined where Go returns an error. */
function parseRequestUri(raw: string): GoUrl | undefined {
  if (raw === "" || /[\x00-\x1f\x7f]/.test(raw)) return undefined;
  if (raw === "*") return { scheme: "", host: "" };
  let scheme = "";
  let rest = raw;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw);
  if (m) [scheme, rest] = [m[1]!.toLowerCase(), raw.slice(m[0].length)];
  else if (raw.startsWith(":")) return undefined; // missing protocol scheme
  if (rest.endsWith("?") && rest.split("?").length === 2) rest = rest.slice(0, -1);
  else rest = rest.split("?")[0]!;
  if (!rest.startsWith("/")) return scheme ? { scheme, host: "" } : undefined; // opaque URI, else "invalid URI for request"
  let host = "";
  if (scheme && rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? "" : rest.slice(slash);
    const at = authority.lastIndexOf("@");
    if (at >= 0 && !/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(authority.slice(0, at))) return undefined; // invalid userinfo
    if (at >= 0 && !validEscapes(authority.slice(0, at))) return undefined;
    host = authority.slice(at + 1);
    if (host.startsWith("[")) {
      const close = host.lastIndexOf("]");
      if (close < 0 || !/^(:[0-9]*)?$/.test(host.slice(close + 1))) return undefined;
    } else if (host.includes(":") && !/^:[0-9]*$/.test(host.slice(host.lastIndexOf(":")))) return undefined; // invalid port
    // Go's unescape(host, encodeHost): only %25 or escapes of non-ASCII bytes, no characters that must be escaped.
    if (!validEscapes(host) || /%[0-7][0-9A-Fa-f]/.test(host.replaceAll("%25", "")) || /[^A-Za-z0-9\-._~!$&'()*+,;=:[\]<>"%\u0080-\uffff]/.test(host)) return undefined;
    host = decodeURIComponent(host.replace(/%(?![0-9A-Fa-f]{2})/g, "%25"));
  }
  return validEscapes(rest) ? { scheme, host } : undefined;
}

function validEscapes(s: string): boolean {
  return !/%(?![0-9A-Fa-f]{2})/.test(s);
}

/** Go's url.URL Hostname()/Port(): the port only when it is all digits; IPv6 brackets removed. */
function splitHostPort(hostPort: string): [string, string] {
  let host = hostPort;
  let port = "";
  const colon = host.lastIndexOf(":");
  if (colon >= 0 && /^:[0-9]*$/.test(host.slice(colon))) [host, port] = [host.slice(0, colon), host.slice(colon + 1)];
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  return [host, port];
}

// ---------------------------------------------------------------------------------------------

/** A value as shown in a message: JSON, cut short (a wrong-typed object could be large). */
function brief(v: Json): string {
  const text = JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function join(path: string, field: string): string {
  return path ? `${path}.${field}` : field;
}

/** JSON with sorted keys, as Go's json.Marshal of a map: equal values give equal strings. */
function canonical(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k]!)}`).join(",")}}`;
  return brief(v);
}

/** Indices of the second occurrence of each repeated value (listtype/validation.go reports each once). */
function duplicates(keys: string[]): number[] {
  const seen = new Map<string, number>();
  const out: number[] = [];
  keys.forEach((k, i) => {
    const times = seen.get(k) ?? 0;
    if (times === 1) out.push(i);
    seen.set(k, times + 1);
  });
  return out;
}
