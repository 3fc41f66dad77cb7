import type { ResourceValidationPolicy } from "@pulumi/policy";
import { effectiveTags } from "../lib/aws.ts";
import taggable from "../lib/aws-taggable-types.json";
import { configOf, stringList } from "../lib/config.ts";
import { describe } from "../lib/resources.ts";

interface Config {
  requiredTags: string[];
  additionalTypes: string[];
}

const configSchema = {
  properties: {
    requiredTags: stringList("Tag keys every taggable AWS resource must carry.", ["environment", "owner", "cost-center"]),
    // Components that pass `tags` on to their AWS children; under mocks only the component is seen.
    additionalTypes: stringList("Non-`aws:` types that take AWS tags.", ["eks:index:Cluster"]),
  },
};

const taggableTypes = new Set(taggable.types);

export const awsAnyResourceRequireTags: ResourceValidationPolicy = {
  name: "aws-any-resource-require-tags",
  description: "Taggable AWS resources carry the environment, owner and cost-center tags (own tags or provider defaultTags).",
  enforcementLevel: "mandatory",
  severity: "low",
  configSchema,
  validateResource: (args, reportViolation) => {
    const { requiredTags, additionalTypes } = configOf<Config>(configSchema, args);
    if (!taggableTypes.has(args.type) && !additionalTypes.includes(args.type)) return;
    const tags = effectiveTags(args.props, args.provider);
    const missing = requiredTags.filter((key) => !tags[key]);
    if (missing.length > 0) {
      reportViolation(`${describe(args)} is missing tag(s): ${missing.join(", ")}.`);
    }
  },
};
