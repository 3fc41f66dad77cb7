import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, stringList } from "../lib/config.ts";
import { evaluateLifecyclePolicy, type Image, type LifecycleRule } from "../lib/ecr-lifecycle.ts";
import { validateTypes } from "../lib/resources.ts";

interface Config {
  releaseTagPatterns: string[];
}

const configSchema = {
  properties: {
    releaseTagPatterns: stringList("Tags downstream stacks put on the image they run (`*` a wildcard), as infra/registry.ts tags `release-<stack>`.", ["release-*"]),
  },
};

// The history to survive: a release two years old (prod can run an image that long), then 2,000
// builds, every other one an untagged manifest. Tags are 16 hex digits, as infra/registry.ts makes them.
const HISTORY_DAYS = 730;
const BUILDS = 2000;
const buildTag = (n: number) => n.toString(16).padStart(16, "0");

function history(releaseTag: string): { release: Image; images: Image[] } {
  const release: Image = { tags: [buildTag(0), releaseTag], pushedDaysAgo: HISTORY_DAYS };
  const builds = Array.from({ length: BUILDS }, (_, i): Image => ({
    tags: i % 2 === 0 ? [buildTag(i + 1)] : [],
    pushedDaysAgo: HISTORY_DAYS * (1 - (i + 1) / BUILDS),
  }));
  return { release, images: [release, ...builds] };
}

export const awsEcrLifecyclePolicyRequireReleaseRetention: ResourceValidationPolicy = {
  name: "aws-ecr-lifecyclepolicy-require-release-retention",
  description:
    "An ECR lifecycle policy never expires an image a downstream stack runs (tagged `release-<stack>`), however old and however many builds came " +
    "after it: staging and prod pull it by digest from this repository, and a rescheduled pod could no longer start.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema,
  validateResource: validateTypes<{ policy?: string | { rules?: LifecycleRule[] } }>(["aws:ecr/lifecyclePolicy:LifecyclePolicy"], (props, args, reportViolation) => {
    if (props.policy === undefined) return; // unknown until applied
    let rules: LifecycleRule[];
    try {
      rules = (typeof props.policy === "string" ? (JSON.parse(props.policy) as { rules?: LifecycleRule[] }) : props.policy).rules ?? [];
    } catch {
      reportViolation("The lifecycle policy is not valid JSON, so what it keeps cannot be checked.");
      return;
    }
    for (const pattern of configOf<Config>(configSchema, args).releaseTagPatterns) {
      const releaseTag = pattern.replaceAll("*", "prod");
      const { release, images } = history(releaseTag);
      const rule = evaluateLifecyclePolicy(rules, images).get(release);
      if (!rule) continue;
      reportViolation(
        `Rule ${rule.rulePriority} (${rule.description ? `"${rule.description}"` : "no description"}) ${rule.action.type === "transition" ? "archives" : "expires"} ` +
          `the image tagged "${releaseTag}" once it is ${HISTORY_DAYS} days and ${BUILDS} builds old, while a downstream stack may still run it: ` +
          `keep tags matching ${pattern} with a rule of lower rulePriority than any rule that selects them ` +
          `(tagStatus tagged, tagPatternList ["${pattern}"], imageCountMoreThan more than the stacks that promote).`,
      );
    }
  }),
};
