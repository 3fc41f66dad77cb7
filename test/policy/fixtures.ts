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

type WorkloadOptions = FixtureOptions & { replicas?: number; namespace?: string };

export const deployment = (podSpec: Partial<PodSpec> = {}, options: WorkloadOptions = {}) => workload("kubernetes:apps/v1:Deployment", podSpec, options);
/** The api as infra/app makes it in every stack: an Argo Rollout, which the workload policies treat as a Deployment. */
export const rollout = (podSpec: Partial<PodSpec> = {}, options: WorkloadOptions = {}) => workload("kubernetes:argoproj.io/v1alpha1:Rollout", podSpec, options);

function workload(type: string, podSpec: Partial<PodSpec>, options: WorkloadOptions) {
  return resource(
    type,
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
  reloader: { version: "2.2.16", repository: "https://stakater.github.io/stakater-charts", namespace: "reloader" },
} as const;

/**
 * A `kubernetes:helm.sh/v3:Release` of a pinned chart, shaped as infra/addons/helm.ts creates it
 * (fixed name, atomic, timeout, its namespace made by the program rather than by Helm; OCI charts as
 * `oci://registry/path/chart`). The release name defaults to the chart's; pass `namespace` or `name`
 * to move or rename it, `createNamespace` to let Helm create the namespace.
 */
export function helmRelease(
  chart: keyof typeof pinnedCharts,
  values: Record<string, unknown> = {},
  options: FixtureOptions & { namespace?: string; createNamespace?: boolean } = {},
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
      createNamespace: options.createNamespace ?? false,
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

/**
 * A namespace as infra/addons/helm.ts podSecurityNamespace creates it (Pulumi name
 * `namespace-<name>`): Pod Security enforced at `level`, restricted warned and audited, and for
 * less than restricted the reason in the `mlts.io/pod-security-reason` annotation.
 */
export function podSecurityNamespace(name: string, level = "restricted", reason?: string, options: FixtureOptions = {}) {
  return kubernetesObject("v1", "Namespace", {
    name,
    labels: { "pod-security.kubernetes.io/enforce": level, "pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/audit": "restricted" },
    ...(reason === undefined ? {} : { annotations: { "mlts.io/pod-security-reason": reason } }),
  }, {}, { name: `namespace-${name}`, ...options });
}

export const certificateArn = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
export const webAclArn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/edge/66666666-7777-8888-9999-000000000000";

/**
 * The API's web ACL as infra/addons/edge.ts creates it. Stack policies see a resource's outputs
 * after `pulumi up` (pass `arn`), its inputs alone offline and in a preview (no ARN).
 */
export function webAcl(options: FixtureOptions & { arn?: string } = {}) {
  const { arn, ...rest } = options;
  return resource("aws:wafv2/webAcl:WebAcl", { scope: "REGIONAL", defaultAction: { allow: {} }, ...(arn === undefined ? {} : { arn }) }, { name: "edge", ...rest });
}

/** The Edge's listeners without a domain (dev): plain HTTP, no certificate, nothing to redirect to. */
export const plainHttp = { "listen-ports": '[{"HTTP": 80}]', "ssl-redirect": undefined, "certificate-arn": undefined } as const;

/**
 * The API's Ingress as infra/addons/edge.ts creates it for a stack with a domain: an internet-facing
 * ALB (class `alb`) with HTTP and HTTPS listeners, the certificate, HTTP redirected, and the web ACL.
 * `annotations` are the AWS Load Balancer Controller's by their short name (`scheme`, `listen-ports`,
 * ...) or any other by its full key; `undefined` removes one. `ingressClassName: undefined` leaves
 * the class out of the spec.
 */
export function albIngress(
  annotations: Record<string, string | undefined> = {},
  options: FixtureOptions & { ingressClassName?: string | undefined } = {},
) {
  const { ingressClassName, ...rest } = { ingressClassName: "alb", ...options };
  const merged: Record<string, string | undefined> = {
    scheme: "internet-facing",
    "target-type": "ip",
    "group.name": "mlts-api",
    "listen-ports": '[{"HTTP": 80}, {"HTTPS": 443}]',
    "ssl-redirect": "443",
    "certificate-arn": certificateArn,
    "wafv2-acl-arn": webAclArn,
    ...annotations,
  };
  const full = Object.fromEntries(
    Object.entries(merged).flatMap(([key, value]) => (value === undefined ? [] : [[key.includes("/") ? key : `alb.ingress.kubernetes.io/${key}`, value]])),
  );
  return kubernetesObject("networking.k8s.io/v1", "Ingress", { name: "api", namespace: "istio-ingress", annotations: full }, {
    spec: {
      ...(ingressClassName === undefined ? {} : { ingressClassName }),
      rules: [{ http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "istio-ingressgateway", port: { number: 80 } } } }] } }],
    },
  }, { name: "edge", ...rest });
}
