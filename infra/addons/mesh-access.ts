import type { IAuthorizationPolicy } from "@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { customResource } from "./custom-resource.ts";
import { type Istio, ISTIO_NAMESPACE } from "./istio.ts";

type Rule = NonNullable<NonNullable<IAuthorizationPolicy["spec"]>["rules"]>[number];

export interface MeshAccessArgs {
  provider: k8s.Provider;
  istio: Istio;
  namespace: string;
  /** Namespace of the Prometheus that scrapes /metrics. */
  monitoringNamespace: string;
  /** Pod labels per workload: api (and its canary) serve traffic, worker only metrics. */
  workloads: { api: Record<string, string>[]; worker: Record<string, string> };
  /** Where the services send traces, so their egress may reach it. */
  tracing: { namespace: string; ports: number[] };
}

/**
 * Who may call whom inside the application namespace: nothing by default; the ingress gateway may
 * call the API; Prometheus may read /metrics on both services. The sidecars also need egress to
 * istiod and to the trace collector, which the application's deny-by-default NetworkPolicies lack.
 */
export class MeshAccess extends pulumi.ComponentResource {
  constructor(name: string, args: MeshAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:addons:MeshAccess", name, {}, opts);
    const { namespace } = args;
    const childOpts = { parent: this, provider: args.provider, dependsOn: [args.istio.istiod] };
    const policy = (policyName: string, spec: IAuthorizationPolicy["spec"]) => {
      const resource: IAuthorizationPolicy = { apiVersion: "security.istio.io/v1", kind: "AuthorizationPolicy", metadata: { name: policyName, namespace }, spec };
      customResource(`${name}-${policyName}`, resource, childOpts);
    };

    const scrape: Rule = { from: [{ source: { namespaces: [args.monitoringNamespace] } }], to: [{ operation: { methods: ["GET"], paths: ["/metrics"] } }] };
    // An ALLOW policy with no rules matches nothing: with it, only what is allowed below gets in.
    policy("allow-nothing", {});
    args.workloads.api.forEach((labels, i) =>
      policy(i === 0 ? "api" : `api-${i}`, {
        selector: { matchLabels: labels },
        action: "ALLOW",
        rules: [{ from: [{ source: { principals: [args.istio.gatewayPrincipal] } }] }, scrape],
      }),
    );
    policy("worker", { selector: { matchLabels: args.workloads.worker }, action: "ALLOW", rules: [scrape] });

    const inNamespace = (ns: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } });
    new k8s.networking.v1.NetworkPolicy(`${name}-mesh-egress`, {
      metadata: { name: "mesh-egress", namespace },
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          { to: [inNamespace(ISTIO_NAMESPACE)], ports: [{ protocol: "TCP", port: 15012 }] }, // xDS and certificates
          { to: [inNamespace(args.tracing.namespace)], ports: args.tracing.ports.map((port) => ({ protocol: "TCP", port })) },
        ],
      },
    }, { parent: this, provider: args.provider });

    this.registerOutputs({});
  }
}
