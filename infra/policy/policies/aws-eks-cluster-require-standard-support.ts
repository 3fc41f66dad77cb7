import type { ResourceValidationPolicy } from "@pulumi/policy";
import eksVersions from "../../upstream/facts/eks-versions.json" with { type: "json" };
import { configOf } from "../lib/config.ts";

interface Config { minimumDaysLeft: number }
interface VersionFact { version: string; endOfStandardSupport: string }

const configSchema = {
  properties: {
    minimumDaysLeft: { type: "integer", minimum: 0, default: 30, description: "Days of standard support a version must have left." },
  },
} as const;

const versions = (eksVersions as { versions: VersionFact[] }).versions;

/** The cluster's Kubernetes version, whichever way the cluster was declared. */
function versionOf(type: string, props: Record<string, unknown>): string | undefined {
  if (type === "eks:index:Cluster" || type === "aws:eks/cluster:Cluster") return props.version as string | undefined;
  return undefined;
}

export const awsEksClusterRequireStandardSupport: ResourceValidationPolicy = {
  name: "aws-eks-cluster-require-standard-support",
  description:
    "EKS clusters run a Kubernetes version in standard support with at least `minimumDaysLeft` days to go (infra/upstream/facts/eks-versions.json): " +
    "past it, EKS charges extended support (six times the cluster price) and later upgrades the control plane by itself.",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema: configSchema as never,
  validateResource: (args, reportViolation) => {
    const version = versionOf(args.type, args.props);
    if (!["eks:index:Cluster", "aws:eks/cluster:Cluster"].includes(args.type)) return;
    const { minimumDaysLeft } = configOf<Config>(configSchema as never, args);
    const fact = versions.find((v) => v.version === version);
    if (!fact) return reportViolation(`EKS version ${version ?? "(default)"} is not in the known calendar (${versions.map((v) => v.version).join(", ")}): pin one of them.`);
    const daysLeft = Math.floor((Date.parse(fact.endOfStandardSupport) - Date.now()) / 86_400_000);
    if (daysLeft < minimumDaysLeft) {
      reportViolation(`EKS version ${version} ${daysLeft < 0 ? "left" : "leaves"} standard support on ${fact.endOfStandardSupport} (${daysLeft} days): upgrade to a newer version.`);
    }
  },
};
