import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { join } from "node:path";

interface Statement {
  Sid?: string;
  [field: string]: unknown;
}

/** infra/upstream/iam/<controller>/provenance.json: where the policy came from, and how upstream deploys it. */
export interface UpstreamIam {
  repository: string;
  tag: string;
  commit: string;
  /** The chart version the policy belongs to: the add-on must pin the same. */
  chartVersion: string;
  /** `${...}` placeholders the statements use, e.g. `${AWS::Partition}`, `${ClusterName}`. */
  placeholders: string[];
  /** Upstream splits the statements into several managed policies (each has a size limit). */
  policies?: { resource: string; sids: string[] }[];
  nodeRole?: { managedPolicyArns: string[] };
  interruptionRules?: { rule: string; eventPattern: Record<string, string[]> }[];
}

const UPSTREAM_IAM = join(import.meta.dirname, "upstream", "iam");

const read = <T>(controller: string, file: string): T => JSON.parse(readFileSync(join(UPSTREAM_IAM, controller, file), "utf8")) as T;

/** A controller's IAM facts as its repository publishes them at the pinned version (infra/upstream/iam). */
export function upstreamIam(controller: string): UpstreamIam {
  return read<UpstreamIam>(controller, "provenance.json");
}

/** A controller's policy document as upstream publishes it, placeholders and all. */
export function upstreamPolicy(controller: string): { Statement: Statement[] } {
  return read<{ Statement: Statement[] }>(controller, "policy.json");
}

/** Replaces `${name}` with `values[name]`; the caller guarantees every placeholder has a value. */
export function substitute(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{([^}]+)\}/g, (match, name: string) => values[name] ?? match);
}

/**
 * The controller's policy documents, split as upstream splits them, with every placeholder
 * replaced. A placeholder left without a value fails the program, so a new upstream placeholder
 * cannot reach AWS as literal text. `scope` replaces a statement's `"Resource": "*"` with the ARNs
 * the stack uses: upstream writes for any account, the stack grants only what it needs.
 */
function controllerPolicies(controller: string, values: Record<string, pulumi.Input<string>>, scope?: pulumi.Input<string[]>): Record<string, pulumi.Output<string>> {
  const iam = upstreamIam(controller);
  const { Statement: statements } = upstreamPolicy(controller);
  const missing = iam.placeholders.map((p) => p.slice(2, -1)).filter((name) => !(name in values));
  if (missing.length > 0) throw new Error(`${controller}'s upstream IAM policy (${iam.tag}) needs values for ${missing.join(", ")}`);
  const groups = iam.policies ?? [{ resource: "policy", sids: statements.map((s) => s.Sid ?? "") }];
  const resolved = pulumi.all([pulumi.all(values), scope]);
  return Object.fromEntries(groups.map(({ resource, sids }) => {
    const selected = statements.filter((s) => sids.includes(s.Sid ?? ""));
    return [resource, resolved.apply(([v, arns]) => {
      const scoped = selected.map((s) => (arns && s.Resource === "*" ? { ...s, Resource: arns } : s));
      return substitute(JSON.stringify({ Version: "2012-10-17", Statement: scoped }), v);
    })];
  }));
}

/**
 * Gives `role` the upstream policies of `upstream` (infra/upstream/iam), named `<name>-<policy>`:
 * as managed policies (each has room for 6,144 characters, which Karpenter's need) or inline ones
 * (the role's own). Create what uses the role after them.
 */
export function attachUpstreamPolicies(
  role: aws.iam.Role,
  name: string,
  upstream: string,
  options: { values?: Record<string, pulumi.Input<string>>; scope?: pulumi.Input<string[]>; inline?: boolean },
  opts: pulumi.CustomResourceOptions,
): pulumi.CustomResource[] {
  return Object.entries(controllerPolicies(upstream, options.values ?? {}, options.scope)).map(([policyName, policy]) => {
    if (options.inline) return new aws.iam.RolePolicy(`${name}-${policyName}`, { role: role.id, policy }, opts);
    const managed = new aws.iam.Policy(`${name}-${policyName}`, { policy }, opts);
    return new aws.iam.RolePolicyAttachment(`${name}-${policyName}`, { role: role.name, policyArn: managed.arn }, opts);
  });
}

/** The IAM role a controller's service account assumes (IRSA), with the controller's upstream policies as managed ones. */
export function controllerRole(
  cluster: { serviceAccountRole(name: string, namespace: string, serviceAccount: string, opts: pulumi.CustomResourceOptions): aws.iam.Role },
  name: string,
  controller: { upstream: string; namespace: string; serviceAccount: string; values?: Record<string, pulumi.Input<string>> },
  opts: pulumi.CustomResourceOptions,
): { role: aws.iam.Role; policies: pulumi.CustomResource[] } {
  const role = cluster.serviceAccountRole(`${name}-controller`, controller.namespace, controller.serviceAccount, opts);
  return { role, policies: attachUpstreamPolicies(role, name, controller.upstream, { values: controller.values }, opts) };
}
