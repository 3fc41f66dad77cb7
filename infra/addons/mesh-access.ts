import type { IAuthorizationPolicy } from "@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { customResource } from "./custom-resource.ts";
import type { Istio } from "./istio.ts";

type Rule = NonNullable<NonNullable<IAuthorizationPolicy["spec"]>["rules"]>[number];

export interface MeshAccessArgs {
  provider: k8s.Provider;
  istio: Istio;
  namespace: string;
  /** Namespace of the Prometheus that scrapes /metrics. */
  monitoringNamespace: string;
  /** Pod labels per workload: the api serves traffic (every revision of its Rollout), the worker only metrics. */
  workloads: { api: Record<string, string>; worker: Record<string, string> };
  /** Service accounts of the namespace allowed to call the api besides the gateway (blue/green's smoke test). */
  apiCallers: string[];
}

/**
 * Who may call whom inside the application namespace: nothing by default; the ingress gateway (and
 * blue/green's smoke test) may call the API; Prometheus may read /metrics on both services. (The sidecars' egress to istiod is
 * the application's own NetworkPolicy: it must exist before the first pod starts.)
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
    const callers = args.apiCallers.map((account) => `cluster.local/ns/${namespace}/sa/${account}`);
    policy("api", {
      selector: { matchLabels: args.workloads.api },
      action: "ALLOW",
      rules: [{ from: [{ source: { principals: [args.istio.gatewayPrincipal, ...callers] } }] }, scrape],
    });
    policy("worker", { selector: { matchLabels: args.workloads.worker }, action: "ALLOW", rules: [scrape] });

    this.registerOutputs({});
  }
}
