// The Alertmanager configuration each stack would run (kube-prometheus-stack's defaults with the
// release's values, as Helm merges them), checked by Alertmanager's own amtool: valid, and every
// alert the rules can raise routed to a receiver that tells someone.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ALERT_RULE_GROUPS } from "../../../infra/addons/alert-rules.ts";
import { chartFacts, coalesce, valueAt } from "../../../infra/policy/lib/charts.ts";
import { simulateStack, stacks } from "../../../infra/testing/simulate.ts";
import { amtool } from "./checkers.ts";

const dir = mkdtempSync(join(tmpdir(), "mlts-alertmanager-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function alertmanagerConfigFile(stack: (typeof stacks)[number]): Promise<string> {
  const release = (await simulateStack(stack)).resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === "kube-prometheus-stack")!;
  const values = coalesce(chartFacts("kube-prometheus-stack")!.defaults, release.inputs.values as Record<string, unknown>);
  const file = join(dir, `${stack}.yaml`);
  writeFileSync(file, JSON.stringify(valueAt(values, "alertmanager.config"))); // JSON is YAML
  return file;
}

const receiverFor = (file: string, labels: Record<string, string>) =>
  amtool("config", "routes", "test", `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)).stdout.trim();

describe.each([...stacks])("%s", (stack) => {
  test("amtool accepts the configuration", async () => {
    const result = amtool("check-config", await alertmanagerConfigFile(stack));
    expect(result.output).toContain("SUCCESS");
    expect(result.ok).toBe(true);
  });

  test("every alert of our rules reaches the SNS receiver; the watchdog goes nowhere on purpose", async () => {
    const file = await alertmanagerConfigFile(stack);
    for (const rule of ALERT_RULE_GROUPS.flatMap((group) => group.rules)) {
      expect(receiverFor(file, { alertname: rule.alert, severity: rule.labels.severity }), rule.alert).toBe("sns");
    }
    // kube-prometheus-stack's own rules too, e.g. a node that is down.
    expect(receiverFor(file, { alertname: "KubeNodeNotReady", severity: "warning" })).toBe("sns");
    expect(receiverFor(file, { alertname: "Watchdog", severity: "none" })).toBe("null");
  });
});

test("the check fails a configuration that routes everything to the chart's default receiver", () => {
  const file = join(dir, "chart-default.yaml");
  writeFileSync(file, JSON.stringify(valueAt(chartFacts("kube-prometheus-stack")!.defaults, "alertmanager.config")));
  expect(amtool("check-config", file).ok).toBe(true); // valid, but...
  expect(receiverFor(file, { alertname: "ApiDown", severity: "critical" })).toBe("null"); // ...it tells nobody
});
