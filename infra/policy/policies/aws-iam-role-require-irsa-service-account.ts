import type { StackValidationPolicy } from "@pulumi/policy";
import { helmReleases, releaseServiceAccounts } from "../lib/charts.ts";
import { kubernetesObjects } from "../lib/kubernetes.ts";
import { describe } from "../lib/resources.ts";

const SUBJECT = /^system:serviceaccount:([^:]+):([^:]+)$/;

/** The `<ns>/<name>` service accounts an IAM trust policy admits through the cluster's OIDC provider. */
function trustedServiceAccounts(assumeRolePolicy: unknown): string[] {
  if (typeof assumeRolePolicy !== "string") return []; // unknown until apply (preview): nothing to judge
  let policy: { Statement?: { Condition?: Record<string, Record<string, unknown>> }[] };
  try {
    policy = JSON.parse(assumeRolePolicy);
  } catch {
    return [];
  }
  return (policy.Statement ?? []).flatMap((statement) => Object.values(statement.Condition ?? {}).flatMap((condition) =>
    Object.entries(condition).filter(([key]) => key.endsWith(":sub")).flatMap(([, value]) => [value].flat())))
    .flatMap((subject) => {
      const match = typeof subject === "string" ? SUBJECT.exec(subject) : null;
      return match ? [`${match[1]}/${match[2]}`] : [];
    });
}

export const awsIamRoleRequireIrsaServiceAccount: StackValidationPolicy = {
  name: "aws-iam-role-require-irsa-service-account",
  description:
    "Every IAM role trusted through the cluster's OIDC provider (IRSA) names a service account the stack creates, itself or through a chart " +
    "(per the chart's upstream templates and the release's values): a role whose subject matches no service account is never assumed, and its controller fails.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, reportViolation) => {
    const accounts = new Set([
      ...kubernetesObjects(args.resources).filter((o) => o.kind === "ServiceAccount").map((o) => `${o.namespace}/${o.name}`),
      ...helmReleases(args.resources).flatMap(releaseServiceAccounts).map((sa) => `${sa.namespace}/${sa.name}`),
    ]);
    for (const role of args.resources.filter((r) => r.type === "aws:iam/role:Role")) {
      for (const subject of trustedServiceAccounts(role.props.assumeRolePolicy)) {
        if (!accounts.has(subject)) {
          const namespace = subject.split("/")[0];
          const there = [...accounts].filter((account) => account.startsWith(`${namespace}/`)).sort();
          reportViolation(`${describe(role)} trusts service account ${subject}, which the stack does not create (in ${namespace}: ${there.join(", ") || "none"}).`, role.urn);
        }
      }
    }
  },
};
