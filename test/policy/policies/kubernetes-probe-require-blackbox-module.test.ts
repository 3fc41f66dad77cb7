import { expect, test } from "bun:test";
import { kubernetesProbeRequireBlackboxModule as policy } from "../../../infra/policy/policies/kubernetes-probe-require-blackbox-module.ts";
import { helmRelease, kubernetesObject } from "../fixtures.ts";
import { check } from "../harness.ts";

const tcpConnect = { config: { modules: { tcp_connect: { prober: "tcp", timeout: "5s" } } } };
/** The exporter as infra/addons/observability.ts installs it: release "blackbox-exporter", named so by fullnameOverride. */
const exporter = (values: Record<string, unknown> = { fullnameOverride: "blackbox-exporter", ...tcpConnect }) =>
  helmRelease("prometheus-blackbox-exporter", values, { name: "blackbox-exporter" });
const probe = (module: string, url = "blackbox-exporter.monitoring.svc:9115") =>
  kubernetesObject("monitoring.coreos.com/v1", "Probe", { name: "postgres", namespace: "monitoring" }, {
    spec: { jobName: "postgres", module, prober: { url }, targets: { staticConfig: { static: ["db.example.internal:5432"] } } },
  });

test("passes a Probe through the stack's exporter with a module its values add", async () => {
  expect(await check(policy, [exporter(), probe("tcp_connect")])).toEqual([]);
  // Helm merges the added module over the chart's default http_2xx, which stays.
  expect(await check(policy, [exporter(), probe("http_2xx", "blackbox-exporter:9115")])).toEqual([]);
});

test("passes a Probe addressing the exporter's Service by the chart's own fullname", async () => {
  // No fullnameOverride: release "blackbox-exporter" of prometheus-blackbox-exporter is "<release>-<chart>".
  const plain = exporter(tcpConnect);
  expect(await check(policy, [plain, probe("tcp_connect", "blackbox-exporter-prometheus-blackbox-exporter.monitoring.svc:9115")])).toEqual([]);
});

test("rejects a module the exporter's configuration does not define (the chart defines only http_2xx)", async () => {
  expect(await check(policy, [exporter({ fullnameOverride: "blackbox-exporter" }), probe("tcp_connect")])).toEqual([
    'kubernetes:monitoring.coreos.com/v1:Probe "postgres" uses module "tcp_connect", but exporter blackbox-exporter defines only http_2xx.',
  ]);
  expect(await check(policy, [exporter(), probe("icmp")])).toEqual([expect.stringContaining('uses module "icmp", but exporter blackbox-exporter defines only http_2xx, tcp_connect.')]);
});

test("rejects a Probe whose prober is no exporter the stack installs", async () => {
  expect(await check(policy, probe("tcp_connect"))).toEqual([
    'kubernetes:monitoring.coreos.com/v1:Probe "postgres" probes through blackbox-exporter.monitoring.svc:9115, which is no blackbox exporter the stack installs.',
  ]);
  // Without fullnameOverride the Service is not called "blackbox-exporter".
  expect(await check(policy, [exporter(tcpConnect), probe("tcp_connect")])).toEqual([expect.stringContaining("which is no blackbox exporter the stack installs")]);
  // The right name in another namespace.
  expect(await check(policy, [exporter(), probe("tcp_connect", "blackbox-exporter.observability.svc:9115")])).toHaveLength(1);
});
