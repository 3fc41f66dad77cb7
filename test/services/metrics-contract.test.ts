// The alerts, dashboards and KEDA trigger in infra/addons read series by name. After real traffic and
// one task of each kind, a live scrape of the services' /metrics must carry every one of them.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { queriedMetricNames } from "../../infra/testing/queries.ts";
import { startStack, type TestStack } from "./harness.ts";

/** Made by Prometheus itself (target health) and the blackbox exporter, not by our services. */
const PLATFORM_SERIES = new Set(["up", "probe_success"]);

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ worker: true });
});
afterAll(() => stack.stop());

test("every series an alert or dashboard queries is on a live /metrics scrape", async () => {
  const { token } = await stack.user();
  const run = async (type: string, payload: object) => {
    const { body } = await stack.http("POST", "/tasks", { token, body: { type, payload } });
    const done = await stack.http("GET", `/tasks/${body.id}?wait=20`, { token });
    expect(done.body.status).toBe("succeeded");
  };
  const rows = Array.from({ length: 40 }, (_, i) => ({ x: i, y: 2 * i + 1 }));
  await run("train", { model: "scraped", algorithm: "linear", label: "y", rows });
  // Enough scored inputs for a drift check to give a score (DRIFT_MIN_WINDOW, 200 by default).
  await run("batch-predict", { model: "scraped", inputs: Array.from({ length: 220 }, (_, i) => ({ x: i % 40 })) });
  await run("predict", { model: "scraped", input: { x: 3 } });
  await run("drift-check", { model: "scraped", window: 200 });

  const scraped = (await Promise.all([stack.api.url, stack.worker!.url].map((url) => fetch(`${url}/metrics`).then((r) => r.text())))).join("\n");
  const series = new Set(scraped.split("\n").filter((line) => line && !line.startsWith("#")).map((line) => line.split(/[{ ]/)[0]));
  const missing = queriedMetricNames().filter((name) => !PLATFORM_SERIES.has(name) && !series.has(name));
  expect(missing).toEqual([]);
});
