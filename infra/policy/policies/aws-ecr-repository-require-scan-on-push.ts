import type { ResourceValidationPolicy } from "@pulumi/policy";
import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { validateTypes } from "../lib/resources.ts";

export const awsEcrRepositoryRequireScanOnPush: ResourceValidationPolicy = {
  name: "aws-ecr-repository-require-scan-on-push",
  description: "ECR repositories scan every image for vulnerabilities when it is pushed.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: validateTypes<Unwrap<aws.ecr.RepositoryArgs>>(["aws:ecr/repository:Repository"], (props, _args, reportViolation) => {
    if (props.imageScanningConfiguration?.scanOnPush !== true) {
      reportViolation("ECR scan on push is off: set imageScanningConfiguration.scanOnPush to true.");
    }
  }),
};
