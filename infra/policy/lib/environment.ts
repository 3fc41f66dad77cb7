import type { PolicyConfigSchema, PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { configOf, stringList } from "./config.ts";

/**
 * Which environment a resource belongs to, in order of authority:
 * 1. the stack tag `environment` (`pulumi stack tag set environment prod`), for stacks whose name
 *    is not the environment (e.g. `prod-eu`);
 * 2. the resource's own `environment` tag (AWS tags or a Kubernetes label);
 * 3. the stack name, read from the URN the engine hands over (`urn:pulumi:<stack>::...`).
 */
export function environmentOf(args: Pick<ResourceValidationArgs, "urn" | "props" | "stackTags">): string {
  return args.stackTags.get("environment") ?? ownEnvironmentTag(args.props) ?? stackOfUrn(args.urn);
}

/** The environment of a whole stack, for stack policies (they get no URN of their own). */
function stackEnvironmentOf(args: Pick<StackValidationArgs, "resources" | "stackTags">): string {
  const first: PolicyResource | undefined = args.resources[0];
  return args.stackTags.get("environment") ?? (first ? stackOfUrn(first.urn) : "");
}

function stackOfUrn(urn: string): string {
  return urn.split("::")[0]?.replace(/^urn:pulumi:/, "") ?? "";
}

function ownEnvironmentTag(props: Record<string, unknown>): string | undefined {
  const tags = props.tags as Record<string, unknown> | undefined;
  const labels = (props.metadata as { labels?: Record<string, unknown> } | undefined)?.labels;
  const value = tags?.environment ?? labels?.environment;
  return typeof value === "string" ? value : undefined;
}

/** The `environments` config property shared by every environment-scoped policy. */
export function environmentsSchema(defaults: string[]) {
  return stringList("Environments (stack names or `environment` tags) where this rule applies.", defaults);
}

/** True when the policy's `environments` config includes this resource's environment. */
export function appliesToResource(schema: PolicyConfigSchema, args: ResourceValidationArgs): boolean {
  return configOf<{ environments: string[] }>(schema, args).environments.includes(environmentOf(args));
}

/** True when the policy's `environments` config includes this stack's environment. */
export function appliesToStack(schema: PolicyConfigSchema, args: StackValidationArgs): boolean {
  return configOf<{ environments: string[] }>(schema, args).environments.includes(stackEnvironmentOf(args));
}
