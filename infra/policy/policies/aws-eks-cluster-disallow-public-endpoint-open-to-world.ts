import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isWorldCidr } from "../lib/aws.ts";
import { eksClusterSettings } from "../lib/eks.ts";
import { appliesToResource, environmentsSchema } from "../lib/environment.ts";

const configSchema = { properties: { environments: environmentsSchema(["prod"]) } };

export const awsEksClusterDisallowPublicEndpointOpenToWorld: ResourceValidationPolicy = {
  name: "aws-eks-cluster-disallow-public-endpoint-open-to-world",
  description: "In prod the EKS public API endpoint is off or limited to known CIDRs (never 0.0.0.0/0, the EKS default).",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema,
  validateResource: (args, reportViolation) => {
    const cluster = eksClusterSettings(args);
    if (!cluster?.publicEndpoint || !appliesToResource(configSchema, args)) return;
    const open = cluster.publicAccessCidrs.filter(isWorldCidr);
    if (open.length > 0) {
      reportViolation(`EKS public endpoint is open to ${open.join(", ")}: disable endpointPublicAccess or set publicAccessCidrs.`);
    }
  },
};
