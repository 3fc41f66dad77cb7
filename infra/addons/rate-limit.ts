import type { IEnvoyFilter } from "@kubernetes-models/istio/networking.istio.io/v1alpha3/EnvoyFilter";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { parseRateLimit } from "../../services/shared/config.ts";
import type { RateLimitName } from "../config.ts";
import { customResource } from "./custom-resource.ts";
import { GATEWAY_NAMESPACE, type Istio } from "./istio.ts";

/**
 * Paths with a per-address budget of their own, as the API routes them. The predict and batch
 * limits stay the API's: they count per workspace (which the gateway cannot tell, and many
 * workspaces may share one address behind a NAT), and predict is chosen by the body's task type.
 */
export const RATE_LIMITED_PATHS: Record<Exclude<RateLimitName, "perIp" | "predict" | "batch">, string> = {
  login: "/auth/login",
  register: "/auth/register",
};

/** "30/min" → a token bucket refilled with 30 tokens every 60 s, read with the API's own parser. */
export function tokenBucket(limit: string) {
  const { max, windowMs } = parseRateLimit(limit);
  return { max_tokens: max, tokens_per_fill: max, fill_interval: `${windowMs / 1000}s` };
}

export interface GatewayRateLimitArgs {
  provider: k8s.Provider;
  istio: Istio;
  limits: Record<RateLimitName, string>;
}

/**
 * Local rate limiting at the ingress gateway (Istio has no rate-limit CRD: an EnvoyFilter adds
 * Envoy's local_ratelimit filter). Every request is counted per client address, and the login
 * and register paths also against their own per-address budget, so abusive clients are turned
 * away with 429 before they reach the API, which enforces the same limits itself.
 * Buckets are per gateway pod: the API's limits stay the exact ones.
 */
export class GatewayRateLimit extends pulumi.ComponentResource {
  constructor(name: string, args: GatewayRateLimitArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:addons:GatewayRateLimit", name, {}, opts);
    const routes = Object.entries(RATE_LIMITED_PATHS) as [keyof typeof RATE_LIMITED_PATHS, string][];
    const clientAddress = { remote_address: {} };

    const filter: IEnvoyFilter = {
      apiVersion: "networking.istio.io/v1alpha3",
      kind: "EnvoyFilter",
      metadata: { name: "api-local-rate-limit", namespace: GATEWAY_NAMESPACE },
      spec: {
        workloadSelector: { labels: args.istio.gatewaySelector },
        configPatches: [{
          applyTo: "HTTP_FILTER",
          match: {
            context: "GATEWAY",
            listener: { filterChain: { filter: { name: "envoy.filters.network.http_connection_manager", subFilter: { name: "envoy.filters.http.router" } } } },
          },
          patch: {
            operation: "INSERT_BEFORE",
            value: {
              name: "envoy.filters.http.local_ratelimit",
              typed_config: {
                "@type": "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
                stat_prefix: "api_local_rate_limit",
                // Consumed only by a request that yields no descriptor below (none: all have an address).
                token_bucket: tokenBucket(args.limits.perIp),
                always_consume_default_token_bucket: false,
                filter_enabled: { runtime_key: "local_rate_limit_enabled", default_value: { numerator: 100, denominator: "HUNDRED" } },
                filter_enforced: { runtime_key: "local_rate_limit_enforced", default_value: { numerator: 100, denominator: "HUNDRED" } },
                enable_x_ratelimit_headers: "DRAFT_VERSION_03",
                // A descriptor entry without a value gets one bucket per distinct client address.
                max_dynamic_descriptors: 100_000,
                rate_limits: [
                  { actions: [clientAddress] },
                  ...routes.map(([route, path]) => ({
                    actions: [
                      { header_value_match: { descriptor_key: "route", descriptor_value: route, headers: [{ name: ":path", string_match: { prefix: path } }] } },
                      clientAddress,
                    ],
                  })),
                ],
                descriptors: [
                  { entries: [{ key: "remote_address" }], token_bucket: tokenBucket(args.limits.perIp) },
                  ...routes.map(([route]) => ({
                    entries: [{ key: "route", value: route }, { key: "remote_address" }],
                    token_bucket: tokenBucket(args.limits[route]),
                  })),
                ],
              },
            },
          },
        }],
      },
    };
    customResource(`${name}-filter`, filter, { parent: this, provider: args.provider, dependsOn: [args.istio.gateway] });
    this.registerOutputs({});
  }
}
