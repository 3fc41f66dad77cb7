import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { checkStack } from "../../infra/policy/offline.ts";
import { stacks } from "../../infra/simulate.ts";

const root = join(import.meta.dir, "../..");

describe("the real stacks under mocks", () => {
  for (const stack of stacks) {
    test(`${stack} passes every mandatory policy`, async () => {
      const report = await checkStack(stack);
      expect(report.resources.length).toBeGreaterThan(0);
      const mandatory = report.violations.filter((violation) => violation.enforcementLevel === "mandatory");
      expect(mandatory.map((violation) => `${violation.policy}: ${violation.message}`)).toEqual([]);
    });
  }
});

async function runPolicy(...args: string[]) {
  const child = Bun.spawn(["bun", "run", "policy", "--", ...args], { cwd: root, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { stdout, stderr, exitCode };
}

test("turning off RDS deletion protection in prod's config makes `bun run policy` fail with that policy's message", async () => {
  const { stdout, exitCode } = await runPolicy("--stack", "prod", "--config", "mlts:database.deletionProtection=false");
  expect(exitCode).toBe(1);
  expect(stdout).toContain("[mandatory] aws-rds-instance-require-deletion-protection");
  expect(stdout).toContain("RDS deletion protection is off: set deletionProtection to true.");
}, 20_000);

test("--json lists every resource and every violation per stack", async () => {
  const { stdout, exitCode } = await runPolicy("--stack", "dev", "--json");
  expect(exitCode).toBe(0);
  const document = JSON.parse(stdout) as {
    mandatoryViolations: number;
    stacks: { stack: string; resources: { type: string; name: string; inputs: object }[]; violations: object[] }[];
  };
  expect(document.mandatoryViolations).toBe(0);
  expect(document.stacks.map((report) => report.stack)).toEqual(["dev"]);
  const [dev] = document.stacks;
  expect(dev?.resources).toContainEqual(expect.objectContaining({ type: "aws:rds/instance:Instance", inputs: expect.objectContaining({ storageEncrypted: true }) }));
  for (const violation of dev?.violations ?? []) {
    expect(Object.keys(violation).sort()).toEqual(["enforcementLevel", "message", "policy", "resource"]);
  }
}, 20_000);
