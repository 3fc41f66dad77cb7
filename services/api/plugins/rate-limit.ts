// Fixed-window request limits per client IP (RATE_LIMIT_PER_IP, _LOGIN and _REGISTER in
// services/shared/config.ts). In memory, per API replica: the Istio gateway's local rate limit
// enforces the same numbers per gateway pod in front of it. The predict and batch limits count per
// workspace instead (services/shared/workspace-limits.ts).
import { Elysia } from "elysia";
import type { Config, RateLimit } from "../../shared/config.ts";
import { RateLimitedError } from "../../shared/errors.ts";

/** The limits counted per client IP. */
export type IpLimitName = "perIp" | "login" | "register";

interface Window {
  count: number;
  resetAt: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper: Timer;

  constructor(private readonly limits: Config["rateLimits"]) {
    // Drop expired windows so a stream of distinct IPs cannot grow the map without bound.
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
    }, 60_000);
    this.sweeper.unref();
  }

  /**
   * Counts one request; throws 429 with Retry-After once `name`'s limit is used up for the client.
   * `client` is asked only when limits are on (finding the address is a system call).
   */
  hit(name: IpLimitName, client: () => string): void {
    if (!this.limits.enabled) return;
    const limit: RateLimit = this.limits[name];
    const now = Date.now();
    const key = `${name}:${client()}`;
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + limit.windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (window.count > limit.max) {
      const retryAfter = Math.max(1, Math.ceil((window.resetAt - now) / 1000));
      throw new RateLimitedError(`too many requests (${name}: ${limit.max} per ${limit.windowMs / 1000}s)`, retryAfter);
    }
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}

/**
 * Decorates every request with `limit(name)`, and applies the per-IP limit globally. With
 * `trustProxy` the client is the last X-Forwarded-For hop, the one our gateway appended. The
 * client's address is looked up only when a limit counts it (with limits off, never): it is a
 * getpeername(2) per request.
 */
export const rateLimit = (limiter: RateLimiter, trustProxy: boolean) =>
  new Elysia({ name: "rate-limit" })
    .derive({ as: "global" }, ({ request, server }) => {
      const clientIp = () =>
        (trustProxy ? request.headers.get("x-forwarded-for")?.split(",").at(-1)?.trim() : undefined) || server?.requestIP(request)?.address || "unknown";
      return {
        limit: (name: IpLimitName) => limiter.hit(name, clientIp),
      };
    })
    .onBeforeHandle({ as: "global" }, ({ limit, path }) => {
      if (!path.startsWith("/health") && path !== "/metrics") limit("perIp");
    });

export type RateLimitPlugin = ReturnType<typeof rateLimit>;
