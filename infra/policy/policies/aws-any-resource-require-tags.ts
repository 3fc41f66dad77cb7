import type { ResourceValidationPolicy } from "@pulumi/policy";
import { effectiveTags } from "../lib/aws.ts";
import taggable from "../lib/aws-taggable-types.json";
import { configOf, stringList } from "../lib/config.ts";
import { describe } from "../lib/resources.ts";

interface Config {
  requiredTags: string[];
}

const configSchema = {
  properties: {
    requiredTags: stringList("Tag keys every taggable AWS resource must carry.", ["environment", "owner", "cost-center"]),
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
    // Components such as eks:index:Cluster are not listed: the AWS resources they create are,
    // and get the provider's defaultTags like any other.
    if (!taggableTypes.has(args.type)) return;
    const { requiredTags } = configOf<Config>(configSchema, args);
    const tags = effectiveTags(args.props, args.provider);
    const missing = requiredTags.filter((key) => !tags[key]);
    if (missing.length > 0) {
      reportViolation(`${describe(args)} is missing tag(s): ${missing.join(", ")}.`);
    }
  },
};
