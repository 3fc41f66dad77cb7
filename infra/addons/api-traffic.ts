import type { IDestinationRule } from "@kubernetes-models/istio/networking.istio.io/v1/DestinationRule";
import type { IGateway } from "@kubernetes-models/istio/networking.istio.io/v1/Gateway";
import type { IVirtualService } from "@kubernetes-models/istio/networking.istio.io/v1/VirtualService";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CANARY_SERVICE, canarySplit, STABLE_SERVICE } from "./canary.ts";
import { customResource } from "./custom-resource.ts";
import type { Istio } from "./istio.ts";

/** Port of the application's `api` Service (its `http` port, targeting the container's 3000). */
const API_SERVICE_PORT = 80;
const API_CONTAINER_PORT = 3000;

export interface ApiTrafficArgs {
  provider: k8s.Provider;
  istio: Istio;
  namespace: string;
  /** Pod labels of a canary api Deployment, when one runs. */
  canaryPodLabels: Record<string, string>;
  /** Percent of requests for the canary: 0 or a step of the ladder in config. */
  canaryWeight: number;
}

/**
 * How requests reach the API through the mesh: the ingress Gateway, a VirtualService with timeouts,
 * safe retries and the stable/canary split, and DestinationRules that bound connections and eject
 * failing pods (circuit breaking).
 */
export class ApiTraffic extends pulumi.ComponentResource {
  constructor(name: string, args: ApiTrafficArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:addons:ApiTraffic", name, {}, opts);
    const { namespace, istio } = args;
    const childOpts = { parent: this, provider: args.provider };
    const afterIstio = { ...childOpts, dependsOn: [istio.istiod] };
    const host = (service: string) => `${service}.${namespace}.svc.cluster.local`;

    new k8s.core.v1.Service(`${name}-canary`, {
      metadata: { name: CANARY_SERVICE, namespace, labels: args.canaryPodLabels },
      spec: { selector: args.canaryPodLabels, ports: [{ name: "http", port: API_SERVICE_PORT, targetPort: API_CONTAINER_PORT }] },
    }, childOpts);

    const gateway: IGateway = {
      apiVersion: "networking.istio.io/v1",
      kind: "Gateway",
      metadata: { name: "api", namespace },
      spec: {
        selector: istio.gatewaySelector,
        // TLS ends at the load balancer or is added here with a credentialName once a domain exists.
        servers: [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["*"] }],
      },
    };
    customResource(`${name}-gateway`, gateway, afterIstio);

    const virtualService: IVirtualService = {
      apiVersion: "networking.istio.io/v1",
      kind: "VirtualService",
      metadata: { name: "api", namespace },
      spec: {
        hosts: ["*"],
        gateways: ["api"],
        http: [{
          name: "api",
          route: canarySplit(args.canaryWeight).map(({ service, weight }) => ({
            destination: { host: host(service), port: { number: API_SERVICE_PORT } },
            weight,
          })),
          timeout: "30s",
          // Only failures where the request never reached the API: a POST is never run twice.
          retries: { attempts: 2, perTryTimeout: "10s", retryOn: "connect-failure,refused-stream,reset-before-request" },
        }],
      },
    };
    customResource(`${name}-routes`, virtualService, afterIstio);

    for (const service of [STABLE_SERVICE, CANARY_SERVICE]) {
      const destinationRule: IDestinationRule = {
        apiVersion: "networking.istio.io/v1",
        kind: "DestinationRule",
        metadata: { name: service, namespace },
        spec: {
          host: host(service),
          trafficPolicy: {
            connectionPool: {
              tcp: { maxConnections: 1000, connectTimeout: "2s" },
              // Excess requests queue briefly, then fail fast with 503 instead of piling up.
              http: { http1MaxPendingRequests: 200, http2MaxRequests: 1000, maxRetries: 10 },
            },
            outlierDetection: { consecutive5xxErrors: 5, interval: "10s", baseEjectionTime: "30s", maxEjectionPercent: 50 },
            tls: { mode: "ISTIO_MUTUAL" },
          },
        },
      };
      customResource(`${name}-${service}`, destinationRule, afterIstio);
    }

    this.registerOutputs({});
  }
}
