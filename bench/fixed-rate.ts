/**
 * Open-loop load at a fixed rate with Bun's fetch, for latency percentiles (wrk2 is not packaged in
 * Debian). Request i is due at start + i/rate; its latency counts from when it was due, not from
 * when it was sent, so a stalled server or client shows up in the tail (no coordinated omission).
 * The client shares the machine's cores with the server: the achieved rate is reported with it.
 *
 *   bun bench/fixed-rate.ts <url> <rate/s> <seconds> [header:value ...]   → JSON on stdout
 */
import { percentile, round } from "./lib/stats.ts";

const [url, rateArg, secondsArg, ...headerArgs] = process.argv.slice(2);
if (!url || !rateArg || !secondsArg) throw new Error("usage: fixed-rate.ts <url> <rate> <seconds> [name:value ...]");
const rate = Number(rateArg);
const total = Math.round(rate * Number(secondsArg));
const headers = Object.fromEntries(headerArgs.map((h) => [h.slice(0, h.indexOf(":")), h.slice(h.indexOf(":") + 1).trim()]));
const intervalMs = 1_000 / rate;

const latencies = new Float64Array(total);
let sent = 0;
let finished = 0;
let errors = 0;
const start = performance.now() + 20;

const { promise: allDone, resolve } = Promise.withResolvers<void>();
const send = (i: number, due: number) =>
  fetch(url, { headers })
    .then(async (response) => {
      await response.arrayBuffer();
      if (!response.ok) errors += 1;
    })
    .catch(() => {
      errors += 1;
    })
    .finally(() => {
      latencies[i] = performance.now() - due;
      if (++finished === total) resolve();
    });

function pump() {
  const now = performance.now();
  while (sent < total && start + sent * intervalMs <= now) {
    const i = sent++;
    send(i, start + i * intervalMs);
  }
  if (sent < total) setTimeout(pump, 1);
}
setTimeout(pump, 20);
await allDone;
const elapsedS = (performance.now() - start) / 1_000;
latencies.sort();
console.log(
  JSON.stringify({
    targetRps: rate,
    achievedRps: round(total / elapsedS, 0),
    requests: total,
    errors,
    latencyMs: { p50: round(percentile(latencies, 50), 3), p95: round(percentile(latencies, 95), 3), p99: round(percentile(latencies, 99), 3), max: round(latencies[total - 1]!, 3) },
  }),
);
