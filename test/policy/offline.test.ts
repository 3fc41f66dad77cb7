import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { checkStack, policyConfigFor, validatePackConfig } from "../../infra/policy/offline.ts";
import { stacks } from "../../infra/testing/simulate.ts";
import { runToEnd } from "../../testing/processes.ts";

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

const runPolicy = (...args: string[]) => runToEnd(["bun", "run", "policy", "--", ...args], { cwd: root });

const brokenSettings = [
  { override: "mlts:database.deletionProtection=false", policy: "aws-rds-instance-require-deletion-protection", message: "RDS deletion protection is off: set deletionProtection to true." },
  { override: "mlts:addons.chaos.enabled=true", policy: "kubernetes-chaosmesh-resource-disallow-outside-staging", message: 'is Chaos Mesh in "prod"; allowed only in staging.' },
  { override: "mlts:backup.enabled=false", policy: "aws-backup-plan-require-cross-region-copy", message: "no AWS Backup plan selects it: its only backups are RDS's own, in its own region." },
];

for (const { override, policy, message } of brokenSettings) {
  test(`${override} in prod makes \`bun run policy\` fail with ${policy}'s message`, async () => {
    const { stdout, exitCode } = await runPolicy("--stack", "prod", "--config", override);
    expect(exitCode).toBe(1);
    expect(stdout).toContain(`[mandatory] ${policy}`);
    expect(stdout).toContain(message);
  }, 20_000);
}

test("per-stack pack config: every stack's file is valid, and typos are rejected", () => {
  for (const stack of stacks) expect(() => policyConfigFor(stack)).not.toThrow();
  expect(() => validatePackConfig({ "aws-rds-instance-require-multiaz": "advisory" }, "x.json")).toThrow('no policy named "aws-rds-instance-require-multiaz"');
  expect(() => validatePackConfig({ "aws-rds-instance-require-multi-az": { environment: ["prod"] } }, "x.json")).toThrow("has no setting environment");
});

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
