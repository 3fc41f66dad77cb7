// The program against upstream truth (infra/upstream: each pinned chart's values, values schema and
// CRDs, and controllers' IAM, at the release tag): every release of every stack pins a version we
// hold facts for, sets only values the chart has, passes the chart's own values schema, and names
// only files the chart ships. Custom resources meet their real CRDs in k8s-objects.test.ts.
import { beforeAll, describe, expect, test } from "bun:test";
import Ajv from "ajv";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { KARPENTER_CHART } from "../../infra/addons/karpenter.ts";
import { EBS_CSI_CHART } from "../../infra/addons/ebs-csi.ts";
import { LOAD_BALANCER_CONTROLLER_CHART } from "../../infra/addons/load-balancer-controller.ts";
import { FLUENT_BIT_CHART } from "../../infra/addons/log-shipping.ts";
import { upstreamIam, upstreamPolicy } from "../../infra/controller-iam.ts";
import { chartFacts, coalesce, isMap } from "../../infra/policy/lib/charts.ts";
import { type Simulation, type StackName, simulateStack, stacks } from "../../infra/testing/simulate.ts";
import { type Inputs, ofType } from "./resources.ts";

const CHARTS = join(import.meta.dirname, "..", "..", "infra", "upstream", "charts");

const sims = {} as Record<StackName, Simulation>;
beforeAll(async () => {
  for (const stack of stacks) sims[stack] = await simulateStack(stack);
});

interface ChartJson { freeFormValues?: string[]; undeclaredValues?: string[]; valuesAliases?: Record<string, string>; profiles?: Record<string, string[]>; dependencies?: { name: string; version: string; alias?: string }[] }
const chartJson = (chart: string) => JSON.parse(readFileSync(join(CHARTS, chart, "chart.json"), "utf8")) as ChartJson;

const releasesOf = (sim: Simulation) => ofType(sim, "kubernetes:helm.sh/v3:Release").map((r) => {
  const inputs = r.inputs as Inputs;
  return { name: inputs.name as string, chart: (inputs.chart as string).split("/").pop()!, version: inputs.version as string, values: (inputs.values ?? {}) as Record<string, unknown> };
});

/**
 * Every key path `values` sets that the chart's defaults do not have, where it is not below a
 * free-form map the chart passes through verbatim, a subchart's section, an alias the chart copies
 * (Istio's `pilot.*`), or a key its templates read without declaring it (chart.json lists each).
 */
export function unknownValuePaths(chart: string, values: Record<string, unknown>): string[] {
  const facts = chartFacts(chart)!;
  const json = chartJson(chart);
  const freeForm = new Set([...(json.freeFormValues ?? []), ...(json.undeclaredValues ?? [])]);
  const subcharts = new Set((json.dependencies ?? []).map((d) => d.alias ?? d.name));
  const unknown: string[] = [];
  const walk = (node: Record<string, unknown>, defaults: unknown, path: string): void => {
    for (const [key, value] of Object.entries(node)) {
      const here = path ? `${path}.${key}` : key;
      if (freeForm.has(here) || (!path && subcharts.has(key))) continue;
      const known = isMap(defaults) ? defaults[key] : undefined;
      if (!isMap(defaults) || !(key in defaults)) unknown.push(here);
      else if (isMap(value) && isMap(known)) walk(value, known, here);
    }
  };
  for (const [alias, target] of Object.entries(json.valuesAliases ?? {})) {
    if (isMap(values[alias])) walk(values[alias] as Record<string, unknown>, target ? facts.defaults[target] : facts.defaults, "");
  }
  walk(Object.fromEntries(Object.entries(values).filter(([key]) => !(key in (json.valuesAliases ?? {})))), facts.defaults, "");
  return unknown;
}

describe.each([...stacks])("%s", (stack) => {
  test("every release pins the version whose facts infra/upstream holds", () => {
    for (const release of releasesOf(sims[stack])) {
      expect(chartFacts(release.chart)?.version, `${release.name} (${release.chart})`).toBe(release.version);
    }
  });

  test("every value a release sets is a key its chart has (free-form maps excepted, as listed in chart.json)", () => {
    for (const release of releasesOf(sims[stack])) {
      expect(unknownValuePaths(release.chart, release.values), `${release.name} (${release.chart} ${release.version})`).toEqual([]);
    }
  });

  test("the values Helm renders with pass the chart's own values.schema.json", () => {
    for (const release of releasesOf(sims[stack])) {
      const file = join(CHARTS, release.chart, "values.schema.json");
      if (!Bun.file(file).size) continue;
      const { $schema: _, ...schema } = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
      const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
      const facts = chartFacts(release.chart)!;
      const valid = validate(coalesce(facts.defaults, release.values));
      expect(valid ? [] : validate.errors!.map((e) => `${release.name}: ${e.instancePath} ${e.message}`)).toEqual([]);
    }
  });

  test("values that select a file of the chart (Istio's profile, platform) name one it ships", () => {
    for (const release of releasesOf(sims[stack])) {
      for (const [key, shipped] of Object.entries(chartJson(release.chart).profiles ?? {})) {
        const value = release.values[key];
        if (value !== undefined) expect(shipped, `${release.name}: ${key}`).toContain(String(value));
      }
    }
  });
});

describe("the checks themselves", () => {
  test("a misspelled or invented value is reported with its path; free-form maps are not", () => {
    expect(unknownValuePaths("kube-prometheus-stack", { prometheus: { prometheusSpec: { retension: "7d", podMetadata: { labels: { a: "b" } } } } }))
      .toEqual(["prometheus.prometheusSpec.retension"]);
    expect(unknownValuePaths("istiod", { pilot: { cni: { enabled: true }, cnii: {} } })).toEqual(["cnii"]);
  });

  test("istio-cni's `profile: default` names no profile file the chart ships", () => {
    expect(chartJson("cni").profiles!.profile).not.toContain("default");
  });
});

describe("controllers' IAM comes from the same release as their chart", () => {
  test.each([
    ["karpenter", KARPENTER_CHART.version],
    ["aws-ebs-csi-driver", EBS_CSI_CHART.version],
    ["aws-load-balancer-controller", LOAD_BALANCER_CONTROLLER_CHART.version],
    ["aws-for-fluent-bit", FLUENT_BIT_CHART.version],
  ])("%s", (controller, pinned) => {
    expect(upstreamIam(controller).chartVersion).toBe(pinned);
  });

  test("grafana-cloudwatch: the grafana subchart of the pinned kube-prometheus-stack", () => {
    const grafana = chartJson("kube-prometheus-stack").dependencies!.find((d) => d.name === "grafana")!;
    expect(upstreamIam("grafana-cloudwatch").chartVersion).toBe(grafana.version);
  });

  test("the load balancer controller may set listener attributes (since v2.9, or its ALBs get no targets)", () => {
    const policy = upstreamPolicy("aws-load-balancer-controller") as { Statement: { Action: string | string[] }[] };
    expect(policy.Statement.flatMap((s) => [s.Action].flat())).toContain("elasticloadbalancing:ModifyListenerAttributes");
  });
});
