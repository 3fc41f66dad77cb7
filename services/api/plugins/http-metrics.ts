// Request count and latency per route template (never the raw path: ids would explode the
// cardinality), and the Prometheus scrape endpoint.
import { Elysia } from "elysia";
import { httpDuration, httpRequests, registry } from "../../shared/metrics.ts";

const started = new WeakMap<Request, number>();

export const httpMetrics = new Elysia({ name: "http-metrics" })
  .onRequest(({ request }) => {
    started.set(request, performance.now());
  })
  .onAfterResponse({ as: "global" }, ({ request, route, set }) => {
    const start = started.get(request);
    if (start === undefined) return;
    const labels = { method: request.method, route: route || "unmatched", status: String(set.status ?? 200) };
    httpRequests.inc(labels);
    httpDuration.observe(labels, (performance.now() - start) / 1000);
  })
  .get("/metrics", async ({ set }) => {
    set.headers["content-type"] = registry.contentType;
    return registry.metrics();
  }, { detail: { tags: ["operations"], summary: "Prometheus metrics" } });
