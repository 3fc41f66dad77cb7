// The Alertmanager configuration each stack would run (kube-prometheus-stack's defaults with the
// release's values, as Helm merges them), checked by Alertmanager's own amtool: valid, and every
// alert the rules can raise routed to the receiver that should hear it; and run by Alertmanager
// itself for what amtool cannot show, the inhibitions.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ALERT_RULE_GROUPS, DEPENDENCY_DOWN } from "../../../infra/addons/alert-rules.ts";
import { RECEIVER_KEYS, RECEIVERS, RECEIVERS_SECRET } from "../../../infra/addons/alerting.ts";
import { SLOS } from "../../../infra/addons/slo.ts";
import { chartFacts, coalesce, valueAt } from "../../../infra/policy/lib/charts.ts";
import { simulateStack, type StackName, stacks } from "../../../infra/testing/simulate.ts";
import { eventually } from "../../../testing/polling.ts";
import { stopAll } from "../../../testing/processes.ts";
import { AlertmanagerInstance, amtool } from "./checkers.ts";
import { release } from "../resources.ts";

const dir = mkdtempSync(join(tmpdir(), "mlts-alertmanager-"));
afterAll(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

interface Receiver { name: string; [integration: string]: unknown }
interface AlertmanagerConfig { receivers: Receiver[]; inhibit_rules: object[] }

async function alertmanagerValues(stack: StackName) {
  const prometheus = release(await simulateStack(stack), "kube-prometheus-stack");
  return coalesce(chartFacts("kube-prometheus-stack")!.defaults, prometheus.inputs.values as Record<string, unknown>);
}

async function alertmanagerConfigFile(stack: StackName): Promise<string> {
  const file = join(dir, `${stack}.yaml`);
  writeFileSync(file, JSON.stringify(valueAt(await alertmanagerValues(stack), "alertmanager.config"))); // JSON is YAML
  return file;
}

const receiverFor = (file: string, labels: Record<string, string>) =>
  amtool("config", "routes", "test", `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)).stdout.trim();

/** What a receiver does: its integrations, e.g. ["pagerduty", "slack", "sns"]. */
const integrations = (config: AlertmanagerConfig, name: string) =>
  Object.keys(config.receivers.find((r) => r.name === name) ?? {}).filter((k) => k.endsWith("_configs")).map((k) => k.replace(/_configs$/, "")).sort();

/** Per stack, who hears a page and who a ticket (Pulumi.<stack>.yaml `alertReceivers`); email hears everything. */
const EXPECTED: Record<StackName, { page: string[]; ticket: string[] }> = {
  dev: { page: ["sns"], ticket: ["sns"] },
  staging: { page: ["slack", "sns"], ticket: ["slack", "sns"] },
  prod: { page: ["pagerduty", "slack", "sns"], ticket: ["slack", "sns"] },
};

/** kube-prometheus-stack's own alerts (its default rules), by severity. */
const CHART_ALERTS = [
  { alertname: "KubeNodeNotReady", severity: "warning" },
  { alertname: "KubePodCrashLooping", severity: "warning" },
  { alertname: "KubeAPIErrorBudgetBurn", severity: "critical" },
  { alertname: "AlertmanagerFailedToSendAlerts", severity: "warning" },
  { alertname: "CPUThrottlingHigh", severity: "info" },
];

describe.each([...stacks])("%s", (stack) => {
  test("amtool accepts the configuration", async () => {
    const result = amtool("check-config", await alertmanagerConfigFile(stack));
    expect(result.output).toContain("SUCCESS");
    expect(result.ok).toBe(true);
  });

  test("every alert → its receiver: critical pages, the rest is a ticket, the watchdog is the heartbeat", async () => {
    const file = await alertmanagerConfigFile(stack);
    for (const rule of ALERT_RULE_GROUPS.flatMap((group) => group.rules)) {
      const expected = rule.labels.severity === "critical" ? RECEIVERS.page : RECEIVERS.ticket;
      expect(receiverFor(file, { alertname: rule.alert, severity: rule.labels.severity }), rule.alert).toBe(expected);
    }
    for (const alert of CHART_ALERTS) {
      expect(receiverFor(file, alert), alert.alertname).toBe(alert.severity === "critical" ? RECEIVERS.page : RECEIVERS.ticket);
    }
    expect(receiverFor(file, { alertname: "SomethingWithoutSeverity" })).toBe(RECEIVERS.ticket);
    expect(receiverFor(file, { alertname: "Watchdog", severity: "none" })).toBe(RECEIVERS.heartbeat);
    expect(receiverFor(file, { alertname: "InfoInhibitor", severity: "none" })).toBe(RECEIVERS.none);
  });

  test("who each receiver tells, as the stack configures it; Slack and PagerDuty read their credentials from the mounted Secret", async () => {
    const values = await alertmanagerValues(stack);
    const config = valueAt(values, "alertmanager.config") as AlertmanagerConfig;
    expect({ page: integrations(config, RECEIVERS.page), ticket: integrations(config, RECEIVERS.ticket) }).toEqual(EXPECTED[stack]);
    expect(integrations(config, RECEIVERS.heartbeat)).toEqual(["sns"]);
    const text = JSON.stringify(config);
    expect(text).not.toMatch(/"(api_url|routing_key|service_key|url)":/); // never a credential in the config itself
    const usesSecret = EXPECTED[stack].page.length > 1;
    expect(valueAt(values, "alertmanager.alertmanagerSpec.secrets")).toEqual(usesSecret ? [RECEIVERS_SECRET] : []);
    for (const [receiver, key] of [["slack", RECEIVER_KEYS.slack], ["pagerduty", RECEIVER_KEYS.pagerDuty]] as const) {
      if (EXPECTED[stack].page.includes(receiver)) expect(text).toContain(`/etc/alertmanager/secrets/${RECEIVERS_SECRET}/${key}`);
    }
  });
});

describe("inhibition, run by Alertmanager itself", () => {
  let alertmanager: AlertmanagerInstance;
  beforeAll(async () => {
    alertmanager = await AlertmanagerInstance.start(await alertmanagerConfigFile("prod"));
  });
  afterEach(() => alertmanager.resolveAll());

  test.each(DEPENDENCY_DOWN.map((rule) => rule.alert))("while %s fires, the SLO alerts it causes are silenced; others are not", async (cause) => {
    const symptoms = SLOS.map((slo) => ({ alertname: slo.alert, severity: "critical" }));
    await alertmanager.fire({ alertname: cause, severity: "critical" }, ...symptoms, { alertname: "KubeNodeNotReady", severity: "warning", node: cause });
    // Alertmanager's inhibitor takes in new alerts asynchronously: wait until it has seen them all.
    const states = await eventually(() => alertmanager.states(), (seen) =>
      seen[cause] === "active" && seen.KubeNodeNotReady === "active" && symptoms.every(({ alertname }) => seen[alertname] === "suppressed"), 5_000);
    expect(states[cause]).toBe("active");
    for (const { alertname } of symptoms) expect(states[alertname], alertname).toBe("suppressed");
    expect(states.KubeNodeNotReady).toBe("active");
  });

  test("the chart's own inhibitions are kept: a critical alert silences the warning of the same alert", async () => {
    await alertmanager.fire({ alertname: "DiskFilling", severity: "critical", namespace: "mlts" }, { alertname: "DiskFilling", severity: "warning", namespace: "mlts", stage: "early" });
    const bySeverity = async () => {
      const alerts = (await (await fetch(`${alertmanager.url}/api/v2/alerts?filter=alertname%3D%22DiskFilling%22`)).json()) as { labels: { severity: string }; status: { state: string } }[];
      return Object.fromEntries(alerts.map((a) => [a.labels.severity, a.status.state]));
    };
    const states = await eventually(bySeverity, (seen) => seen.critical === "active" && seen.warning === "suppressed", 5_000);
    expect(states).toEqual({ critical: "active", warning: "suppressed" });
  });

  test("every inhibition rule of the chart's defaults is among ours (a values list replaces the chart's)", async () => {
    // Key order and quoting differ between YAML and our objects; the matchers mean the same.
    const normalize = (rule: object) => JSON.stringify(Object.entries(rule).sort()).replace(/[\s"\\]/g, "");
    const ours = ((valueAt(await alertmanagerValues("prod"), "alertmanager.config") as AlertmanagerConfig).inhibit_rules).map(normalize);
    const chart = valueAt(chartFacts("kube-prometheus-stack")!.defaults, "alertmanager.config.inhibit_rules") as object[];
    for (const rule of chart) expect(ours).toContain(normalize(rule));
  });
});

test("the check fails a configuration that routes everything to the chart's default receiver", () => {
  const file = join(dir, "chart-default.yaml");
  writeFileSync(file, JSON.stringify(valueAt(chartFacts("kube-prometheus-stack")!.defaults, "alertmanager.config")));
  expect(amtool("check-config", file).ok).toBe(true); // valid, but...
  expect(receiverFor(file, { alertname: "ApiDown", severity: "critical" })).toBe("null"); // ...it tells nobody
});
