// The fault scenarios at a small size (200 tasks each), on a private PostgreSQL and Redis
// with the real service processes. `bun run chaos:local` runs the same scenarios with thousands.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Cluster, runScenario, SCENARIOS, startCluster, violations } from "../../testing/fault-scenarios.ts";
import { stopAll } from "../../testing/processes.ts";

const TASKS = Number(process.env.FAULT_TEST_TASKS ?? 200);

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster();
}, 60_000);
afterAll(() => stopAll(), 60_000);

describe("every accepted task reaches one final state, once, through", () => {
  for (const scenario of SCENARIOS) {
    test(
      scenario.name,
      async () => {
        const result = await runScenario(cluster, scenario, { tasks: TASKS, perSecond: 150, outageMs: 2_000, settleTimeoutMs: 45_000 });
        expect(violations(result)).toEqual([]);
        expect(result.accepted).toBeGreaterThan(0);
      },
      90_000,
    );
  }
});
