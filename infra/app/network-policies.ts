import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { labels } from "./workload.ts";

const POSTGRES_PORT = 5432;
const REDIS_PORT = 6379;

export interface NetworkPoliciesArgs {
  provider: k8s.Provider;
  namespace: string;
  /** Where PostgreSQL and Redis live: the only egress destination of the services. */
  vpcCidr: string;
  /** The API's pods (every revision of its Rollout) and their container port. */
  api: { component: string; port: number };
  worker: { component: string; port: number };
  /** Blue/green's smoke test, which calls the preview's pods. */
  smokeTest: { component: string };
  /** Outside the namespace, what the sidecars and services connect to (istiod, the trace collector). */
  meshEgress: { namespace: string; ports: number[] }[];
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * Deny everything, then allow: DNS for all; the mesh (istiod, the trace collector) for all, before
 * the first sidecar starts; the API port from anywhere in the cluster (the mesh's
 * AuthorizationPolicies admit only the ingress gateway, Prometheus and the smoke test); the worker's
 * metrics port from inside the VPC (Prometheus); PostgreSQL and Redis egress to the VPC (migrations:
 * PostgreSQL only); the smoke test to the API's pods. Kubelet probes come from the node, which the
 * VPC CNI's policy agent always admits.
 */
export class NetworkPolicies extends pulumi.ComponentResource {
  constructor(name: string, args: NetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:app:NetworkPolicies", name, {}, opts);
    const vpc = [{ ipBlock: { cidr: args.vpcCidr } }];
    const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
    const policy = (policyName: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
      new k8s.networking.v1.NetworkPolicy(`${name}-${policyName}`, {
        metadata: { name: policyName, namespace: args.namespace, labels: labels("network") },
        spec,
      }, { parent: this, provider: args.provider, dependsOn: args.dependsOn });

    policy("default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    policy("allow-dns", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
        ports: [{ protocol: "UDP", port: 53 }, ...tcp(53)],
      }],
    });
    policy("allow-mesh", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: args.meshEgress.map(({ namespace, ports }) => ({
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } }],
        ports: tcp(...ports),
      })),
    });
    policy("api", {
      podSelector: { matchLabels: labels(args.api.component) },
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ ports: tcp(args.api.port) }],
      egress: [{ to: vpc, ports: tcp(POSTGRES_PORT, REDIS_PORT) }],
    });
    policy("worker", {
      podSelector: { matchLabels: labels(args.worker.component) },
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: vpc, ports: tcp(args.worker.port) }],
      egress: [{ to: vpc, ports: tcp(POSTGRES_PORT, REDIS_PORT) }],
    });
    policy("smoke-test", {
      podSelector: { matchLabels: labels(args.smokeTest.component) },
      policyTypes: ["Egress"],
      egress: [{ to: [{ podSelector: { matchLabels: labels(args.api.component) } }], ports: tcp(args.api.port) }],
    });
    policy("migrations", {
      podSelector: { matchLabels: labels("migrations") },
      policyTypes: ["Egress"],
      egress: [{ to: vpc, ports: tcp(POSTGRES_PORT) }],
    });
    this.registerOutputs({});
  }
}
