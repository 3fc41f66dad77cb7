// Fault scenarios against the real processes: the API and the worker run as `bun services/*/main.ts`
// on a private PostgreSQL and Redis (instances.ts). Each run trains a small model, streams a few
// thousand predict tasks through POST /tasks/batch, injects one fault mid-run, waits for the system
// to settle and then counts, from PostgreSQL, what happened to every task the API accepted (202).
// Used by test/reliability/faults.test.ts (small) and scripts/chaos-local.ts (full size).
import { migrate } from "../services/shared/migrate.ts";
import { expectStatus, httpClient, registerAndLogin } from "./http.ts";
import { PostgresInstance, RedisInstance } from "./instances.ts";
import { until } from "./polling.ts";
import { freePort } from "./ports.ts";
import { ServiceProcess } from "./processes.ts";

/** Values that must never appear in a log line. */
export const SECRETS = {
  jwt: "chaos-jwt-secret-9f3b2a7c41d84e6b8d0c5a1f7e2b9c3d",
  password: "chaos-user-password-71c2e9",
  databasePassword: "chaos-db-password-4e8a1d",
};

export interface Cluster {
  pg: PostgresInstance;
  redis: RedisInstance;
}

export async function startCluster(): Promise<Cluster> {
  const [pg, redis] = await Promise.all([PostgresInstance.start(), RedisInstance.start()]);
  return { pg, redis };
}

export interface FaultContext {
  cluster: Cluster;
  outageMs: number;
  api: ServiceProcess;
  worker: ServiceProcess;
  /** Records a fact observed during the fault (shown in the result). */
  note(key: string, value: unknown): void;
  /** One POST /tasks, as a client would send it during the fault: the reply's status and Retry-After. */
  probeSubmit(): Promise<{ status: number; retryAfter: string | null }>;
  /** GET /health/ready's status. */
  probeReady(): Promise<number>;
  /** Jobs BullMQ holds as active, over the family queues. */
  activeJobs(): Promise<number>;
  /** Tasks PostgreSQL holds as running. */
  runningTasks(): Promise<number>;
}

export interface Scenario {
  name: string;
  /** Environment for both services on top of the run's own. */
  env?: Record<string, string>;
  fault(context: FaultContext): Promise<void>;
}

export interface Result {
  scenario: string;
  /** Tasks sent: the load plus the single submissions probing the API during the fault. */
  submitted: number;
  /** Tasks the API answered 202 for. */
  accepted: number;
  /** Tasks in requests answered 503 (not accepted: must never run). */
  refused: number;
  /** Replies other than 202 and 503, by status. */
  otherReplies: Record<string, number>;
  /** Requests that got no answer at all (connection error or timeout). */
  unanswered: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  /** Accepted tasks missing from PostgreSQL or not final at the end. */
  lost: number;
  /** Prediction rows beyond the first for one task. */
  duplicated: number;
  /** Succeeded tasks without their prediction row. */
  missingResults: number;
  /** Task rows or prediction rows for submissions the API did not accept. */
  unacknowledgedKept: number;
  /** Accepted tasks that ran more than once (a retry or a recovered stall), and the most attempts. */
  rerun: number;
  maxAttempts: number;
  /** Active BullMQ jobs and running tasks once everything settled. */
  leftActive: number;
  /** Services that exited without being told to. */
  crashed: string[];
  /** Secrets found in the services' logs (names only). */
  leakedSecrets: string[];
  notes: Record<string, unknown>;
  /** From the fault to the last task final. */
  recoverySeconds: number;
  seconds: number;
}

export interface RunOptions {
  tasks: number;
  /** Submission rate; the fault comes once `faultAfter` of the tasks were submitted and work is under way. */
  perSecond: number;
  faultAfter?: number;
  /** How long Redis or PostgreSQL stays down in the restart scenarios. */
  outageMs?: number;
  settleTimeoutMs?: number;
  log?: (line: string) => void;
}

const BATCH = 100;
const FINAL = new Set(["succeeded", "failed", "cancelled"]);

/**
 * Rows for a logistic model: y = 1 when x + z > 10. `seq` is a feature too (a model refuses inputs
 * with features it does not know), so each prediction's input can carry its own.
 */
function trainingRows(): Record<string, number>[] {
  return Array.from({ length: 60 }, (_, i) => {
    const x = i % 10;
    const z = Math.floor(i / 6);
    return { x, z, seq: i, y: x + z > 10 ? 1 : 0 };
  });
}

/** A predict task whose input carries `seq`, so its prediction row can be told from any other. */
const predictTask = (seq: number) => ({ type: "predict", payload: { model: "chaos", input: { x: seq % 10, z: seq % 7, seq } } });

export async function runScenario(cluster: Cluster, scenario: Scenario, options: RunOptions): Promise<Result> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const database = `chaos_${scenario.name.replaceAll("-", "_")}_${Date.now().toString(36)}`;
  const databaseUrl = `postgresql://postgres:${SECRETS.databasePassword}@127.0.0.1:${cluster.pg.port}/${database}`;
  await migrate(databaseUrl);
  const query = async <R extends Record<string, unknown>>(sql: string) => cluster.pg.query<R>(sql, [], database);

  const env = {
    NODE_ENV: "test",
    DATABASE_URL: databaseUrl,
    REDIS_URL: cluster.redis.url,
    QUEUE_PREFIX: `chaos-${scenario.name}`,
    JWT_SECRET: SECRETS.jwt,
    LOG_LEVEL: "info",
    RATE_LIMIT_ENABLED: "false",
    RECONCILE_INTERVAL_MS: "1000",
    RECONCILE_GRACE_MS: "3000",
    WORKER_LOCK_DURATION_MS: "3000",
    WORKER_STALLED_INTERVAL_MS: "1000",
    ...scenario.env,
  };
  const [api, worker] = await Promise.all([
    ServiceProcess.start("api", { ...env, PORT: String(freePort()), WORKER_PORT: "0" }),
    ServiceProcess.start("worker", { ...env, PORT: "0", WORKER_PORT: String(freePort()) }),
  ]);

  const http = httpClient(api.url, { timeoutMs: 30_000 });
  const { token } = await registerAndLogin(http, { email: `chaos-${scenario.name}@example.com`, password: SECRETS.password });
  const training = { type: "train", payload: { model: "chaos", algorithm: "logistic", label: "y", rows: trainingRows() } };
  const { id: trainingId } = expectStatus(await http("POST", "/tasks", { body: training, token }), 202, "training");
  const trained = await http("GET", `/tasks/${trainingId}?wait=30`, { token });
  if (trained.body?.status !== "succeeded") throw new Error(`training did not succeed: ${JSON.stringify(trained.body)}`);
  log(`${scenario.name}: services up, model trained`);

  // Submit: batches of 100 at the given rate, whatever the API is going through.
  const accepted = new Set<string>();
  const replies: Record<string, number> = {};
  let refused = 0;
  let unanswered = 0;
  const submitting = (async () => {
    const begin = performance.now();
    const inFlight = new Set<Promise<void>>();
    for (let seq = 0; seq < options.tasks; seq += BATCH) {
      const due = begin + (seq / options.perSecond) * 1000;
      if (due > performance.now()) await Bun.sleep(due - performance.now());
      const size = Math.min(BATCH, options.tasks - seq);
      const tasks = Array.from({ length: size }, (_, i) => predictTask(seq + i));
      const request = http("POST", "/tasks/batch", { body: { tasks }, token })
        .then((reply) => {
          replies[reply.status] = (replies[reply.status] ?? 0) + 1;
          if (reply.status === 202) for (const task of reply.body.tasks as { id: string }[]) accepted.add(task.id);
          if (reply.status === 503) refused += size;
        })
        .catch(() => {
          unanswered += 1;
        })
        .finally(() => inFlight.delete(request));
      inFlight.add(request);
      if (inFlight.size >= 4) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  })();

  const countWhere = async (where: string) =>
    Number((await query<{ n: string }>(`SELECT count(*) AS n FROM "Task" WHERE type = 'predict' AND ${where}`))[0]!.n);
  const activeJobs = () =>
    cluster.redis.command(async (redis) => {
      const lengths = await Promise.all(["train", "predict", "drift"].map((q) => redis.llen(`${env.QUEUE_PREFIX}:${q}:active`)));
      return lengths.reduce((a, b) => a + b, 0);
    });

  // The fault, once part of the work is done and the rest still coming.
  const threshold = Math.floor(options.tasks * (options.faultAfter ?? 0.3));
  await until(
    "work under way before the fault",
    async () => accepted.size >= threshold && (await countWhere("status = 'succeeded'")) >= Math.min(100, threshold / 2),
    60_000,
    50,
  );
  const notes: Record<string, unknown> = {};
  let probes = 0;
  const faultAt = performance.now();
  log(`${scenario.name}: fault (${accepted.size} accepted so far)`);
  await scenario.fault({
    cluster,
    outageMs: options.outageMs ?? 3_000,
    api,
    worker,
    note: (key, value) => {
      notes[key] = value;
    },
    probeSubmit: async () => {
      probes += 1;
      const reply = await http("POST", "/tasks", { body: predictTask(-probes), token }).catch(() => ({ status: 0, headers: new Headers(), body: undefined }));
      if (reply.status === 202) accepted.add(reply.body.id);
      if (reply.status === 503) refused += 1;
      return { status: reply.status, retryAfter: reply.headers.get("retry-after") };
    },
    probeReady: async () => (await fetch(`${api.url}/health/ready`).catch(() => undefined))?.status ?? 0,
    activeJobs,
    runningTasks: () => countWhere("status = 'running'"),
  });
  log(`${scenario.name}: fault done, waiting for submissions`);
  await submitting;

  // Settle: every task final and no job left active in Redis (or the timeout, and then they count
  // as lost / left active). A job whose lock expired during the fault is active until the stalled
  // check takes it back and a re-run finds its task final.
  await until(
    "every task final and no job active",
    async () => (await countWhere("status IN ('queued', 'running')")) === 0 && (await activeJobs()) === 0,
    options.settleTimeoutMs ?? 120_000,
    100,
  ).catch(async (error) => {
    log(`${scenario.name}: ${(error as Error).message}`);
    // What is stuck where, for the report.
    notes.stuck = {
      postgres: await query(`SELECT status, count(*)::int AS n FROM "Task" WHERE type = 'predict' GROUP BY status`),
      redis: await cluster.redis.command(async (redis) => {
        const key = (state: string) => `${env.QUEUE_PREFIX}:predict:${state}`;
        return {
          wait: await redis.llen(key("wait")),
          active: await redis.llen(key("active")),
          prioritized: await redis.zcard(key("prioritized")),
          delayed: await redis.zcard(key("delayed")),
          completed: await redis.zcard(key("completed")),
          failed: await redis.zcard(key("failed")),
        };
      }),
    };
  });
  const recoverySeconds = (performance.now() - faultAt) / 1000;

  const rows = await query<{ id: string; status: string; attempts: number }>(`SELECT id, status, attempts FROM "Task" WHERE type = 'predict'`);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const mine = [...accepted].map((id) => byId.get(id));
  const count = (status: string) => mine.filter((row) => row?.status === status).length;
  const [predictions] = await query<{ total: string; distinct: string }>(
    `SELECT count(*) AS total, count(DISTINCT input->>'seq') AS distinct FROM "Prediction"`,
  );
  const [missing] = await query<{ n: string }>(`
    SELECT count(*) AS n FROM "Task" t WHERE t.type = 'predict' AND t.status = 'succeeded'
      AND NOT EXISTS (SELECT 1 FROM "Prediction" p WHERE p.input->>'seq' = t.payload->'input'->>'seq')`);
  const [stray] = await query<{ n: string }>(`
    SELECT count(*) AS n FROM "Prediction" p WHERE NOT EXISTS (
      SELECT 1 FROM "Task" t WHERE t.type = 'predict' AND t.status = 'succeeded' AND t.payload->'input'->>'seq' = p.input->>'seq')`);
  const leftActive = (await activeJobs()) + (await countWhere("status = 'running'"));

  // Nothing restarts a service that died on its own, so one that crashed is still down here.
  const crashed = [api, worker].filter((service) => !service.child.alive).map((service) => service.kind);
  const logs = api.logs + worker.logs;
  const leakedSecrets = Object.entries(SECRETS).filter(([, secret]) => logs.includes(secret)).map(([name]) => name);

  const result: Result = {
    scenario: scenario.name,
    submitted: options.tasks + probes,
    accepted: accepted.size,
    refused,
    otherReplies: Object.fromEntries(Object.entries(replies).filter(([status]) => status !== "202" && status !== "503")),
    unanswered,
    succeeded: count("succeeded"),
    failed: count("failed"),
    cancelled: count("cancelled"),
    lost: mine.filter((row) => !row || !FINAL.has(row.status)).length,
    duplicated: Number(predictions!.total) - Number(predictions!.distinct),
    missingResults: Number(missing!.n),
    unacknowledgedKept: rows.filter((row) => !accepted.has(row.id)).length + Number(stray!.n),
    rerun: mine.filter((row) => (row?.attempts ?? 0) > 1).length,
    maxAttempts: Math.max(0, ...mine.map((row) => row?.attempts ?? 0)),
    leftActive,
    crashed,
    leakedSecrets,
    notes,
    recoverySeconds: Math.round(recoverySeconds * 10) / 10,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
  await Promise.all([api.destroy(), worker.destroy()]);
  if (process.env.CHAOS_KEEP_LOGS) await Bun.write(`${process.env.CHAOS_KEEP_LOGS}/${scenario.name}.log`, logs);
  return result;
}

/** Milliseconds until the API accepts a submission again after a store came back. */
async function acceptsAgain(probeSubmit: FaultContext["probeSubmit"]): Promise<number> {
  const since = performance.now();
  await until("the API accepting again", async () => (await probeSubmit()).status === 202, 30_000, 200);
  return Math.round(performance.now() - since);
}

/** A store stops for the outage and starts again: what the API answers meanwhile, and how soon it accepts again. */
function restartOf(name: string, store: (cluster: Cluster) => RedisInstance | PostgresInstance): Scenario {
  return {
    name,
    async fault({ cluster, outageMs, note, probeReady, probeSubmit }) {
      await store(cluster).down();
      await Bun.sleep(300);
      note("readyWhileDown", await probeReady());
      note("submitWhileDown", await probeSubmit());
      await Bun.sleep(outageMs - 300);
      await store(cluster).up();
      note("apiAcceptsAgainAfterMs", await acceptsAgain(probeSubmit));
    },
  };
}

export const SCENARIOS: Scenario[] = [
  {
    name: "worker-sigkill",
    async fault({ worker, note }) {
      await worker.child.stop("SIGKILL");
      await Bun.sleep(500);
      await worker.restart();
      note("restartedAfterKill", true);
    },
  },
  {
    name: "worker-sigterm",
    async fault({ worker, note, activeJobs, runningTasks }) {
      const stoppingSince = performance.now();
      note("exitCode", await worker.child.stop("SIGTERM", 30_000));
      note("drainMs", Math.round(performance.now() - stoppingSince));
      note("activeJobsAfterExit", await activeJobs());
      note("runningTasksAfterExit", await runningTasks());
      await worker.restart();
    },
  },
  {
    name: "redis-flushall",
    async fault({ cluster, note }) {
      await cluster.redis.flushAll();
      note("flushed", true);
    },
  },
  restartOf("redis-restart", (cluster) => cluster.redis),
  {
    // Redis hangs instead of failing: the API's enqueue times out (3 s) and it answers 503, yet the
    // paused commands still land once Redis resumes. Those refused tasks must not run.
    name: "redis-paused",
    async fault({ cluster, outageMs, note, probeReady, probeSubmit }) {
      const pauseMs = Math.max(outageMs, 4_500);
      const since = performance.now();
      await cluster.redis.command((redis) => redis.call("CLIENT", "PAUSE", String(pauseMs), "ALL"));
      note("readyWhileDown", await probeReady());
      note("submitWhileDown", await probeSubmit());
      await Bun.sleep(Math.max(0, pauseMs - (performance.now() - since)));
      note("apiAcceptsAgainAfterMs", await acceptsAgain(probeSubmit));
    },
  },
  restartOf("postgres-restart", (cluster) => cluster.pg),
];

/** Everything wrong with a result; empty when nothing accepted was lost or duplicated and no fault leaked. */
export function violations(result: Result): string[] {
  const problems: string[] = [];
  const expectZero = ["lost", "duplicated", "missingResults", "unacknowledgedKept", "leftActive", "unanswered", "failed", "cancelled"] as const;
  for (const key of expectZero) if (result[key] !== 0) problems.push(`${key}: ${result[key]}`);
  if (result.succeeded !== result.accepted) problems.push(`succeeded ${result.succeeded} of ${result.accepted} accepted`);
  if (Object.keys(result.otherReplies).length > 0) problems.push(`replies other than 202/503: ${JSON.stringify(result.otherReplies)}`);
  if (result.crashed.length > 0) problems.push(`crashed: ${result.crashed.join(", ")}`);
  if (result.leakedSecrets.length > 0) problems.push(`secrets in logs: ${result.leakedSecrets.join(", ")}`);
  if (result.notes.stuck) problems.push(`stuck: ${JSON.stringify(result.notes.stuck)}`);
  const { notes } = result;
  if ("exitCode" in notes && notes.exitCode !== 0) problems.push(`worker exit code on SIGTERM: ${notes.exitCode}`);
  if ("activeJobsAfterExit" in notes && notes.activeJobsAfterExit !== 0) problems.push(`active jobs after drain: ${notes.activeJobsAfterExit}`);
  if ("runningTasksAfterExit" in notes && notes.runningTasksAfterExit !== 0) problems.push(`running tasks after drain: ${notes.runningTasksAfterExit}`);
  if ("readyWhileDown" in notes && notes.readyWhileDown !== 503) problems.push(`/health/ready while down: ${notes.readyWhileDown}`);
  if ("submitWhileDown" in notes) {
    const reply = notes.submitWhileDown as { status: number; retryAfter: string | null };
    if (reply.status !== 503 || !reply.retryAfter) problems.push(`submission while down: ${JSON.stringify(reply)}`);
  }
  return problems;
}

/** One line of the Markdown table in docs/reliability.md. */
export const RESULT_HEADER =
  "| fault | submitted | accepted (202) | refused (503) | succeeded | lost | duplicated | re-run | recovery s |\n|---|---|---|---|---|---|---|---|---|";
export const resultRow = (r: Result) =>
  `| ${r.scenario} | ${r.submitted} | ${r.accepted} | ${r.refused} | ${r.succeeded} | ${r.lost} | ${r.duplicated} | ${r.rerun} | ${r.recoverySeconds} |`;
