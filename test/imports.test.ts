// Boundaries between the folders, checked on the source (type-only imports included):
// - the worker shares the task contract, store and submit path with the API through
//   services/shared/, never by importing the API;
// - test/ holds tests, testing/ the helpers that tests, benchmarks and scripts share: nothing
//   outside test/ imports from it, and scripts/ are entry points that nothing imports.
import { expect, test } from "bun:test";
import { Glob } from "bun";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = join(import.meta.dir, "..");
/** `import … from "x"`, `export … from "x"`, `import "x"` and `import("x")`, type-only ones included. */
const SPECIFIER = /^\s*(?:import|export)\b[^"'`;]*?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm;

/** The repository files `file` imports (relative specifiers only: packages are not ours). */
async function importsOf(file: string): Promise<string[]> {
  const specifiers = [...(await Bun.file(file).text()).matchAll(SPECIFIER)].map(([, from, dynamic]) => from ?? dynamic!);
  return specifiers.filter((path) => path.startsWith(".")).map((path) => resolve(dirname(file), path));
}

/** Every file of this repository reachable from `entry`. */
async function importGraph(entry: string): Promise<Set<string>> {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    pending.push(...(await importsOf(file)));
  }
  return seen;
}

test("nothing the worker imports lives in services/api/", async () => {
  const graph = [...(await importGraph(join(ROOT, "services/worker/main.ts")))].map((file) => relative(ROOT, file));
  expect(graph).toContain("services/shared/tasks/store.ts"); // the walk follows the imports
  expect(graph.filter((file) => file.startsWith("services/api/"))).toEqual([]);
});

test("nothing outside test/ imports from test/, and nothing imports scripts/", async () => {
  const crossings: string[] = [];
  for (const folder of ["services", "testing", "bench", "scripts", "test", "infra"]) {
    for await (const path of new Glob(`${folder}/**/*.ts`).scan({ cwd: ROOT })) {
      if (path.includes("/generated/")) continue;
      for (const target of (await importsOf(join(ROOT, path))).map((file) => relative(ROOT, file))) {
        if ((target.startsWith("test/") && !path.startsWith("test/")) || target.startsWith("scripts/")) crossings.push(`${path} → ${target}`);
      }
    }
  }
  expect(crossings).toEqual([]);
});
