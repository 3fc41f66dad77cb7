import { expect, test } from "bun:test";
import { Glob } from "bun";
import { basename, join } from "node:path";
import taggable from "../../infra/policy/lib/aws-taggable-types.json";
import { policies } from "../../infra/policy/policies/index.ts";

const root = join(import.meta.dir, "../..");
const files = (pattern: string) => Array.from(new Glob(pattern).scanSync(root)).map((file) => basename(file));

test("the pack collects every policy file once, each named after its file, described, with a default level", () => {
  const policyFiles = files("infra/policy/policies/*-*.ts").map((file) => file.replace(/\.ts$/, ""));
  expect(policies.map((policy) => policy.name).sort()).toEqual(policyFiles.sort());
  for (const policy of policies) {
    expect(policy.description.length).toBeGreaterThan(20);
    expect(["advisory", "mandatory"]).toContain(policy.enforcementLevel ?? "");
  }
});

test("every policy has a test file", () => {
  const tests = new Set(files("test/policy/policies/*.test.ts").map((file) => file.replace(/\.test\.ts$/, "")));
  expect(policies.map((policy) => policy.name).filter((name) => !tests.has(name))).toEqual([]);
});

test("the taggable-type list matches the installed @pulumi/aws (regenerate with generate-aws-taggable-types.ts)", async () => {
  const { version } = (await Bun.file(Bun.resolveSync("@pulumi/aws/package.json", root)).json()) as { version: string };
  expect(taggable.version).toBe(version);
});
