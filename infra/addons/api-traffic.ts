import type { IDestinationRule } from "@kubernetes-models/istio/networking.istio.io/v1/DestinationRule";
import type { IGateway } from "@kubernetes-models/istio/networking.istio.io/v1/Gateway";
import type { IVirtualService } from "@kubernetes-models/istio/networking.istio.io/v1/VirtualService";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { WeightedBackend } from "./canary.ts";
import { customResource } from "./custom-resource.ts";
import type { Istio } from "./istio.ts";

type HttpRoute = NonNullable<NonNullable<IVirtualService["spec"]>["http"]>[number];
/** Only failures where the request never reached the API are retried: a POST never runs twice. */
const NOT_REACHED = "connect-failure,refused-stream,reset-before-request";
/** `GET /tasks/{id}?wait=` holds the request up to 60 s (the API's maximum) before it answers. */
const LONGEST_WAIT = "65s";

export interface ApiTrafficArgs {
  provider: k8s.Provider;
  istio: Istio;
  namespace: string;
  /** The api Services requests go to, and each one's share (the stable alone, or stable and canary). */
  backends: WeightedBackend[];
  /** The port of those Services. */
  servicePort: number;
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

    // Every route splits between stable and canary alike; the first route that matches applies.
    const route = args.backends.map(({ service, weight }) => ({
      destination: { host: host(service), port: { number: args.servicePort } },
      weight,
    }));
    const http: HttpRoute[] = [
      {
        // Server-sent events: the API holds the stream open up to 10 minutes and ends it itself.
        // No route timeout (none given: Istio refuses "0s"), and no retry of a stream that may
        // already have sent events.
        name: "task-events",
        match: [{ method: { exact: "GET" }, uri: { regex: "^/tasks/[^/]+/events$" } }],
        route,
        retries: { attempts: 0 },
      },
      {
        // A task read may wait for the result (`?wait=` up to 60 s): each try may last as long.
        name: "task-read",
        match: [{ method: { exact: "GET" }, uri: { regex: "^/tasks/[^/]+$" } }],
        route,
        timeout: LONGEST_WAIT,
        retries: { attempts: 2, perTryTimeout: LONGEST_WAIT, retryOn: NOT_REACHED },
      },
      { name: "api", route, timeout: "30s", retries: { attempts: 2, perTryTimeout: "10s", retryOn: NOT_REACHED } },
    ];
    const virtualService: IVirtualService = {
      apiVersion: "networking.istio.io/v1",
      kind: "VirtualService",
      metadata: { name: "api", namespace },
      spec: { hosts: ["*"], gateways: ["api"], http },
    };
    customResource(`${name}-routes`, virtualService, afterIstio);

    for (const { service } of args.backends) {
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
