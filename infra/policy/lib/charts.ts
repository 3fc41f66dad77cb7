// What the Helm charts a stack installs create, from the upstream facts kept in infra/upstream/charts
// (values, CRDs, Services, ServiceAccounts at each pinned version), so that stack policies can check
// references to objects no Pulumi resource declares: the chart renders them out of the engine's sight.
import type { PolicyResource } from "@pulumi/policy";
import { YAML } from "bun";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const CHARTS = join(import.meta.dirname, "..", "..", "upstream", "charts");

export interface CrdFact {
  group: string;
  kind: string;
  plural: string;
  versions: string[];
  /** The CRD's YAML, when kept (infra/upstream/charts/<chart>/<file>). */
  file?: string;
  /** Where the chart holds it: under `<chart>/crds/` Helm installs it unless the release skips CRDs. */
  source?: string;
}

/** An object a chart's templates create, its name a pattern such as `{fullname}-collector`. */
interface NamedFact {
  name: string;
  ports?: number[];
  /** The values condition that enables it, in prose; `enabledBy` says it for machines. */
  when?: string;
  /** Values paths that must all be truthy for the object to exist (absent: it always exists). */
  enabledBy?: string | string[];
}

export interface ChartFacts {
  chart: string;
  version: string;
  helmRepository: string;
  crds: CrdFact[];
  services: NamedFact[];
  serviceAccounts: NamedFact[];
  /** How the chart computes `{fullname}`, in prose; the two fields after it say where it is not `helm create`'s helper. */
  fullname: string;
  /** The length fullname is cut to (63 unless the chart says otherwise). */
  fullnameTruncate?: number;
  /** `<release>-<name>` even when the release name already contains the chart's name. */
  fullnameJoinsAlways?: boolean;
  /** APIs the chart serves through the aggregation layer, e.g. `metrics.k8s.io`. */
  apiServices?: string[];
  /** Istio charts keep their defaults one level down. */
  valuesRoot?: string;
  /** The chart's default values (values.yaml, under `valuesRoot`). */
  defaults: Record<string, unknown>;
}

const cache = new Map<string, ChartFacts | undefined>();

/** The facts of `chart` at the version infra/upstream holds, or undefined when none are kept. */
export function chartFacts(chart: string): ChartFacts | undefined {
  if (!cache.has(chart)) {
    const dir = join(CHARTS, chart);
    if (!existsSync(join(dir, "chart.json"))) {
      cache.set(chart, undefined);
    } else {
      const facts = JSON.parse(readFileSync(join(dir, "chart.json"), "utf8")) as Omit<ChartFacts, "defaults">;
      const values = (YAML.parse(readFileSync(join(dir, "values.yaml"), "utf8")) ?? {}) as Record<string, unknown>;
      const defaults = (facts.valuesRoot ? values[facts.valuesRoot] : values) as Record<string, unknown> | undefined;
      cache.set(chart, { ...facts, services: facts.services ?? [], serviceAccounts: facts.serviceAccounts ?? [], crds: facts.crds ?? [], defaults: defaults ?? {} });
    }
  }
  return cache.get(chart);
}

/** A Helm release in the stack, with what it will render from. */
export interface Release {
  resource: PolicyResource;
  /** The chart's bare name ("oci://host/path/karpenter" → "karpenter"). */
  chart: string;
  version: string;
  /** Release name: `name`, or the Pulumi name when none is fixed (Pulumi then adds a suffix). */
  name: string;
  namespace: string;
  values: Record<string, unknown>;
  facts: ChartFacts | undefined;
  /** The chart's defaults with the release's values merged over them, as Helm coalesces them. */
  effectiveValues: Record<string, unknown>;
}

export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

export function helmReleases(resources: PolicyResource[]): Release[] {
  return resources.filter((r) => r.type === HELM_RELEASE).map((resource) => {
    const props = resource.props as { chart?: string; version?: string; name?: string; namespace?: string; values?: Record<string, unknown> };
    const chart = (props.chart ?? "").split("/").pop() ?? "";
    const facts = chartFacts(chart);
    const values = props.values ?? {};
    return {
      resource,
      chart,
      version: props.version ?? "",
      name: props.name ?? resource.name,
      namespace: props.namespace ?? "default",
      values,
      facts,
      effectiveValues: coalesce(facts?.defaults ?? {}, values),
    };
  });
}

/** The CRDs a release installs: a chart's `crds/` folder is skipped with `skipCrds`, its templates are not. */
export function releaseCrds(release: Release): CrdFact[] {
  const skipsCrdsFolder = (release.resource.props as { skipCrds?: boolean }).skipCrds === true;
  return (release.facts?.crds ?? []).filter((crd) => !(skipsCrdsFolder && /(^|\/)crds\//.test(crd.source ?? "")));
}

/** Helm's merge of user values over chart defaults: maps merge, anything else replaces, null deletes. */
export function coalesce(defaults: Record<string, unknown>, values: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(values)) {
    const base = merged[key];
    if (value === null) delete merged[key];
    else if (isMap(value) && isMap(base)) merged[key] = coalesce(base, value);
    else merged[key] = value;
  }
  return merged;
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value at a dotted path of a values tree. */
export function valueAt(values: Record<string, unknown>, path: string): unknown {
  return path.split(".").reduce<unknown>((node, key) => (isMap(node) ? node[key] : undefined), values);
}

/** The chart's `fullname` for this release, as its templates compute it. */
export function fullnameOf(release: Release): string {
  const override = valueAt(release.effectiveValues, "fullnameOverride");
  if (typeof override === "string" && override) return override.slice(0, 63).replace(/-$/, "");
  const nameOverride = valueAt(release.effectiveValues, "nameOverride");
  const name = typeof nameOverride === "string" && nameOverride ? nameOverride : release.chart;
  const full = !release.facts?.fullnameJoinsAlways && release.name.includes(name) ? release.name : `${release.name}-${name}`;
  return full.slice(0, release.facts?.fullnameTruncate ?? 63).replace(/-$/, "");
}

/**
 * A name pattern of the facts, e.g. `{fullname}-collector`, `{serviceAccount.name|fullname-webhook}`,
 * `istiod{-revision}`: each `{a|b}` is the first alternative that gives a non-empty name, where an
 * alternative is `fullname` or `release` (optionally with a `-suffix`), a values path (`-path`: the
 * value with a dash before it), or else a literal name.
 */
export function renderName(pattern: string, release: Release): string {
  return pattern.replace(/\{([^}]+)\}/g, (_, alternatives: string) => {
    for (const alternative of alternatives.split("|")) {
      const value = alternativeValue(alternative, release);
      if (value) return value;
    }
    return "";
  });
}

function alternativeValue(alternative: string, release: Release): string | undefined {
  const computed = /^(fullname|release)(-.+)?$/.exec(alternative);
  if (computed) return (computed[1] === "fullname" ? fullnameOf(release) : release.name) + (computed[2] ?? "");
  const dashed = alternative.startsWith("-");
  const path = dashed ? alternative.slice(1) : alternative;
  const value = valueAt(release.effectiveValues, path);
  if (typeof value === "string") return value && (dashed ? `-${value}` : value);
  return path.includes(".") || dashed || value !== undefined ? undefined : alternative;
}

const enabled = (fact: NamedFact, release: Release) => [fact.enabledBy ?? []].flat().every((path) => Boolean(valueAt(release.effectiveValues, path)));

/** The Services a release creates: name, namespace, ports. */
export function releaseServices(release: Release): { name: string; namespace: string; ports: number[] }[] {
  return (release.facts?.services ?? []).filter((fact) => enabled(fact, release))
    .map((fact) => ({ name: renderName(fact.name, release), namespace: release.namespace, ports: fact.ports ?? [] }));
}

/** The ServiceAccounts a release creates. */
export function releaseServiceAccounts(release: Release): { name: string; namespace: string }[] {
  return (release.facts?.serviceAccounts ?? []).filter((fact) => enabled(fact, release))
    .map((fact) => ({ name: renderName(fact.name, release), namespace: release.namespace }));
}
