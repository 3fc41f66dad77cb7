// `bun run chaos:local`: the fault scenarios of testing/fault-scenarios.ts at full size (thousands
// of tasks each; test/reliability runs them small), on a private PostgreSQL and Redis started for
// the run (never the machine's shared ones).
// Prints one JSON line per scenario and a Markdown table for docs/reliability.md; exits 1 when a
// scenario lost, duplicated or wrongly kept a task.
//
//   bun run chaos:local [--tasks 3000] [--rate 150] [--outage 5000] [--only redis-restart,...] [--out results.json] [--logs DIR]
import { parseArgs } from "node:util";
import { RESULT_HEADER, type Result, resultRow, runScenario, SCENARIOS, startCluster, violations } from "../testing/fault-scenarios.ts";
import { stopAll } from "../testing/processes.ts";

const { values } = parseArgs({
  options: {
    tasks: { type: "string", default: "3000" },
    rate: { type: "string", default: "150" },
    outage: { type: "string", default: "5000" },
    only: { type: "string" },
    out: { type: "string" },
    logs: { type: "string" },
  },
});
const only = values.only?.split(",");
const unknown = only?.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown scenario(s): ${unknown.join(", ")}; known: ${SCENARIOS.map((s) => s.name).join(", ")}`);
  process.exit(2);
}
if (values.logs) process.env.CHAOS_KEEP_LOGS = values.logs;

const log = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const results: Result[] = [];
let failed = false;
try {
  const cluster = await startCluster();
  log(`private PostgreSQL on ${cluster.pg.port}, Redis on ${cluster.redis.port}`);
  for (const scenario of SCENARIOS.filter((s) => !only || only.includes(s.name))) {
    const result = await runScenario(cluster, scenario, {
      tasks: Number(values.tasks),
      perSecond: Number(values.rate),
      outageMs: Number(values.outage),
      log,
    });
    results.push(result);
    console.log(JSON.stringify(result));
    const problems = violations(result);
    if (problems.length > 0) {
      failed = true;
      log(`${scenario.name}: FAILED — ${problems.join("; ")}`);
    } else {
      log(`${scenario.name}: ok — ${result.accepted} accepted, ${result.succeeded} succeeded, 0 lost, 0 duplicated`);
    }
  }
} finally {
  await stopAll();
}
console.log(`\n${RESULT_HEADER}\n${results.map(resultRow).join("\n")}`);
if (values.out) await Bun.write(values.out, JSON.stringify(results, null, 2));
process.exit(failed ? 1 : 0);
