import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { appliesToStack, environmentsSchema } from "../lib/environment.ts";
import { waitsFor } from "../lib/graph.ts";
import { describe } from "../lib/resources.ts";

const configSchema = { properties: { environments: environmentsSchema(["prod"]) } };

const DATABASES = ["aws:rds/instance:Instance", "aws:rds/cluster:Cluster"];

interface PlanProps { rules?: { copyActions?: { destinationVaultArn?: string }[] }[] }

/** The region a resource is created in: its explicit AWS provider's, else the stack's default provider's (when the engine shows it). */
function regionOf(resource: PolicyResource, resources: PolicyResource[]): string | undefined {
  const providerUrn = resource.provider?.urn;
  const provider = providerUrn
    ? resources.find((r) => r.urn === providerUrn)
    : resources.find((r) => r.type === "pulumi:providers:aws" && r.name.startsWith("default"));
  const region = provider?.props.region;
  return typeof region === "string" ? region : undefined;
}

export const awsBackupPlanRequireCrossRegionCopy: StackValidationPolicy = {
  name: "aws-backup-plan-require-cross-region-copy",
  description:
    "Every RDS database is selected by an AWS Backup plan that copies its backups to a vault in another region, in `environments` (prod): " +
    "point-in-time recovery and snapshots in the database's own region go down with that region.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema,
  validateStack: (args, reportViolation) => {
    if (!appliesToStack(configSchema, args)) return;
    const ofType = (type: string) => args.resources.filter((r) => r.type === type);
    const waits = (resource: PolicyResource, prerequisite: PolicyResource) => waitsFor(resource, prerequisite, args.resources);
    const vaults = ofType("aws:backup/vault:Vault");
    const allPlans = ofType("aws:backup/plan:Plan");
    const selections = ofType("aws:backup/selection:Selection");
    for (const database of args.resources.filter((r) => DATABASES.includes(r.type))) {
      const report = (problem: string) => reportViolation(`${describe(database)}: ${problem}`, database.urn);
      const plans = allPlans.filter((plan) => selections.some((s) => waits(s, database) && waits(s, plan)));
      if (plans.length === 0) {
        report("no AWS Backup plan selects it: its only backups are RDS's own, in its own region.");
        continue;
      }
      const copiesElsewhere = plans.some((plan) => {
        const destinations = ((plan.props as PlanProps).rules ?? []).flatMap((rule) => rule.copyActions ?? []);
        // A destination vault of the stack, known by its ARN in a simulation, by the plan's dependency on it in a preview.
        const from = regionOf(plan, args.resources);
        return destinations.some((copy) => vaults.some((vault) => {
          const isDestination = copy.destinationVaultArn === vault.props.arn || waits(plan, vault);
          const to = regionOf(vault, args.resources);
          return isDestination && to !== undefined && to !== from;
        }));
      });
      if (!copiesElsewhere) report("its AWS Backup plan copies no backup to a vault in another region (a rule's copyActions, to a vault created with another region's provider).");
    }
  },
};
