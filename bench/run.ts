/**
 * `bun run bench`: the system's speed against baselines measured in the same run on the same
 * machine. Starts its own API and worker (real processes) against the local PostgreSQL and Redis,
 * with a database and key prefix of its own that it removes at the end. Prints progress and a
 * table; writes the figures to bench/results/latest.json. See docs/benchmarks.md.
 *
 * Environment: BENCH_POSTGRES_URL (postgresql://postgres@127.0.0.1:5432), BENCH_REDIS_URL
 * (redis://127.0.0.1:6379), BENCH_ROUNDS (3), BENCH_SECONDS (5), BENCH_PIPELINE_TASKS (2000),
 * BENCH_SKIP (comma list of: http, latency, pipeline, policy), BENCH_CPU_PROF (a directory: the
 * services write CPU profiles there on exit), BENCH_SERVICES_ROOT (run services/ from another
 * checkout, for an A/B of a change).
 */
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { migrate } from "../services/shared/migrate.ts";
import { expectStatus, httpClient, registerAndLogin } from "../testing/http.ts";
import { eventually } from "../testing/polling.ts";
import { freePort } from "../testing/ports.ts";
import { Child, ServiceProcess, stopAll } from "../testing/processes.ts";
import { deleteKeys, dropDatabase } from "../testing/stores.ts";
import { rssMb, withPeakRss } from "./lib/rss.ts";
import { median, round } from "./lib/stats.ts";
import { wrk, type WrkOptions } from "./lib/wrk.ts";

const ROOT = join(import.meta.dir, "..");
const SERVICES_ROOT = process.env.BENCH_SERVICES_ROOT ?? ROOT;
const POSTGRES = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432";
const REDIS = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const PIPELINE_TASKS = Number(process.env.BENCH_PIPELINE_TASKS ?? 2_000);
const SKIP = new Set((process.env.BENCH_SKIP ?? "").split(",").filter(Boolean));
/** Only these HTTP targets besides the raw baseline (e.g. "POST /tasks"), for a profile of one route. */
const HTTP_ONLY = new Set((process.env.BENCH_HTTP_ONLY ?? "").split(",").filter(Boolean));
const WRK = { threads: 1, connections: 64 } as const;
const RESULTS = join(import.meta.dir, "results", "latest.json");

const benchStarted = performance.now();
const elapsed = () => `${((performance.now() - benchStarted) / 1000).toFixed(0).padStart(4)}s`;
const progress = (message: string) => console.error(`[${elapsed()}] ${message}`);
const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

const id = `mlts_bench_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const databaseUrl = `${POSTGRES}/${id}`;
const ports = { api: freePort(), worker: freePort(), raw: freePort() };
const serviceEnv: Record<string, string> = {
  NODE_ENV: "production",
  DATABASE_URL: databaseUrl,
  REDIS_URL: REDIS,
  QUEUE_PREFIX: id,
  JWT_SECRET: crypto.randomUUID() + crypto.randomUUID(),
  CORS_ORIGIN: "http://127.0.0.1",
  LOG_LEVEL: "warn",
  RATE_LIMIT_ENABLED: "false",
  PORT: String(ports.api),
  WORKER_PORT: String(ports.worker),
};
const apiUrl = `http://127.0.0.1:${ports.api}`;
const rawUrl = `http://127.0.0.1:${ports.raw}`;

// BENCH_CPU_PROF=<dir>: each service writes a CPU profile (and its markdown summary) there on exit.
const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
// The API counts as started once it reaches its stores.
const startApi = () => ServiceProcess.start("api", serviceEnv, { root: SERVICES_ROOT, bunArgs: profile, readyPath: "/health/ready" });
const startWorker = () => ServiceProcess.start("worker", serviceEnv, { root: SERVICES_ROOT, bunArgs: profile });
const http = httpClient(apiUrl);

// ---------------------------------------------------------------------------------------------

interface Row {
  scenario: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  ratio?: number;
  target?: string;
  met?: boolean;
}
const rows: Row[] = [];
const details: Record<string, unknown> = {};

function addRatio(scenario: string, value: number, unit: string, baselineName: string, baseline: number, minRatio: number) {
  const ratio = value / baseline;
  rows.push({ scenario, value, unit, baseline: { name: baselineName, value: baseline }, ratio, target: `≥ ${minRatio}×`, met: ratio >= minRatio });
}
function addLimit(scenario: string, value: number, unit: string, max?: number) {
  rows.push({ scenario, value, unit, ...(max !== undefined && { target: `< ${max} ${unit}`, met: value < max }) });
}

/** A small separable dataset, so the model is real but training takes milliseconds. */
function trainingRows(n: number) {
  return Array.from({ length: n }, (_, i) => {
    const x1 = Math.sin(i) * 3;
    const x2 = Math.cos(i * 1.7) * 2;
    return { x1, x2, y: x1 + x2 > 0 ? 1 : 0 };
  });
}
const predictPayload = (i: number) => ({ model: "bench", input: { x1: (i % 7) - 3, x2: (i % 5) - 2 } });

/** Submits a task and waits until it succeeded; returns its id. */
async function runTask(token: string, body: object): Promise<string> {
  const { id } = expectStatus(await http<{ id: string }>("POST", "/tasks", { body, token }), 202, "POST /tasks");
  const task = expectStatus(await http<{ status: string; error: string | null }>("GET", `/tasks/${id}?wait=30`, { token }), 200, "GET /tasks/:id");
  if (task.status !== "succeeded") throw new Error(`task ${id} ended ${task.status}: ${task.error}`);
  return id;
}

/** Each target measured after a warm-up, then in ROUNDS interleaved rounds; the median counts. */
async function throughput(allTargets: { name: string; options: Omit<WrkOptions, "seconds" | keyof typeof WRK> }[], api: ServiceProcess) {
  const targets = allTargets.filter((target) => HTTP_ONLY.size === 0 || target.name === "raw Bun.serve" || HTTP_ONLY.has(target.name));
  for (const target of targets) {
    progress(`warm-up ${target.name}`);
    await wrk({ ...WRK, ...target.options, seconds: 2 });
  }
  const runs: Record<string, { rps: number; p50: number; p99: number; errors: number; non2xx: number }[]> = {};
  const { peakMb } = await withPeakRss([api.child], async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const target of targets) {
        const result = await wrk({ ...WRK, ...target.options, seconds: SECONDS });
        (runs[target.name] ??= []).push({ rps: result.rps, ...result.latencyMs, errors: result.errors, non2xx: result.non2xx });
        progress(`round ${round}/${ROUNDS} ${target.name}: ${fmt(result.rps)} req/s${result.non2xx ? ` (${result.non2xx} non-2xx!)` : ""}`);
      }
    }
  });
  for (const [name, list] of Object.entries(runs)) {
    if (list.some((run) => run.non2xx > 0 || run.errors > 0)) throw new Error(`${name}: errors under load: ${JSON.stringify(list)}`);
  }
  return { rps: Object.fromEntries(Object.entries(runs).map(([name, list]) => [name, median(list.map((r) => r.rps))])), runs, peakMb };
}

async function fixedRate(url: string, rate: number, headers: string[]) {
  const proc = Bun.spawn(["bun", join(import.meta.dir, "fixed-rate.ts"), url, String(rate), String(SECONDS), ...headers], { stdout: "pipe", stderr: "inherit" });
  const out = await new Response(proc.stdout).text();
  if ((await proc.exited) !== 0) throw new Error("fixed-rate load failed");
  return JSON.parse(out) as { achievedRps: number; errors: number; latencyMs: { p50: number; p95: number; p99: number; max: number } };
}

async function pipelineOnce(token: string, db: pg.Client, n: number): Promise<number> {
  const started = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < n; i += 100) {
    const tasks = Array.from({ length: Math.min(100, n - i) }, (_, k) => ({ type: "predict", payload: predictPayload(i + k) }));
    const reply = expectStatus(await http<{ tasks: { id: string }[] }>("POST", "/tasks/batch", { body: { tasks }, token }), 202, "POST /tasks/batch");
    ids.push(...reply.tasks.map((task) => task.id));
  }
  const counts = await eventually(
    async () => {
      const { rows } = await db.query<{ final: string; ok: string }>(
        `SELECT count(*) FILTER (WHERE status IN ('succeeded','failed','cancelled')) AS final,
                count(*) FILTER (WHERE status = 'succeeded') AS ok FROM "Task" WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      return { final: Number(rows[0]!.final), ok: Number(rows[0]!.ok) };
    },
    (counts) => counts.final === n,
    120_000,
    20,
  );
  const seconds = (performance.now() - started) / 1_000;
  if (counts.final !== n) throw new Error("pipeline: tasks not final after 120 s");
  if (counts.ok !== n) throw new Error(`pipeline: ${n - counts.ok} of ${n} tasks did not succeed`);
  return seconds;
}

async function bullmqNoop(n: number, concurrency: number) {
  const proc = Bun.spawn(["bun", join(import.meta.dir, "bullmq-noop.ts"), String(n), String(concurrency)], {
    env: { ...process.env, REDIS_URL: REDIS, QUEUE_PREFIX: `${id}-noop` },
    stdout: "pipe",
    stderr: "inherit",
  });
  const out = await new Response(proc.stdout).text();
  if ((await proc.exited) !== 0) throw new Error("bullmq no-op baseline failed");
  return JSON.parse(out) as { seconds: number; jobsPerSecond: number };
}

async function policyCheck() {
  const started = performance.now();
  const proc = Bun.spawn(["bun", join(ROOT, "infra/policy/offline.ts")], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const out = await new Response(proc.stdout).text();
  const code = await proc.exited;
  const wallS = (performance.now() - started) / 1_000;
  if (code !== 0) throw new Error(`bun run policy exited ${code}: ${out.slice(-500)}`);
  const usage = proc.resourceUsage();
  const cpuS = usage ? Number(usage.cpuTime.user + usage.cpuTime.system) / 1e6 : Number.NaN;
  return { wallS, cpuS };
}

async function cleanup() {
  await stopAll();
  const redis = new Redis(REDIS);
  for (const pattern of [`${id}:*`, `${id}-noop:*`]) await deleteKeys(redis, pattern);
  redis.disconnect();
  await dropDatabase(databaseUrl);
}

// ---------------------------------------------------------------------------------------------

async function main() {
  let raw: Child | undefined;
  let db: pg.Client | undefined;
  const machine = { cpus: navigator.hardwareConcurrency, bun: Bun.version, loadAverage: loadavg() };
  progress(`database ${id}, key prefix ${id}:, ${machine.cpus} CPUs, load average ${machine.loadAverage.map((n) => n.toFixed(1)).join(" ")}`);
  try {
    await migrate(databaseUrl);
    raw = new Child("raw", ["bun", join(import.meta.dir, "raw-server.ts")], { PATH: process.env.PATH ?? "", PORT: String(ports.raw) });
    await raw.serving(`${rawUrl}/`);
    const api = await startApi();
    let worker = await startWorker();
    await Bun.sleep(2_000);
    const idle = { api: rssMb(api.child), worker: rssMb(worker.child) };
    progress(`idle RSS: api ${idle.api.toFixed(0)} MB, worker ${idle.worker.toFixed(0)} MB`);
    details.idleRssMb = idle;
    addLimit("idle RSS api", idle.api, "MB", 80);
    addLimit("idle RSS worker", idle.worker, "MB", 80);

    // A user, a model to predict with, and a task to read.
    const { token } = await registerAndLogin(http, { email: `bench-${id}@example.com`, password: "bench-password-123" });
    await runTask(token, { type: "train", payload: { model: "bench", algorithm: "logistic", label: "y", rows: trainingRows(200) } });
    const readableId = await runTask(token, { type: "predict", payload: predictPayload(1) });
    const auth = { authorization: `Bearer ${token}` };

    let readRps = Number.NaN;
    let healthRps = Number.NaN;
    if (!SKIP.has("http")) {
      progress("stopping the worker: POST /tasks only grows the queue");
      await worker.destroy();
      const results = await throughput(
        [
          { name: "raw Bun.serve", options: { url: `${rawUrl}/` } },
          { name: "GET /health", options: { url: `${apiUrl}/health` } },
          { name: "GET /tasks/:id", options: { url: `${apiUrl}/tasks/${readableId}`, headers: auth } },
          {
            name: "POST /tasks",
            options: { url: `${apiUrl}/tasks`, script: "post-task.lua", env: { BENCH_TOKEN: token, BENCH_BODY: JSON.stringify({ type: "predict", payload: predictPayload(2) }) } },
          },
        ],
        api,
      );
      const rawRps = results.rps["raw Bun.serve"]!;
      healthRps = results.rps["GET /health"] ?? Number.NaN;
      readRps = results.rps["GET /tasks/:id"] ?? Number.NaN;
      rows.push({ scenario: "raw Bun.serve (baseline)", value: rawRps, unit: "req/s" });
      if (results.rps["GET /health"]) addRatio("GET /health", healthRps, "req/s", "raw Bun.serve", rawRps, 0.6);
      if (results.rps["GET /tasks/:id"]) addRatio("GET /tasks/:id (bearer)", readRps, "req/s", "raw Bun.serve", rawRps, 0.6);
      if (results.rps["POST /tasks"]) addRatio("POST /tasks", results.rps["POST /tasks"], "req/s", "raw Bun.serve", rawRps, 0.25);
      addLimit("loaded RSS api (peak, HTTP)", results.peakMb.api!, "MB");
      details.http = { wrk: WRK, seconds: SECONDS, runs: results.runs };
      const persisted = new pg.Client({ connectionString: databaseUrl });
      await persisted.connect();
      const { rows: queued } = await persisted.query<{ n: string }>(`SELECT count(*) AS n FROM "Task" WHERE status = 'queued'`);
      await persisted.end();
      progress(`POST /tasks left ${fmt(Number(queued[0]!.n))} queued tasks in PostgreSQL (and as many jobs)`);
    }

    if (!SKIP.has("latency")) {
      if (!Number.isFinite(readRps)) {
        const quick = await wrk({ ...WRK, url: `${apiUrl}/tasks/${readableId}`, headers: auth, seconds: SECONDS });
        readRps = quick.rps;
        healthRps = (await wrk({ ...WRK, url: `${apiUrl}/health`, seconds: SECONDS })).rps;
      }
      const latency: Record<string, unknown> = {};
      for (const [name, url, max, headers] of [
        ["GET /health", `${apiUrl}/health`, healthRps, []],
        ["GET /tasks/:id", `${apiUrl}/tasks/${readableId}`, readRps, [`authorization: Bearer ${token}`]],
      ] as const) {
        const rate = Math.round(max / 2);
        await fixedRate(url, rate, [...headers]); // warm-up
        const runs: Awaited<ReturnType<typeof fixedRate>>[] = [];
        for (let round = 1; round <= ROUNDS; round++) {
          const run = await fixedRate(url, rate, [...headers]);
          runs.push(run);
          progress(`latency ${name} at ${fmt(rate)}/s (achieved ${fmt(run.achievedRps)}/s): p50 ${run.latencyMs.p50} ms, p95 ${run.latencyMs.p95} ms, p99 ${run.latencyMs.p99} ms`);
        }
        if (runs.some((run) => run.errors > 0)) throw new Error(`${name}: errors at a fixed rate`);
        const p = (key: "p50" | "p95" | "p99") => median(runs.map((run) => run.latencyMs[key]));
        rows.push({ scenario: `${name} p50 @ ${fmt(rate)}/s`, value: p("p50"), unit: "ms" });
        rows.push({ scenario: `${name} p95 @ ${fmt(rate)}/s`, value: p("p95"), unit: "ms" });
        addLimit(`${name} p99 @ ${fmt(rate)}/s`, p("p99"), "ms", 10);
        latency[name] = { rate, runs };
      }
      details.latency = latency;
    }

    if (!SKIP.has("pipeline")) {
      progress("pipeline: clearing the queue POST /tasks grew, starting the worker");
      db = new pg.Client({ connectionString: databaseUrl });
      await db.connect();
      const connection = new Redis(REDIS, { maxRetriesPerRequest: null });
      const predictQueue = new Queue("predict", { connection, prefix: id });
      await predictQueue.obliterate({ force: true });
      await predictQueue.close();
      connection.disconnect(); // BullMQ leaves a connection it was given open
      await db.query(`DELETE FROM "Task" WHERE status = 'queued'`);
      if (!worker.child.alive) worker = await startWorker();
      const concurrency = await workerConcurrency(); // the predict queue's: the pipeline's tasks are predicts
      progress(`warm-up pipeline (200 tasks) and no-op baseline (concurrency ${concurrency})`);
      await pipelineOnce(token, db, 200);
      await bullmqNoop(200, concurrency);
      const pipeline: number[] = [];
      const noop: number[] = [];
      const { peakMb } = await withPeakRss([worker.child, api.child], async () => {
        for (let round = 1; round <= ROUNDS; round++) {
          const seconds = await pipelineOnce(token, db!, PIPELINE_TASKS);
          pipeline.push(PIPELINE_TASKS / seconds);
          const base = await bullmqNoop(PIPELINE_TASKS, concurrency);
          noop.push(base.jobsPerSecond);
          progress(`round ${round}/${ROUNDS} pipeline ${fmt(PIPELINE_TASKS / seconds)} tasks/s, bare BullMQ no-op ${fmt(base.jobsPerSecond)} jobs/s`);
        }
      });
      rows.push({ scenario: "bare BullMQ no-op worker (baseline)", value: median(noop), unit: "jobs/s" });
      addRatio(`pipeline ${fmt(PIPELINE_TASKS)} predict tasks`, median(pipeline), "tasks/s", "BullMQ no-op", median(noop), 0.5);
      addLimit("loaded RSS worker (peak, pipeline)", peakMb.worker!, "MB");
      details.pipeline = { tasks: PIPELINE_TASKS, concurrency, tasksPerSecond: pipeline, noopJobsPerSecond: noop };
    }

    if (!SKIP.has("policy")) {
      progress("stopping api and worker for the offline infrastructure check");
      await stopAll();
      await policyCheck(); // warm the file cache
      const runs: { wallS: number; cpuS: number }[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        const run = await policyCheck();
        runs.push(run);
        progress(`round ${round}/${ROUNDS} bun run policy (3 stacks): ${run.wallS.toFixed(2)} s wall, ${run.cpuS.toFixed(2)} s CPU`);
      }
      addLimit("offline check, 3 stacks (wall)", median(runs.map((run) => run.wallS)), "s", 5);
      rows.push({ scenario: "offline check, 3 stacks (CPU)", value: median(runs.map((run) => run.cpuS)), unit: "s" });
      details.policy = runs;
    }
  } finally {
    await db?.end();
    progress("cleaning up (processes, keys, database)");
    await raw?.stop();
    await cleanup();
  }

  printTable();
  mkdirSync(join(import.meta.dir, "results"), { recursive: true });
  const totalSeconds = (performance.now() - benchStarted) / 1_000;
  writeFileSync(
    RESULTS,
    JSON.stringify({ date: new Date().toISOString(), machine: { ...machine, loadAverageAfter: loadavg() }, totalSeconds, rows: rows.map(rounded), details }, null, 2) + "\n",
  );
  progress(`done in ${totalSeconds.toFixed(0)} s; figures in ${RESULTS.replace(ROOT + "/", "")}`);
}

async function workerConcurrency(): Promise<number> {
  const { parseConfig } = await import("../services/shared/config.ts");
  return parseConfig({ ...serviceEnv, ...pick(process.env, ["WORKER_CONCURRENCY", "WORKER_PREDICT_CONCURRENCY"]) }).workerPredictConcurrency;
}

function pick(env: Record<string, string | undefined>, names: string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]!]])));
}

const rounded = (row: Row): Row => ({
  ...row,
  value: round(row.value, 2),
  ...(row.ratio !== undefined && { ratio: round(row.ratio, 3) }),
  ...(row.baseline && { baseline: { ...row.baseline, value: round(row.baseline.value, 2) } }),
});

function printTable() {
  const lines = rows.map((row) => [
    row.scenario,
    `${fmt(row.value, row.unit === "ms" || row.unit === "s" ? 2 : 0)} ${row.unit}`,
    row.baseline ? `${fmt(row.baseline.value)} (${row.baseline.name})` : "",
    row.ratio !== undefined ? `${row.ratio.toFixed(2)}×` : "",
    row.target ?? "",
    row.met === undefined ? "" : row.met ? "yes" : "NO",
  ]);
  const header = ["scenario", "value", "baseline (same run)", "ratio", "target", "met"];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => line[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(["", line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...lines.map(line), ""].join("\n"));
}

await main();
process.exit(0); // a client library's stray handle must not keep `bun run bench` waiting
