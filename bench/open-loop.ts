/**
 * Open-loop load at a fixed rate, for latency percentiles (wrk2 is not packaged in Debian). Request
 * i is due at start + i/rate, whatever happened to the ones before it; its latency counts from when
 * it was due, not from when it could be sent, so a stalled server (or client) shows up in the tail
 * (no coordinated omission). HTTP/1.1 over a pool of keep-alive sockets (Bun.connect), one request
 * in flight per socket: far cheaper per request than fetch, which could not keep 16k/s on these
 * cores. A request due while every socket is busy waits for one, and that wait is in its latency.
 * Whether the generator itself keeps the rate is measured, not assumed: `sendLagMs` is how late
 * requests left after they were due, and the bench runs it against raw Bun.serve at the same rate.
 *
 *   bun bench/open-loop.ts <url> <rate/s> <seconds> [header:value ...]   → JSON on stdout
 */
import type { Socket } from "bun";
import { percentile, round } from "./lib/stats.ts";

const SOCKETS = Number(process.env.OPEN_LOOP_SOCKETS ?? 64);
const [url, rateArg, secondsArg, ...headerArgs] = process.argv.slice(2);
if (!url || !rateArg || !secondsArg) throw new Error("usage: open-loop.ts <url> <rate> <seconds> [name:value ...]");
const target = new URL(url);
const rate = Number(rateArg);
const total = Math.round(rate * Number(secondsArg));
const intervalMs = 1_000 / rate;
const request = Buffer.from(
  [`GET ${target.pathname}${target.search} HTTP/1.1`, `Host: ${target.host}`, ...headerArgs.map((h) => h.replace(/:\s*/, ": ")), "", ""].join("\r\n"),
);

interface Connection {
  socket?: Socket<Connection>;
  /** Index of the request in flight, -1 when idle. */
  inFlight: number;
  received: Buffer[];
}

const latencies = new Float64Array(total);
const lags = new Float64Array(total);
const backlog: number[] = [];
const idle: Connection[] = [];
let next = 0;
let finished = 0;
let errors = 0;
const start = performance.now() + 50;
const due = (i: number) => start + i * intervalMs;
const { promise: allDone, resolve } = Promise.withResolvers<void>();

function send(connection: Connection, i: number) {
  connection.inFlight = i;
  lags[i] = performance.now() - due(i);
  connection.socket!.write(request);
}

function complete(connection: Connection, ok: boolean) {
  const i = connection.inFlight;
  latencies[i] = performance.now() - due(i);
  if (!ok) errors += 1;
  connection.inFlight = -1;
  connection.received = [];
  if (++finished === total) resolve();
  const waiting = backlog.shift();
  if (waiting !== undefined) send(connection, waiting);
  else idle.push(connection);
}

const CONTENT_LENGTH = Buffer.from("\r\ncontent-length: ");

/** A whole response in `bytes`: its status; undefined while more is to come. Bodies have a Content-Length. */
function parse(bytes: Buffer): { status: number } | undefined {
  const headerEnd = bytes.indexOf("\r\n\r\n");
  if (headerEnd < 0) return undefined;
  // Bun and Node write the header in lower case; anything else takes the slow path.
  let at = bytes.indexOf(CONTENT_LENGTH);
  let length: number;
  if (at >= 0 && at < headerEnd) {
    at += CONTENT_LENGTH.length;
    length = Number(bytes.toString("latin1", at, bytes.indexOf(13, at)));
  } else {
    const match = /\r\ncontent-length:\s*(\d+)/i.exec(bytes.toString("latin1", 0, headerEnd));
    if (!match) throw new Error(`a response without Content-Length: ${bytes.toString("latin1", 0, headerEnd)}`);
    length = Number(match[1]);
  }
  if (bytes.length < headerEnd + 4 + length) return undefined;
  return { status: (bytes[9]! - 48) * 100 + (bytes[10]! - 48) * 10 + (bytes[11]! - 48) };
}

async function open(): Promise<Connection> {
  const connection: Connection = { inFlight: -1, received: [] };
  connection.socket = await Bun.connect<Connection>({
    hostname: target.hostname,
    port: Number(target.port),
    data: connection,
    socket: {
      data(socket, chunk) {
        const c = socket.data;
        c.received.push(chunk);
        const response = parse(c.received.length === 1 ? chunk : Buffer.concat(c.received));
        if (response) complete(c, response.status >= 200 && response.status < 300);
      },
      close(socket) {
        if (finished < total) throw new Error(`the server closed a connection (request ${socket.data.inFlight})`);
      },
    },
  });
  return connection;
}

idle.push(...(await Promise.all(Array.from({ length: SOCKETS }, open))));

function pump() {
  const now = performance.now();
  while (next < total && due(next) <= now) {
    const i = next++;
    const connection = idle.pop();
    if (connection) send(connection, i);
    else backlog.push(i);
  }
  if (next < total) setTimeout(pump, Math.max(0, Math.min(1, due(next) - performance.now())));
}
setTimeout(pump, 50);
await allDone;
const elapsedS = (performance.now() - start) / 1_000;
latencies.sort();
lags.sort();
const ms = (sorted: Float64Array, p: number) => round(percentile(sorted, p), 3);
console.log(
  JSON.stringify({
    targetRps: rate,
    achievedRps: round(total / elapsedS, 0),
    requests: total,
    errors,
    latencyMs: { p50: ms(latencies, 50), p95: ms(latencies, 95), p99: ms(latencies, 99), max: ms(latencies, 100) },
    sendLagMs: { p50: ms(lags, 50), p99: ms(lags, 99) },
  }),
);
process.exit(0);
