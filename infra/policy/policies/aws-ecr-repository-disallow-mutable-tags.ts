import type { ResourceValidationPolicy } from "@pulumi/policy";
import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { validateTypes } from "../lib/resources.ts";

// "IMMUTABLE_WITH_EXCLUSION" keeps tags immutable except for filters the team declares on purpose.
const immutable = ["IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"];

export const awsEcrRepositoryDisallowMutableTags: ResourceValidationPolicy = {
  name: "aws-ecr-repository-disallow-mutable-tags",
  description: "ECR repositories have immutable tags, so a tag always names the same image bytes.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: validateTypes<Unwrap<aws.ecr.RepositoryArgs>>(["aws:ecr/repository:Repository"], (props, _args, reportViolation) => {
    if (!immutable.includes(props.imageTagMutability ?? "MUTABLE")) {
      reportViolation(`ECR image tags are ${props.imageTagMutability ?? "MUTABLE (the default)"}: set imageTagMutability to IMMUTABLE.`);
    }
  }),
};
