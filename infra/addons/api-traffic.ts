import type { IDestinationRule } from "@kubernetes-models/istio/networking.istio.io/v1/DestinationRule";
import type { IGateway } from "@kubernetes-models/istio/networking.istio.io/v1/Gateway";
import type { IVirtualService } from "@kubernetes-models/istio/networking.istio.io/v1/VirtualService";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
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
  /** The api's Services: every request goes to `stable` until Argo Rollouts shifts a share to `canary`. */
  stableService: string;
  canaryService: string;
  /** The port of those Services. */
  servicePort: number;
}

/** The gateway's VirtualService and its routes, by name: the api Rollout weighs every one of them. */
export const API_VIRTUAL_SERVICE = "api";
export const API_ROUTES = ["task-events", "task-read", "api"] as const;

/**
 * How requests reach the API through the mesh: the ingress Gateway, a VirtualService with timeouts,
 * safe retries and the stable/canary split, and DestinationRules that bound connections and eject
 * failing pods (circuit breaking).
 *
 * One writer for the split: Argo Rollouts sets the routes' weights during a rollout, so Pulumi
 * ignores them after creating the VirtualService (100 % stable); a `pulumi up` changes no weight.
 * Kubernetes treats `spec.http` as one field, so a change to the routes themselves is written with
 * force, including the weights Pulumi last wrote (100/0): make route changes between rollouts.
 */
export class ApiTraffic extends pulumi.ComponentResource {
  /** The VirtualService the api Rollout weighs: create the Rollout after it. */
  readonly virtualService: pulumi.Resource;

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
    const route = [{ service: args.stableService, weight: 100 }, { service: args.canaryService, weight: 0 }].map(({ service, weight }) => ({
      destination: { host: host(service), port: { number: args.servicePort } },
      weight,
    }));
    const http: HttpRoute[] = [
      {
        // Server-sent events: the API holds the stream open up to 10 minutes and ends it itself.
        // No route timeout (none given: Istio refuses "0s"), and no retry of a stream that may
        // already have sent events.
        name: API_ROUTES[0],
        match: [{ method: { exact: "GET" }, uri: { regex: "^/tasks/[^/]+/events$" } }],
        route,
        retries: { attempts: 0 },
      },
      {
        // A task read may wait for the result (`?wait=` up to 60 s): each try may last as long.
        name: API_ROUTES[1],
        match: [{ method: { exact: "GET" }, uri: { regex: "^/tasks/[^/]+$" } }],
        route,
        timeout: LONGEST_WAIT,
        retries: { attempts: 2, perTryTimeout: LONGEST_WAIT, retryOn: NOT_REACHED },
      },
      { name: API_ROUTES[2], route, timeout: "30s", retries: { attempts: 2, perTryTimeout: "10s", retryOn: NOT_REACHED } },
    ];
    const virtualService: IVirtualService = {
      apiVersion: "networking.istio.io/v1",
      kind: "VirtualService",
      metadata: { name: API_VIRTUAL_SERVICE, namespace, annotations: { "pulumi.com/patchForce": "true" } },
      spec: { hosts: ["*"], gateways: ["api"], http },
    };
    this.virtualService = customResource(`${name}-routes`, virtualService, { ...afterIstio, ignoreChanges: ["spec.http[*].route[*].weight"] });

    for (const service of [args.stableService, args.canaryService]) {
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
