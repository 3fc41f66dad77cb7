/**
 * Regenerates lib/aws-taggable-types.json from the installed @pulumi/aws: every resource whose
 * constructor accepts `tags`. Run after upgrading @pulumi/aws (a test fails until you do):
 *   bun infra/policy/generate-aws-taggable-types.ts
 */
import { Glob } from "bun";
import { dirname, join } from "node:path";

const awsRoot = dirname(Bun.resolveSync("@pulumi/aws/package.json", import.meta.dir));

async function scanTaggableTypes(): Promise<{ version: string; types: string[] }> {
  const { version } = (await Bun.file(join(awsRoot, "package.json")).json()) as { version: string };
  const types: string[] = [];
  for await (const file of new Glob("*/*.js").scan(awsRoot)) {
    const source = await Bun.file(join(awsRoot, file)).text();
    const type = /__pulumiType = '([^']+)'/.exec(source)?.[1];
    if (type && source.includes('resourceInputs["tags"]')) types.push(type);
  }
  return { version, types: types.sort() };
}

if (import.meta.main) {
  const out = join(import.meta.dir, "lib", "aws-taggable-types.json");
  const scanned = await scanTaggableTypes();
  await Bun.write(out, `${JSON.stringify(scanned, null, 1)}\n`);
  console.log(`${scanned.types.length} taggable types from @pulumi/aws ${scanned.version} -> ${out}`);
}
