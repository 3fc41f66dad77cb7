// Well-formed Kubernetes objects to start a fixture from; each test breaks one thing.
import type { Container, PodSpec } from "../../infra/policy/lib/kubernetes.ts";
import { resource, type FixtureOptions } from "./harness.ts";

export const digestImage =
  "123456789012.dkr.ecr.eu-west-1.amazonaws.com/mlts/api@sha256:0000000000000000000000000000000000000000000000000000000000000000";

export function hardenedContainer(overrides: Partial<Container> = {}): Container {
  return {
    name: "api",
    image: digestImage,
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 10001,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    },
    livenessProbe: { httpGet: { path: "/health", port: 3000 } },
    readinessProbe: { httpGet: { path: "/health/ready", port: 3000 } },
    ...overrides,
  };
}

export const appLabels = { "app.kubernetes.io/name": "api" };

export function deployment(
  podSpec: Partial<PodSpec> = {},
  options: FixtureOptions & { replicas?: number; namespace?: string } = {},
) {
  return resource(
    "kubernetes:apps/v1:Deployment",
    {
      metadata: { name: options.name ?? "api", namespace: options.namespace ?? "mlts" },
      spec: {
        ...(options.replicas === undefined ? {} : { replicas: options.replicas }),
        selector: { matchLabels: appLabels },
        template: { metadata: { labels: appLabels }, spec: { containers: [hardenedContainer()], ...podSpec } },
      },
    },
    { name: "api", ...options },
  );
}

/**
 * Charts as infra/addons pins them: the same chart name, version and repository as
 * infra/upstream/charts/<chart>/chart.json, so the policies' fact lookups run on real facts.
 */
export const pinnedCharts = {
  "aws-for-fluent-bit": { version: "0.2.0", repository: "https://aws.github.io/eks-charts", namespace: "logging" },
  "aws-ebs-csi-driver": { version: "2.64.0", repository: "https://kubernetes-sigs.github.io/aws-ebs-csi-driver", namespace: "kube-system" },
  "external-secrets": { version: "0.19.2", repository: "https://charts.external-secrets.io", namespace: "external-secrets" },
  jaeger: { version: "4.1.0", repository: "https://jaegertracing.github.io/helm-charts", namespace: "observability" },
  karpenter: { version: "1.14.1", repository: "oci://public.ecr.aws/karpenter", namespace: "kube-system" },
  "karpenter-crd": { version: "1.14.1", repository: "oci://public.ecr.aws/karpenter", namespace: "kube-system" },
  keda: { version: "2.20.2", repository: "https://kedacore.github.io/charts", namespace: "keda" },
  "kube-prometheus-stack": { version: "87.14.0", repository: "https://prometheus-community.github.io/helm-charts", namespace: "monitoring" },
  "metrics-server": { version: "3.13.1", repository: "https://kubernetes-sigs.github.io/metrics-server/", namespace: "kube-system" },
  "opentelemetry-collector": { version: "0.170.0", repository: "https://open-telemetry.github.io/opentelemetry-helm-charts", namespace: "observability" },
  "prometheus-blackbox-exporter": { version: "11.17.2", repository: "https://prometheus-community.github.io/helm-charts", namespace: "monitoring" },
} as const;

/**
 * A `kubernetes:helm.sh/v3:Release` of a pinned chart, shaped as infra/addons/helm.ts creates it
 * (fixed name, atomic, timeout; OCI charts as `oci://registry/path/chart`). The release name
 * defaults to the chart's; pass `namespace` or `name` to move or rename it.
 */
export function helmRelease(
  chart: keyof typeof pinnedCharts,
  values: Record<string, unknown> = {},
  options: FixtureOptions & { namespace?: string } = {},
) {
  const { version, repository, namespace } = pinnedCharts[chart];
  const name = options.name ?? chart;
  const oci = repository.startsWith("oci://");
  return resource(
    "kubernetes:helm.sh/v3:Release",
    {
      name,
      chart: oci ? `${repository}/${chart}` : chart,
      version,
      ...(oci ? {} : { repositoryOpts: { repo: repository } }),
      namespace: options.namespace ?? namespace,
      atomic: true,
      timeout: 900,
      values,
    },
    { ...options, name },
  );
}

/**
 * A Kubernetes object of any kind, typed as the Kubernetes provider registers it
 * (`v1` → `kubernetes:core/v1:<Kind>`, custom resources → `kubernetes:<group>/<version>:<Kind>`);
 * the Pulumi name is the object's name unless `options.name` says otherwise.
 */
export function kubernetesObject(
  apiVersion: string,
  kind: string,
  metadata: { name: string; namespace?: string; [key: string]: unknown },
  props: Record<string, unknown> = {},
  options: FixtureOptions = {},
) {
  const groupVersion = apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`;
  return resource(`kubernetes:${groupVersion}:${kind}`, { apiVersion, kind, metadata, ...props }, { name: metadata.name, ...options });
}
