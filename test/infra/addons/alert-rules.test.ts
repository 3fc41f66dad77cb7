// Every alert rule fires on a bad series and stays silent on a good one, as Prometheus evaluates it.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ALERT_RULE_GROUPS, type AlertRule } from "../../../infra/addons/alert-rules.ts";
import { promtool } from "./checkers.ts";

interface Series {
  series: string;
  values: string;
}

interface AlertCase {
  /** Series over which the alert must fire, with the labels its alert carries beyond the rule's. */
  bad: { series: Series[]; labels?: Record<string, string> }[];
  good: Series[][];
}

const api = (status: string, perMinute: number, route = "/tasks"): Series => ({
  series: `http_requests_total{job="api",method="POST",route="${route}",status="${status}"}`,
  values: `0+${perMinute}x40`,
});

/** Cumulative histogram buckets growing by the given counts per minute. */
const histogram = (name: string, labels: string, buckets: Record<string, number>): Series[] =>
  Object.entries(buckets).map(([le, perMinute]) => ({ series: `${name}_bucket{${labels},le="${le}"}`, values: `0+${perMinute}x40` }));

const gauge = (series: string, value: number): Series => ({ series, values: `${value}x40` });
const waiting = (count: number, job = "api") => gauge(`bullmq_queue_jobs{job="${job}",queue="train",state="waiting"}`, count);
const apiLatency = (buckets: Record<string, number>) =>
  histogram("http_request_duration_seconds", `job="api",method="GET",route="/tasks",status="200"`, buckets);

const CASES: Record<string, AlertCase> = {
  ApiAvailabilityBelowSlo: {
    bad: [{ series: [api("200", 1000), api("500", 5)] }], // 99.5%
    good: [[api("200", 2000), api("500", 1)], [api("200", 1000), api("500", 0), api("500", 50, "/health/ready")]],
  },
  ApiHighErrorRate: {
    bad: [{ series: [api("200", 100), api("503", 5)] }], // 4.8%
    good: [[api("200", 1000), api("500", 5)], [api("200", 100), api("404", 50)]],
  },
  ApiHighLatency: {
    bad: [{ series: apiLatency({ "0.1": 10, "0.2": 20, "0.5": 100, "+Inf": 100 }) }],
    good: [apiLatency({ "0.1": 90, "0.2": 100, "0.5": 100, "+Inf": 100 })],
  },
  PredictionLatencyHigh: {
    bad: [{ series: histogram("task_duration_seconds", `job="worker",type="predict"`, { "1": 0, "5": 10, "15": 100, "+Inf": 100 }) }],
    good: [
      histogram("task_duration_seconds", `job="worker",type="predict"`, { "1": 100, "5": 100, "15": 100, "+Inf": 100 }),
      histogram("task_duration_seconds", `job="worker",type="train"`, { "1": 0, "5": 0, "15": 100, "+Inf": 100 }),
    ],
  },
  QueueBacklogHigh: {
    bad: [{ series: [waiting(150), gauge(`bullmq_queue_jobs{job="api",queue="predict",state="prioritized"}`, 10)] }],
    // Two API pods report the same 60 jobs: one backlog of 60, not 120.
    good: [[waiting(60), { ...waiting(60), series: waiting(60).series.replace('job="api"', 'job="api",instance="b"') }]],
  },
  ApiDown: {
    bad: [{ series: [gauge(`up{job="api",instance="a"}`, 0)] }, { series: [] }],
    good: [[gauge(`up{job="api",instance="a"}`, 1), gauge(`up{job="api",instance="b"}`, 0)]],
  },
  WorkerDown: {
    bad: [{ series: [gauge(`up{job="worker"}`, 0), waiting(5)] }, { series: [waiting(5)] }],
    good: [[gauge(`up{job="worker"}`, 1), waiting(5)], [waiting(0)]], // scaled to zero with nothing to do
  },
  DatabaseDown: {
    bad: [{ series: [gauge(`probe_success{job="postgres"}`, 0)] }, { series: [] }],
    good: [[gauge(`probe_success{job="postgres"}`, 1)]],
  },
  RedisDown: {
    bad: [{ series: [gauge(`probe_success{job="redis"}`, 0)] }],
    good: [[gauge(`probe_success{job="redis"}`, 1), gauge(`probe_success{job="postgres"}`, 0)]],
  },
  ModelDriftHigh: {
    bad: [{ series: [gauge(`model_drift_score{job="worker",model_id="0193a0c4-7b5e-7000-8000-000000000003"}`, 0.35)], labels: { model_id: "0193a0c4-7b5e-7000-8000-000000000003" } }],
    good: [[gauge(`model_drift_score{job="worker",model_id="0193a0c4-7b5e-7000-8000-000000000003"}`, 0.05)]],
  },
};

const rules = ALERT_RULE_GROUPS.flatMap((group) => group.rules);
const dir = mkdtempSync(join(tmpdir(), "mlts-rules-"));
const rulesFile = join(dir, "rules.yml");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// JSON is YAML, so the generated groups go to promtool exactly as the PrometheusRule carries them.
writeFileSync(rulesFile, JSON.stringify({ groups: ALERT_RULE_GROUPS }));

/** The alert Prometheus should raise: the rule's labels plus the series', templates filled in. */
function expectedAlert(rule: AlertRule, labels: Record<string, string> = {}) {
  const fill = (text: string) => text.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, name: string) => labels[name] ?? "");
  return {
    exp_labels: { ...rule.labels, ...labels },
    exp_annotations: { summary: fill(rule.annotations.summary), description: fill(rule.annotations.description) },
  };
}

function unitTest(rule: AlertRule, series: Series[], alerts: ReturnType<typeof expectedAlert>[]) {
  return {
    interval: "1m",
    input_series: series,
    alert_rule_test: [{ eval_time: "30m", alertname: rule.alert, exp_alerts: alerts }],
  };
}

describe("Prometheus alert rules", () => {
  test("promtool accepts the generated rule file", () => {
    const check = promtool("check", "rules", rulesFile);
    expect(check.output).toContain("SUCCESS");
    expect(check.ok).toBe(true);
  });

  test("every rule has a bad and a good case", () => {
    expect(Object.keys(CASES).sort()).toEqual(rules.map((rule) => rule.alert).sort());
  });

  test("each alert fires on its bad series and stays silent on its good ones (promtool test rules)", () => {
    const tests = rules.flatMap((rule) => {
      const { bad, good } = CASES[rule.alert]!;
      return [
        ...bad.map((c) => unitTest(rule, c.series, [expectedAlert(rule, c.labels)])),
        ...good.map((series) => unitTest(rule, series, [])),
      ];
    });
    const testFile = join(dir, "rules.test.yml");
    writeFileSync(testFile, JSON.stringify({ rule_files: [rulesFile], evaluation_interval: "1m", tests }));
    const run = promtool("test", "rules", testFile);
    expect(run.output).toContain("SUCCESS");
    expect(run.ok).toBe(true);
  }, 30_000); // promtool evaluates 30 minutes of series per case: seconds of CPU on a busy machine
});
