// The worker shares the task contract, store and submit path with the API through services/shared/,
// never by importing the API: everything reachable from its entry point stays outside services/api/.
import { expect, test } from "bun:test";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = join(import.meta.dir, "../../..");
/** `import … from "x"`, `export … from "x"`, `import "x"` and `import("x")`, type-only ones included. */
const SPECIFIER = /^\s*(?:import|export)\b[^"'`;]*?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm;

/** Every file of this repository reachable from `entry` through imports of any kind, types included. */
async function importGraph(entry: string): Promise<Set<string>> {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, fromClause, dynamic] of (await Bun.file(file).text()).matchAll(SPECIFIER)) {
      const path = fromClause ?? dynamic!;
      if (path.startsWith(".")) pending.push(resolve(dirname(file), path));
    }
  }
  return seen;
}

test("nothing the worker imports lives in services/api/", async () => {
  const graph = [...(await importGraph(join(ROOT, "services/worker/main.ts")))].map((file) => relative(ROOT, file));
  expect(graph).toContain("services/shared/tasks/store.ts"); // the scan follows the imports
  expect(graph.filter((file) => file.startsWith("services/api/"))).toEqual([]);
});
