// The TypeScript types of the API, generated from its OpenAPI document by openapi-typescript:
// testing/api-schema.ts is what a client generated from the document sees (openapi-fetch reads
// it in test/services/api/contract.test.ts, which also checks that it is up to date).
//
// openapi-typescript builds its output with the TypeScript 5 compiler API, and the repository
// type-checks with TypeScript 7, whose package has no JavaScript API. So the generation runs in a
// process of its own (this file as its entry), in which `typescript` loads as typescript-5.
import { join } from "node:path";
import { runToEnd } from "./processes.ts";

export const API_TYPES_FILE = join(import.meta.dir, "api-schema.ts");

const BANNER = "// Generated from the API's OpenAPI document by openapi-typescript (testing/api-types.ts): do not edit.\n";

/** The types of `document`, as openapi-typescript writes them. */
export async function generateApiTypes(document: object): Promise<string> {
  const { stdout: types, stderr: errors, exitCode: code } = await runToEnd(["bun", import.meta.path], { stdin: new Blob([JSON.stringify(document)]) });
  if (code !== 0) throw new Error(`openapi-typescript failed: ${errors}`);
  return BANNER + types;
}

if (import.meta.main) {
  const typescript5 = Bun.resolveSync("typescript-5", import.meta.dir);
  const typescript7Entry = Bun.resolveSync("typescript", import.meta.dir).replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&");
  Bun.plugin({
    name: "typescript 5 for openapi-typescript",
    setup(build) {
      build.onLoad({ filter: new RegExp(`^${typescript7Entry}$`) }, () => ({ contents: `export { default } from ${JSON.stringify(typescript5)};`, loader: "js" }));
    },
  });
  const { default: openapiTS, astToString } = await import("openapi-typescript");
  const document = JSON.parse(await Bun.stdin.text());
  // A property with a default may be left out of a request: keep it optional in the types.
  process.stdout.write(astToString(await openapiTS(document, { defaultNonNullable: false })));
}
