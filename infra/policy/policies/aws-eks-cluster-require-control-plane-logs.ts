import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, stringList } from "../lib/config.ts";
import { eksClusterSettings } from "../lib/eks.ts";

interface Config {
  logTypes: string[];
}

const configSchema = {
  properties: {
    logTypes: stringList(
      "Control-plane log types that must be sent to CloudWatch (api, audit, authenticator, controllerManager, scheduler).",
      ["api", "audit", "authenticator"],
    ),
  },
};

export const awsEksClusterRequireControlPlaneLogs: ResourceValidationPolicy = {
  name: "aws-eks-cluster-require-control-plane-logs",
  description: "EKS clusters ship the api, audit and authenticator control-plane logs to CloudWatch.",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema,
  validateResource: (args, reportViolation) => {
    const cluster = eksClusterSettings(args);
    if (!cluster) return;
    const missing = configOf<Config>(configSchema, args).logTypes.filter((type) => !cluster.logTypes.includes(type));
    if (missing.length > 0) {
      reportViolation(`EKS control-plane logs missing: ${missing.join(", ")} (enabledClusterLogTypes).`);
    }
  },
};
