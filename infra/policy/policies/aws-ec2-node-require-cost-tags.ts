import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, stringList } from "../lib/config.ts";
import { describe } from "../lib/resources.ts";

interface Config { requiredTags: string[] }
const configSchema = {
  properties: {
    requiredTags: stringList("Tag keys every instance and volume the cluster launches must carry.", ["environment", "owner", "cost-center"]),
  },
};

/** What EC2 launches for a launch template or a Karpenter node class, which no provider default tag reaches. */
const LAUNCHED = ["instance", "volume"];

export const awsEc2NodeRequireCostTags: ResourceValidationPolicy = {
  name: "aws-ec2-node-require-cost-tags",
  description:
    "Launch templates and Karpenter EC2NodeClasses tag the instances and volumes they launch with the cost tags: EC2 does not copy the provider's default " +
    "tags onto them, and untagged nodes are the biggest line of the bill no one can attribute.",
  enforcementLevel: "mandatory",
  severity: "low",
  configSchema,
  validateResource: (args, reportViolation) => {
    const { requiredTags } = configOf<Config>(configSchema, args);
    const missing = (tags: Record<string, unknown> | undefined) => requiredTags.filter((key) => !tags?.[key]);
    if (args.type === "aws:ec2/launchTemplate:LaunchTemplate") {
      const specs = (args.props.tagSpecifications ?? []) as { resourceType?: string; tags?: Record<string, string> }[];
      for (const resourceType of LAUNCHED) {
        const lacking = missing(specs.find((s) => s.resourceType === resourceType)?.tags);
        if (lacking.length > 0) reportViolation(`${describe(args)} does not tag launched ${resourceType}s with ${lacking.join(", ")} (tagSpecifications).`);
      }
    } else if (args.type === "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass") {
      const lacking = missing((args.props.spec as { tags?: Record<string, string> } | undefined)?.tags);
      if (lacking.length > 0) reportViolation(`${describe(args)} does not tag the nodes it launches with ${lacking.join(", ")} (spec.tags).`);
    }
  },
};
