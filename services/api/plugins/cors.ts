// CORS for the origins in CORS_ORIGIN ("*": any), with the answers @elysiajs/cors gave (reflected
// method and headers, credentials, max-age 600 on preflight) — but only for requests that carry an
// Origin header. Browsers send one on every cross-origin request; other clients (servers, probes,
// the load balancer) never need CORS headers, and working them out for each of their requests was
// ~10% of the API's CPU on GET /health in a profile. Every answer says `Vary: Origin`, so a cache
// never hands one origin's answer to another.
import { Elysia } from "elysia";

export function cors(corsOrigin: string, maxAgeSeconds = 600) {
  const any = corsOrigin === "*";
  const allowed = new Set(corsOrigin.split(",").map((origin) => origin.trim()).filter(Boolean));
  const maxAge = String(maxAgeSeconds);
  const headerNames = (headers: Headers) => Object.keys(headers.toJSON()).join(", ");

  return new Elysia({ name: "cors" }).onRequest(({ request, set }) => {
    const origin = request.headers.get("origin");
    if (origin === null && request.method !== "OPTIONS") {
      set.headers.vary = "Origin";
      return;
    }
    const granted = origin !== null && (any || allowed.has(origin));
    set.headers.vary = any ? "*" : "Origin";
    if (granted) {
      set.headers["access-control-allow-origin"] = origin!;
      set.headers["access-control-allow-credentials"] = "true";
    }
    if (request.method === "OPTIONS") {
      const method = request.headers.get("access-control-request-method");
      if (method) set.headers["access-control-allow-methods"] = method;
      const requested = request.headers.get("access-control-request-headers");
      if (requested) set.headers["access-control-allow-headers"] = requested;
      set.headers["access-control-expose-headers"] = Object.keys(request.headers.toJSON()).join(",");
      set.headers["access-control-max-age"] = maxAge;
      return new Response(null, { status: 204 });
    }
    set.headers["access-control-allow-methods"] = request.method;
    const names = headerNames(request.headers);
    set.headers["access-control-allow-headers"] = names;
    set.headers["access-control-expose-headers"] = names;
  });
}
