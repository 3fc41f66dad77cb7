/**
 * `bun run bench`: the system's speed against baselines measured in the same run on the same
 * machine. Starts its own API and worker (real processes) against the local PostgreSQL and Redis,
 * with a database and key prefix of its own that it removes at the end, and beside them the
 * baselines: raw Bun.serve, the ceiling (bench/ceiling.ts: Bun.serve + Bun SQL + jose, the same
 * query) and the peer (bench/peer/server.ts: Fastify + Prisma + BullMQ on Node). Every ratio is
 * taken per round (rounds interleave the targets) and printed as its median with the spread over
 * rounds. Each run is kept as bench/results/<time>.json; the table shows the previous run's ratios
 * beside this one's. See docs/benchmarks.md.
 *
 * Environment: BENCH_POSTGRES_URL (postgresql://postgres@127.0.0.1:5432), BENCH_REDIS_URL
 * (redis://127.0.0.1:6379), BENCH_ROUNDS (5), BENCH_SECONDS (5), BENCH_PIPELINE_TASKS (2000),
 * BENCH_SKIP (comma list of: http, peer, latency, pipeline, policy), BENCH_HTTP_ONLY (only these
 * HTTP targets), BENCH_CPU_PROF (a directory: the services write CPU profiles there on exit),
 * BENCH_SERVICES_ROOT (run services/ from another checkout, for an A/B of a change).
 */
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { migrate } from "../services/shared/migrate.ts";
import { expectStatus, httpClient, registerAndLogin } from "../testing/http.ts";
import { eventually } from "../testing/polling.ts";
import { freePort } from "../testing/ports.ts";
import { Child, own, ServiceProcess, stopAll } from "../testing/processes.ts";
import { deleteKeys, dropDatabase } from "../testing/stores.ts";
import { rssMb, withPeakRss } from "./lib/rss.ts";
import { median, round } from "./lib/stats.ts";
import { wrk, type WrkOptions } from "./lib/wrk.ts";

const ROOT = join(import.meta.dir, "..");
const SERVICES_ROOT = process.env.BENCH_SERVICES_ROOT ?? ROOT;
const POSTGRES = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432";
const REDIS = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const PIPELINE_TASKS = Number(process.env.BENCH_PIPELINE_TASKS ?? 2_000);
const SKIP = new Set((process.env.BENCH_SKIP ?? "").split(",").filter(Boolean));
/** Only these HTTP targets (e.g. "POST /tasks"), for a profile of one route. */
const HTTP_ONLY = new Set((process.env.BENCH_HTTP_ONLY ?? "").split(",").filter(Boolean));
const WRK = { threads: 1, connections: 64 } as const;
const RESULTS = join(import.meta.dir, "results");

const benchStarted = performance.now();
const elapsed = () => `${((performance.now() - benchStarted) / 1000).toFixed(0).padStart(4)}s`;
const progress = (message: string) => console.error(`[${elapsed()}] ${message}`);
const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

const id = `mlts_bench_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const databaseUrl = `${POSTGRES}/${id}`;
const ports = { api: freePort(), worker: freePort(), raw: freePort(), ceiling: freePort(), peer: freePort() };
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
const url = (port: number) => `http://127.0.0.1:${port}`;
const apiUrl = url(ports.api);

// BENCH_CPU_PROF=<dir>: each service writes a CPU profile (and its markdown summary) there on exit.
const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
// The API counts as started once it reaches its stores.
const startApi = () => ServiceProcess.start("api", serviceEnv, { root: SERVICES_ROOT, bunArgs: profile, readyPath: "/health/ready" });
const startWorker = () => ServiceProcess.start("worker", serviceEnv, { root: SERVICES_ROOT, bunArgs: profile });
const http = httpClient(apiUrl);

/** A baseline's process, owned like the services: stopAll() and this process's exit take it down. */
async function startBaseline(name: string, cmd: string[], port: number): Promise<Child> {
  const child = new Child(name, cmd, { ...serviceEnv, PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", PORT: String(port) });
  own({ killNow: () => child.proc.kill("SIGKILL"), destroy: async () => void (await child.stop()) });
  await child.serving(`${url(port)}/health`);
  return child;
}

// ---------------------------------------------------------------------------------------------

interface Spread {
  min: number;
  max: number;
}
interface Row {
  scenario: string;
  value: number;
  unit: string;
  spread?: Spread;
  baseline?: { name: string; value: number };
  ratio?: number;
  ratioSpread?: Spread;
  target?: string;
  met?: boolean;
}
const rows: Row[] = [];
const details: Record<string, unknown> = {};
const spreadOf = (values: number[]): Spread => ({ min: Math.min(...values), max: Math.max(...values) });

/** value/baseline per round (rounds interleave them): the median ratio and its spread. */
function addRatio(scenario: string, values: number[], unit: string, baselineName: string, baselines: number[], minRatio?: number) {
  const ratios = values.map((value, i) => value / baselines[i]!);
  const ratio = median(ratios);
  rows.push({
    scenario, value: median(values), unit, spread: spreadOf(values), baseline: { name: baselineName, value: median(baselines) }, ratio, ratioSpread: spreadOf(ratios),
    ...(minRatio !== undefined && { target: `≥ ${minRatio}×`, met: ratio >= minRatio }),
  });
}
function addValue(scenario: string, values: number[], unit: string, max?: number) {
  const value = median(values);
  rows.push({ scenario, value, unit, ...(values.length > 1 && { spread: spreadOf(values) }), ...(max !== undefined && { target: `≤ ${max} ${unit}`, met: value <= max }) });
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

interface Target {
  name: string;
  options: Omit<WrkOptions, "seconds" | keyof typeof WRK>;
}

/** Each target after a warm-up, then in ROUNDS interleaved rounds: every target's req/s per round. */
async function throughput(allTargets: Target[], watched: Child[]) {
  const targets = allTargets.filter((target) => HTTP_ONLY.size === 0 || HTTP_ONLY.has(target.name));
  for (const target of targets) {
    progress(`warm-up ${target.name}`);
    await wrk({ ...WRK, ...target.options, seconds: 2 });
  }
  const runs: Record<string, { rps: number; p50: number; p99: number; errors: number; non2xx: number }[]> = {};
  const { peakMb } = await withPeakRss(watched, async () => {
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
  return { rps: Object.fromEntries(Object.entries(runs).map(([name, list]) => [name, list.map((r) => r.rps)])), runs, peakMb };
}

interface OpenLoopRun {
  achievedRps: number;
  errors: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  sendLagMs: { p50: number; p99: number };
}
async function openLoop(target: string, rate: number, headers: string[]): Promise<OpenLoopRun> {
  const proc = Bun.spawn(["bun", join(import.meta.dir, "open-loop.ts"), target, String(rate), String(SECONDS), ...headers], { stdout: "pipe", stderr: "inherit" });
  const out = await new Response(proc.stdout).text();
  if ((await proc.exited) !== 0) throw new Error("open-loop load failed");
  return JSON.parse(out) as OpenLoopRun;
}

/**
 * Seconds from the first submission to the last task's finishedAt in PostgreSQL (same clock). The
 * wait polls only every 100 ms and the end time is the database's own, so neither the polling's
 * load nor its interval is in the figure.
 */
async function pipelineOnce(token: string, db: pg.Client, n: number): Promise<number> {
  const started = Date.now();
  const ids: string[] = [];
  for (let i = 0; i < n; i += 100) {
    const tasks = Array.from({ length: Math.min(100, n - i) }, (_, k) => ({ type: "predict", payload: predictPayload(i + k) }));
    const reply = expectStatus(await http<{ tasks: { id: string }[] }>("POST", "/tasks/batch", { body: { tasks }, token }), 202, "POST /tasks/batch");
    ids.push(...reply.tasks.map((task) => task.id));
  }
  const counts = await eventually(
    async () => {
      const { rows } = await db.query<{ final: string; ok: string; last: Date }>(
        `SELECT count(*) FILTER (WHERE status IN ('succeeded','failed','cancelled')) AS final,
                count(*) FILTER (WHERE status = 'succeeded') AS ok, max("finishedAt") AS last FROM "Task" WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      return { final: Number(rows[0]!.final), ok: Number(rows[0]!.ok), last: rows[0]!.last };
    },
    (counts) => counts.final === n,
    120_000,
    100,
  );
  if (counts.final !== n) throw new Error("pipeline: tasks not final after 120 s");
  if (counts.ok !== n) throw new Error(`pipeline: ${n - counts.ok} of ${n} tasks did not succeed`);
  return (counts.last.getTime() - started) / 1_000;
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

/**
 * A database with a history, as in production: another account's 20,000 finished tasks, analysed.
 * On a near-empty table PostgreSQL's plan for a prepared statement (the ceiling's Bun SQL
 * prepares) is a sequential scan, which a connection keeps using as the table grows: measured,
 * the ceiling's GET fell from ~5,000 to ~1,000 req/s once POST rounds had added rows.
 */
async function fillHistory(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const user = crypto.randomUUID();
  await client.query(`INSERT INTO "User" (id, email, "passwordHash") VALUES ($1, $2, 'not a hash')`, [user, `history-${user}@example.com`]);
  await client.query(`INSERT INTO "Workspace" (id, name, "ownerId") VALUES ($1, 'history', $1)`, [user]);
  await client.query(
    `INSERT INTO "Task" (id, "workspaceId", "ownerId", type, status, payload, result, "finishedAt")
     SELECT gen_random_uuid(), $1, $1, 'predict', 'succeeded', '{"model":"m","input":{"x":1}}', '{"score":0.5}', now() FROM generate_series(1, 20000)`,
    [user],
  );
  await client.query(`ANALYZE`);
  await client.end();
}

/** The peer, bundled for Node (it is TypeScript importing our schema and contract). */
function buildPeer(dir: string): string {
  const outfile = join(dir, "peer.mjs");
  const build = Bun.spawnSync(["bun", "build", join(import.meta.dir, "peer/server.ts"), "--target=node", `--outfile=${outfile}`], { stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`building the peer failed: ${build.stderr.toString()}`);
  return outfile;
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
  let db: pg.Client | undefined;
  const buildDir = join(tmpdir(), id);
  mkdirSync(buildDir, { recursive: true });
  const machine = { cpus: navigator.hardwareConcurrency, bun: Bun.version, node: Bun.spawnSync(["node", "--version"]).stdout.toString().trim(), loadAverage: loadavg() };
  progress(`database ${id}, key prefix ${id}:, ${machine.cpus} CPUs, load average ${machine.loadAverage.map((n) => n.toFixed(1)).join(" ")}`);
  try {
    await migrate(databaseUrl);
    await fillHistory(databaseUrl);
    await startBaseline("raw", ["bun", join(import.meta.dir, "raw-server.ts")], ports.raw);
    await startBaseline("ceiling", ["bun", join(import.meta.dir, "ceiling.ts")], ports.ceiling);
    const peer = SKIP.has("peer") ? undefined : await startBaseline("peer", ["node", buildPeer(buildDir)], ports.peer);
    const api = await startApi();
    let worker = await startWorker();
    await Bun.sleep(2_000);
    const idle = { api: rssMb(api.child), worker: rssMb(worker.child), ...(peer && { peer: rssMb(peer) }) };
    progress(`idle RSS: ${Object.entries(idle).map(([name, mb]) => `${name} ${mb.toFixed(0)} MB`).join(", ")}`);
    details.idleRssMb = idle;
    addValue("idle RSS api", [idle.api], "MB", 80);
    addValue("idle RSS worker", [idle.worker], "MB", 80);
    if (idle.peer) addValue("idle RSS peer (Node)", [idle.peer], "MB");

    // A user, a model with its production alias (what predictions use by default), a task to read.
    const { token } = await registerAndLogin(http, { email: `bench-${id}@example.com`, password: "bench-password-123" });
    await runTask(token, { type: "train", payload: { model: "bench", algorithm: "logistic", label: "y", rows: trainingRows(200) } });
    expectStatus(await http("PUT", "/models/bench/aliases/production", { body: { version: 1 }, token }), 200, "PUT production alias");
    const finalId = await runTask(token, { type: "predict", payload: predictPayload(1) });
    const auth = { authorization: `Bearer ${token}` };

    progress("stopping the worker: POST /tasks only grows the queue, and a queued task stays queued");
    await worker.destroy();
    // A task that stays queued: its reads go to PostgreSQL every time (no final-task cache).
    const { id: queuedId } = expectStatus(await http<{ id: string }>("POST", "/tasks", { body: { type: "predict", payload: predictPayload(3) }, token }), 202, "POST /tasks");
    const readRps: Partial<Record<"final" | "queued", number>> = {};
    if (!SKIP.has("http")) {
      const post = (base: string) => ({
        url: `${base}/tasks`, script: "post-task.lua", env: { BENCH_TOKEN: token, BENCH_BODY: JSON.stringify({ type: "predict", payload: predictPayload(2) }) },
      });
      const results = await throughput(
        [
          { name: "raw Bun.serve", options: { url: `${url(ports.raw)}/` } },
          { name: "ceiling GET", options: { url: `${url(ports.ceiling)}/tasks/${finalId}`, headers: auth } },
          { name: "ceiling POST", options: post(url(ports.ceiling)) },
          { name: "GET /health", options: { url: `${apiUrl}/health` } },
          { name: "GET /tasks/:id", options: { url: `${apiUrl}/tasks/${finalId}`, headers: auth } },
          { name: "GET /tasks/:id queued", options: { url: `${apiUrl}/tasks/${queuedId}`, headers: auth } },
          { name: "POST /tasks", options: post(apiUrl) },
          ...(peer
            ? [
                { name: "peer GET /health", options: { url: `${url(ports.peer)}/health` } },
                { name: "peer GET /tasks/:id", options: { url: `${url(ports.peer)}/tasks/${finalId}`, headers: auth } },
                { name: "peer POST /tasks", options: post(url(ports.peer)) },
              ]
            : []),
        ],
        [api.child, ...(peer ? [peer] : [])],
      );
      const rps = results.rps;
      const ratio = (scenario: string, name: string, baseline: string, minRatio?: number) => {
        if (rps[name] && rps[baseline]) addRatio(scenario, rps[name], "req/s", baseline, rps[baseline], minRatio);
      };
      if (rps["raw Bun.serve"]) addValue("raw Bun.serve (baseline)", rps["raw Bun.serve"], "req/s");
      ratio("GET /tasks/:id (final task) vs ceiling", "GET /tasks/:id", "ceiling GET", 1);
      ratio("GET /tasks/:id (queued task: PostgreSQL) vs ceiling", "GET /tasks/:id queued", "ceiling GET");
      ratio("POST /tasks vs ceiling", "POST /tasks", "ceiling POST", 2);
      ratio("GET /health vs raw", "GET /health", "raw Bun.serve");
      ratio("GET /tasks/:id vs peer", "GET /tasks/:id", "peer GET /tasks/:id", 4);
      ratio("GET /tasks/:id (queued) vs peer", "GET /tasks/:id queued", "peer GET /tasks/:id");
      ratio("POST /tasks vs peer", "POST /tasks", "peer POST /tasks");
      ratio("GET /health vs peer", "GET /health", "peer GET /health");
      addValue("peak RSS api (HTTP rounds)", [results.peakMb.api!], "MB");
      if (peer) addValue("peak RSS peer (HTTP rounds)", [results.peakMb.peer!], "MB");
      Object.assign(readRps, { final: median(rps["GET /tasks/:id"] ?? []), queued: median(rps["GET /tasks/:id queued"] ?? []) });
      details.http = { wrk: WRK, seconds: SECONDS, runs: results.runs };
      const persisted = new pg.Client({ connectionString: databaseUrl });
      await persisted.connect();
      const { rows: queued } = await persisted.query<{ n: string }>(`SELECT count(*) AS n FROM "Task" WHERE status = 'queued'`);
      await persisted.end();
      progress(`POST /tasks left ${fmt(Number(queued[0]!.n))} queued tasks in PostgreSQL (and as many jobs)`);
    }

    if (!SKIP.has("latency")) {
      // Each read at half its maximum rate. The generator counts only if it keeps the rate: the
      // same rate against raw Bun.serve, interleaved, shows what it does on its own.
      const header = [`authorization: Bearer ${token}`];
      const latency: Record<string, unknown> = {};
      for (const [kind, taskId] of [["final", finalId], ["queued", queuedId]] as const) {
        const measured = readRps[kind];
        const max = measured !== undefined && Number.isFinite(measured) ? measured : (await wrk({ ...WRK, url: `${apiUrl}/tasks/${taskId}`, headers: auth, seconds: SECONDS })).rps;
        const rate = Math.round(max / 2);
        const name = `GET /tasks/:id (${kind} task)`;
        await openLoop(`${apiUrl}/tasks/${taskId}`, rate, header); // warm-up
        const runs: Record<"raw" | "api", OpenLoopRun[]> = { raw: [], api: [] };
        for (let round = 1; round <= ROUNDS; round++) {
          for (const [target, address, headers] of [["raw", `${url(ports.raw)}/`, []], ["api", `${apiUrl}/tasks/${taskId}`, header]] as const) {
            const run = await openLoop(address, rate, [...headers]);
            runs[target].push(run);
            progress(`open loop at ${fmt(rate)}/s, ${target === "raw" ? "raw Bun.serve" : name}: achieved ${fmt(run.achievedRps)}/s, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms (sent late: p99 ${run.sendLagMs.p99} ms)`);
          }
        }
        if ([...runs.raw, ...runs.api].some((run) => run.errors > 0)) throw new Error("errors at a fixed rate");
        addValue(`open-loop generator on raw Bun.serve @ ${fmt(rate)}/s: achieved`, runs.raw.map((run) => run.achievedRps), "req/s");
        addValue(`open-loop generator on raw Bun.serve @ ${fmt(rate)}/s: p99`, runs.raw.map((run) => run.latencyMs.p99), "ms");
        addValue(`${name} p50 @ ${fmt(rate)}/s (half its max)`, runs.api.map((run) => run.latencyMs.p50), "ms");
        addValue(`${name} p99 @ ${fmt(rate)}/s (half its max)`, runs.api.map((run) => run.latencyMs.p99), "ms", kind === "final" ? 10 : undefined);
        addValue(`${name} @ ${fmt(rate)}/s: sent late, p99`, runs.api.map((run) => run.sendLagMs.p99), "ms");
        latency[kind] = { rate, runs };
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
      addValue(`bare BullMQ no-op worker (baseline, concurrency ${concurrency})`, noop, "jobs/s");
      addRatio(`pipeline, ${fmt(PIPELINE_TASKS)} predict tasks vs BullMQ no-op`, pipeline, "tasks/s", "BullMQ no-op", noop, 0.7);
      addValue("peak RSS worker (pipeline)", [peakMb.worker!], "MB");
      addValue("peak RSS api (pipeline)", [peakMb.api!], "MB");
      details.pipeline = { tasks: PIPELINE_TASKS, concurrency, tasksPerSecond: pipeline, noopJobsPerSecond: noop };
    }

    if (!SKIP.has("policy")) {
      progress("stopping the services and baselines for the offline infrastructure check");
      await stopAll();
      await policyCheck(); // warm the file cache
      const runs: { wallS: number; cpuS: number }[] = [];
      for (let round = 1; round <= Math.min(ROUNDS, 3); round++) {
        const run = await policyCheck();
        runs.push(run);
        progress(`round ${round} bun run policy (3 stacks): ${run.wallS.toFixed(2)} s wall, ${run.cpuS.toFixed(2)} s CPU`);
      }
      addValue("offline check, 3 stacks (wall)", runs.map((run) => run.wallS), "s", 5);
      addValue("offline check, 3 stacks (CPU)", runs.map((run) => run.cpuS), "s");
      details.policy = runs;
    }
  } finally {
    await db?.end();
    progress("cleaning up (processes, keys, database)");
    await cleanup();
    rmSync(buildDir, { recursive: true, force: true });
  }

  const previous = previousRun();
  printTable(previous);
  mkdirSync(RESULTS, { recursive: true });
  const totalSeconds = (performance.now() - benchStarted) / 1_000;
  const date = new Date().toISOString();
  const file = join(RESULTS, `${date.replace(/[:.]/g, "-")}.json`);
  const commit = Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"], { cwd: SERVICES_ROOT }).stdout.toString().trim();
  writeFileSync(
    file,
    JSON.stringify({ date, commit, machine: { ...machine, loadAverageAfter: loadavg() }, totalSeconds, rows: rows.map(rounded), details }, null, 2) + "\n",
  );
  progress(`done in ${totalSeconds.toFixed(0)} s; figures in ${file.replace(ROOT + "/", "")}`);
}

async function workerConcurrency(): Promise<number> {
  const { parseConfig } = await import("../services/shared/config.ts");
  return parseConfig({ ...serviceEnv, ...pick(process.env, ["WORKER_CONCURRENCY", "WORKER_PREDICT_CONCURRENCY"]) }).workerPredictConcurrency;
}

function pick(env: Record<string, string | undefined>, names: string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]!]])));
}

/** The newest earlier run in bench/results/ (the history), for the table's last column. */
function previousRun(): { date: string; rows: Row[] } | undefined {
  const files = (() => {
    try {
      return readdirSync(RESULTS).filter((name) => name.endsWith(".json")).sort();
    } catch {
      return [];
    }
  })();
  const last = files.at(-1);
  return last ? (JSON.parse(readFileSync(join(RESULTS, last), "utf8")) as { date: string; rows: Row[] }) : undefined;
}

const rounded = (row: Row): Row => ({
  ...row,
  value: round(row.value, 2),
  ...(row.spread && { spread: { min: round(row.spread.min, 2), max: round(row.spread.max, 2) } }),
  ...(row.ratio !== undefined && { ratio: round(row.ratio, 3) }),
  ...(row.ratioSpread && { ratioSpread: { min: round(row.ratioSpread.min, 3), max: round(row.ratioSpread.max, 3) } }),
  ...(row.baseline && { baseline: { ...row.baseline, value: round(row.baseline.value, 2) } }),
});

function printTable(previous: { date: string; rows: Row[] } | undefined) {
  const digits = (unit: string) => (unit === "ms" || unit === "s" ? 2 : 0);
  const before = new Map(previous?.rows.map((row) => [row.scenario, row]));
  const lines = rows.map((row) => {
    const last = before.get(row.scenario);
    return [
      row.scenario,
      `${fmt(row.value, digits(row.unit))} ${row.unit}${row.spread && row.ratio === undefined ? ` (${fmt(row.spread.min, digits(row.unit))}–${fmt(row.spread.max, digits(row.unit))})` : ""}`,
      row.baseline ? `${fmt(row.baseline.value)} (${row.baseline.name})` : "",
      row.ratio !== undefined ? `${row.ratio.toFixed(2)}× (${row.ratioSpread!.min.toFixed(2)}–${row.ratioSpread!.max.toFixed(2)})` : "",
      row.target ?? "",
      row.met === undefined ? "" : row.met ? "yes" : "NO",
      !last ? "" : last.ratio !== undefined ? `${last.ratio.toFixed(2)}×` : `${fmt(last.value, digits(last.unit))} ${last.unit}`,
    ];
  });
  const header = ["scenario", "value (spread)", "baseline (same run)", "ratio (spread over rounds)", "target", "met", `previous run${previous ? ` (${previous.date.slice(0, 10)})` : ""}`];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => line[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(["", line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...lines.map(line), ""].join("\n"));
}

await main();
process.exit(0); // a client library's stray handle must not keep `bun run bench` waiting
