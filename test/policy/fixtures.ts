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
