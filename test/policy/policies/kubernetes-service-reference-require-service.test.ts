import { expect, test } from "bun:test";
import { kubernetesServiceReferenceRequireService as policy } from "../../../infra/policy/policies/kubernetes-service-reference-require-service.ts";
import { deployment, hardenedContainer, helmRelease, kubernetesObject } from "../fixtures.ts";
import { check } from "../harness.ts";

/** The collector as infra/addons/tracing.ts installs it, exporting spans to `endpoint`. */
const collector = (endpoint: string) =>
  helmRelease("opentelemetry-collector", {
    fullnameOverride: "otel-collector",
    mode: "deployment",
    config: { exporters: { "otlp/jaeger": { endpoint, tls: { insecure: true } } } },
  }, { name: "otel-collector" });
const jaeger = (values: Record<string, unknown> = { fullnameOverride: "jaeger" }) => helmRelease("jaeger", values);
/** The api, sending spans to `endpoint`. */
const api = (endpoint: string) =>
  deployment({ containers: [hardenedContainer({ env: [{ name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: endpoint }] })] });
const apiService = kubernetesObject("v1", "Service", { name: "api", namespace: "mlts" }, { spec: { ports: [{ name: "http", port: 3000 }] } });

test("passes addresses of Services that charts create, on their ports", async () => {
  // jaeger 4.1.0 creates `{fullname}-collector`, serving OTLP on 4317.
  expect(await check(policy, [jaeger(), collector("jaeger-collector.observability.svc.cluster.local:4317")])).toEqual([]);
  // Release "jaeger" of chart jaeger is "jaeger" even without fullnameOverride: the release name contains the chart's.
  expect(await check(policy, [jaeger({}), collector("jaeger-collector.observability.svc:4317")])).toEqual([]);
  expect(await check(policy, [jaeger(), collector("jaeger-collector.observability.svc:4317"), api("http://otel-collector.observability.svc:4318")])).toEqual([]);
  // kube-prometheus-stack's fullname is cut to 26 characters; "kube-prometheus-stack" fits.
  const scaledObject = kubernetesObject("keda.sh/v1alpha1", "ScaledObject", { name: "worker", namespace: "mlts" }, {
    spec: { triggers: [{ type: "prometheus", metadata: { serverAddress: "http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090" } }] },
  });
  expect(await check(policy, [helmRelease("kube-prometheus-stack"), scaledObject])).toEqual([]);
});

test("passes addresses of Services the stack declares, with or without a port", async () => {
  const worker = deployment({ containers: [hardenedContainer({ env: [{ name: "API_URL", value: "http://api.mlts.svc.cluster.local:3000/health" }] })] }, { name: "worker" });
  expect(await check(policy, [apiService, worker])).toEqual([]);
  expect(await check(policy, [apiService, api("api.mlts.svc")])).toEqual([]);
});

test("rejects an address naming a Service nobody creates (jaeger 4.1.0 has no `jaeger` Service)", async () => {
  expect(await check(policy, [jaeger(), collector("jaeger.observability.svc.cluster.local:4317")])).toEqual([
    'kubernetes:helm.sh/v3:Release "otel-collector" refers to jaeger.observability.svc.cluster.local:4317, but the stack creates no Service jaeger in namespace observability.',
  ]);
  // The right Service name in another namespace.
  expect(await check(policy, [apiService, api("http://api.default.svc:3000")])).toEqual([
    'kubernetes:apps/v1:Deployment "api" refers to api.default.svc:3000, but the stack creates no Service api in namespace default.',
  ]);
});

test("rejects a Service a chart creates only when enabled by values", async () => {
  const hotrod = api("http://jaeger-hotrod.observability.svc:80");
  expect(await check(policy, [jaeger(), hotrod])).toEqual([expect.stringContaining("the stack creates no Service jaeger-hotrod in namespace observability")]);
  expect(await check(policy, [jaeger({ fullnameOverride: "jaeger", hotrod: { enabled: true } }), hotrod])).toEqual([]);
});

test("rejects a port the Service does not serve", async () => {
  expect(await check(policy, [jaeger(), collector("jaeger-collector.observability.svc.cluster.local:4316")])).toEqual([
    'kubernetes:helm.sh/v3:Release "otel-collector" refers to jaeger-collector.observability.svc.cluster.local:4316, but Service jaeger-collector.observability serves port(s) 9411, 14250, 14267, 14268, 4317, 4318.',
  ]);
  expect(await check(policy, [apiService, api("http://api.mlts.svc:8080")])).toEqual([expect.stringContaining("but Service api.mlts serves port(s) 3000.")]);
});
