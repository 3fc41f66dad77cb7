/**
 * The offline policy check: runs the real program for each stack under Pulumi's mocks
 * (infra/simulate.ts), hands every resource and then the stack to the pack's policies the way the
 * engine would, with the stack's policy config from infra/policy/config/<stack>.json (the same file
 * CI passes to `pulumi preview --policy-pack-config`).
 *
 *   bun run policy [-- --stack prod] [--json] [--config mlts:database.multiAz=false] [--as-is]
 *
 * The stack files ship placeholders for what only a team knows (who may reach the API, its org,
 * who gets alerts), which the program refuses; unless `--as-is`, the check puts the stand-ins of
 * infra/testing/site.ts in their place, names the keys it replaced, and checks everything else as
 * written. Once a team has set its own values, nothing is replaced.
 *
 * Exit status: 0 clean or advisory only, 1 on any mandatory violation, 2 when the check itself fails.
 */
import type { PolicyPackConfig } from "@pulumi/policy";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type SimulatedResource, type StackName, simulateStack, stackConfig, stackFile, stacks } from "../testing/simulate.ts";
import { withStandIns } from "../testing/site.ts";
import { analyze, type RegisteredResource, type Violation } from "./engine.ts";
import { packEnforcementLevel, policies } from "./policies/index.ts";

export interface StackReport {
  stack: StackName;
  /** Placeholder keys of the stack file that the check replaced with stand-ins. */
  standIns: string[];
  resources: { type: string; name: string; urn: string; inputs: Record<string, unknown> }[];
  violations: Violation[];
}

/** infra/policy/config/<stack>.json; absent means the pack's defaults. */
export function policyConfigFor(stack: string): PolicyPackConfig {
  const file = join(import.meta.dir, "config", `${stack}.json`);
  return existsSync(file) ? validatePackConfig(JSON.parse(readFileSync(file, "utf8")) as PolicyPackConfig, file) : {};
}

/** Rejects unknown policies and settings, so a typo cannot silently waive nothing. */
export function validatePackConfig(config: PolicyPackConfig, source: string): PolicyPackConfig {
  for (const [name, entry] of Object.entries(config)) {
    const policy = policies.find((candidate) => candidate.name === name);
    if (!policy && name !== "all") throw new Error(`${source}: no policy named "${name}" in the pack`);
    const properties = typeof entry === "string" ? [] : Object.keys(entry).filter((key) => key !== "enforcementLevel");
    const unknown = properties.filter((key) => !policy?.configSchema?.properties[key]);
    if (unknown.length > 0) throw new Error(`${source}: policy "${name}" has no setting ${unknown.join(", ")}`);
  }
  return config;
}

/**
 * The engine analyzes resources that use a default provider with that provider's config from the
 * stack (e.g. `aws:defaultTags`); mocks register no default providers, so add them here.
 */
function withDefaultProviders(stack: StackName, resources: SimulatedResource[], overrides: Record<string, string>): RegisteredResource[] {
  const config = stackConfig(stack, overrides);
  const defaults = new Map<string, RegisteredResource>();
  const withProviders = resources.map((resource): RegisteredResource => {
    const pkg = resource.type.split(":")[0] ?? "";
    if (!resource.custom || resource.provider || pkg === "pulumi") return resource;
    let provider = defaults.get(pkg);
    if (!provider) {
      const prefix = `${pkg}:`;
      const inputs = Object.fromEntries(Object.entries(config).filter(([key]) => key.startsWith(prefix)).map(([key, value]) => [key.slice(prefix.length), value]));
      const type = `pulumi:providers:${pkg}`;
      provider = { type, name: "default", urn: `urn:pulumi:${stack}::ml-task-scheduler::${type}::default`, inputs };
      defaults.set(pkg, provider);
    }
    return { ...resource, provider: `${provider.urn}::default` };
  });
  return [...defaults.values(), ...withProviders];
}

export async function checkStack(stack: StackName, overrides: Record<string, string> = {}, site: "stand-in" | "as-is" = "stand-in"): Promise<StackReport> {
  const simulation = await simulateStack(stack, { config: overrides, site });
  const resources = withDefaultProviders(stack, simulation.resources, overrides);
  const violations = await analyze(resources, {
    policies,
    config: policyConfigFor(stack),
    defaultEnforcementLevel: packEnforcementLevel,
  });
  return {
    stack,
    standIns: site === "as-is" ? [] : withStandIns(stack, stackFile(stack)).replaced.filter((key) => !(key in overrides)),
    resources: resources.map(({ type, name, urn, inputs }) => ({ type, name, urn, inputs })),
    violations,
  };
}

const mandatoryCount = (reports: StackReport[]) =>
  reports.flatMap((report) => report.violations).filter((violation) => violation.enforcementLevel === "mandatory").length;

function printReport(report: StackReport): void {
  const count = (level: string) => report.violations.filter((violation) => violation.enforcementLevel === level).length;
  console.log(`${report.stack}: ${report.resources.length} resources, ${count("mandatory")} mandatory, ${count("advisory")} advisory violation(s)`);
  if (report.standIns.length > 0) console.log(`  (placeholders replaced by stand-ins, which \`pulumi up\` refuses until you set them: ${report.standIns.join(", ")})`);
  for (const violation of report.violations) {
    const where = violation.resource ? `${violation.resource.type} "${violation.resource.name}"` : "(stack)";
    console.log(`  [${violation.enforcementLevel}] ${violation.policy}  ${where}\n      ${violation.message}`);
  }
}

function parseOverrides(pairs: string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf("=");
      if (at < 1) throw new Error(`--config expects key=value, got "${pair}"`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string", multiple: true },
      json: { type: "boolean", default: false },
      config: { type: "string", multiple: true },
      "as-is": { type: "boolean", default: false },
    },
  });
  const wanted = (values.stack ?? [...stacks]) as StackName[];
  const unknown = wanted.filter((stack) => !stacks.includes(stack));
  if (unknown.length > 0) throw new Error(`unknown stack(s): ${unknown.join(", ")}; known: ${stacks.join(", ")}`);
  const overrides = parseOverrides(values.config ?? []);

  const started = performance.now();
  const reports: StackReport[] = [];
  for (const stack of wanted) reports.push(await checkStack(stack, overrides, values["as-is"] ? "as-is" : "stand-in"));
  const mandatory = mandatoryCount(reports);

  if (values.json) {
    console.log(JSON.stringify({ mandatoryViolations: mandatory, stacks: reports }, null, 2));
  } else {
    for (const report of reports) printReport(report);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`\n${mandatory === 0 ? "PASS" : "FAIL"}: ${mandatory} mandatory violation(s) across ${reports.length} stack(s) in ${seconds} s`);
  }
  return mandatory > 0 ? 1 : 0;
}

if (import.meta.main) {
  try {
    process.exitCode = await main();
  } catch (error) {
    console.error(`policy check failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  }
}
