// The canary analysis as Prometheus and Argo Rollouts would run it: each check's query, evaluated by
// the real promtool on synthetic series of a canary's pods, then the check's own success and failure
// conditions applied to the result. A healthy canary passes, an erroring or slow one fails, and a
// canary nobody calls is neither (inconclusive: the rollout pauses for a person).
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simulateStack } from "../../../infra/testing/simulate.ts";
import { k8s, type Inputs } from "../resources.ts";
import { promtool } from "./checkers.ts";

const dir = mkdtempSync(join(tmpdir(), "mlts-canary-analysis-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CANARY = "5d8f9c7b6";
const STABLE = "7c6b5a4d3";

interface Series { series: string; values: string }
const requests = (hash: string, status: string, perMinute: number): Series => ({
  series: `http_requests_total{job="api",method="POST",route="/tasks",status="${status}",pod_template_hash="${hash}"}`,
  values: `0+${perMinute}x40`,
});
const latency = (hash: string, buckets: Record<string, number>): Series[] =>
  Object.entries(buckets).map(([le, perMinute]) => ({
    series: `http_request_duration_seconds_bucket{job="api",method="POST",route="/tasks",status="200",pod_template_hash="${hash}",le="${le}"}`,
    values: `0+${perMinute}x40`,
  }));
/** Task outcomes per minute, before (first 25 minutes) and during the canary (the last 15). */
const tasks = (outcome: string, before: number, during: number): Series => ({
  series: `tasks_total{job="worker",type="predict",outcome="${outcome}"}`,
  values: `0+${before}x25 ${25 * before + during}+${during}x15`,
});
const fast = { "0.05": 100, "0.1": 100, "0.25": 100, "+Inf": 100 };
const slow = { "0.05": 0, "0.1": 0, "0.25": 10, "1": 100, "+Inf": 100 };
/** Heavy traffic on the stable pods, which the checks must not count. */
const stableNoise = [requests(STABLE, "500", 500), ...latency(STABLE, slow)];

type Outcome = "successful" | "failed" | "inconclusive";
const CASES: Record<string, { name: string; series: Series[]; expected: Outcome }[]> = {
  "success-rate": [
    { name: "healthy", series: [requests(CANARY, "200", 100), ...stableNoise], expected: "successful" },
    { name: "erroring", series: [requests(CANARY, "200", 90), requests(CANARY, "500", 10)], expected: "failed" },
    { name: "no traffic", series: [requests(CANARY, "200", 10), ...stableNoise], expected: "inconclusive" },
  ],
  latency: [
    { name: "fast", series: [requests(CANARY, "200", 100), ...latency(CANARY, fast), ...stableNoise], expected: "successful" },
    { name: "slow", series: [requests(CANARY, "200", 100), ...latency(CANARY, slow)], expected: "failed" },
    { name: "no traffic", series: [requests(CANARY, "200", 10), ...latency(CANARY, slow)], expected: "inconclusive" },
  ],
  "task-failures": [
    { name: "steady", series: [tasks("succeeded", 95, 95), tasks("failed", 5, 5)], expected: "successful" },
    { name: "rising", series: [tasks("succeeded", 95, 70), tasks("failed", 5, 30)], expected: "failed" },
    { name: "no tasks", series: [], expected: "successful" },
  ],
};

/** The query's result at the end of the series, as promtool evaluates it (an empty list for no samples). */
function evaluate(query: string, series: Series[]): number[] {
  // promtool checks expected samples; ask for none first, and read the actual ones from its complaint.
  const file = join(dir, `${crypto.randomUUID()}.yaml`);
  const test = { rule_files: [], evaluation_interval: "1m", tests: [{ interval: "1m", input_series: series, promql_expr_test: [{ expr: query, eval_time: "40m", exp_samples: [] }] }] };
  writeFileSync(file, JSON.stringify(test));
  const run = promtool("test", "rules", file);
  if (run.ok) return [];
  const got = run.output.slice(run.output.indexOf("got:"));
  const values = [...got.matchAll(/\}\s+([-+0-9.eE]+|NaN)/g)].map((m) => Number(m[1]));
  if (values.length === 0) throw new Error(`promtool could not evaluate ${query}:\n${run.output}`);
  return values;
}

/** Argo Rollouts' condition, in the one form the templates use: `len(result) > 0 && result[0] <op> <n>`. */
function holds(condition: string, result: number[]): boolean {
  const match = /^len\(result\) > 0 && result\[0\] (>=|<=|<|>) ([0-9.]+)$/.exec(condition);
  if (!match) throw new Error(`unexpected condition form: ${condition}`);
  if (result.length === 0) return false;
  const [value, threshold] = [result[0]!, Number(match[2])];
  return { ">=": value >= threshold, "<=": value <= threshold, "<": value < threshold, ">": value > threshold }[match[1] as ">="];
}

const metrics = async () => (k8s(await simulateStack("prod"), "AnalysisTemplate", "api-canary-slo").spec.metrics as Inputs[]);

describe.each(Object.keys(CASES))("%s", (check) => {
  test.each(CASES[check]!.map((c) => [c.name, c] as const))("%s canary", async (_, { series, expected }) => {
    const metric = (await metrics()).find((m) => m.name === check)!;
    const query = (metric.provider.prometheus.query as string).replaceAll("{{args.canary-hash}}", CANARY);
    const result = evaluate(query, series);
    const outcome = holds(metric.failureCondition, result) ? "failed" : holds(metric.successCondition, result) ? "successful" : "inconclusive";
    expect({ result, outcome }).toMatchObject({ outcome: expected });
  });
});

test("the checks reuse the alerts' SLO queries, narrowed to the canary's pods", async () => {
  const byName = Object.fromEntries((await metrics()).map((m) => [m.name, m.provider.prometheus.query as string]));
  expect(byName["success-rate"]).toContain('http_requests_total{job="api",route!~"/metrics|/health.*",pod_template_hash="{{args.canary-hash}}",status=~"5.."}');
  expect(byName.latency).toContain("histogram_quantile(0.95");
});
