// Fixtures for policy tests, handed to the policies through the same engine emulation the
// offline check uses (infra/policy/engine.ts), so args look exactly like the engine's.
import type { PolicyPackConfig, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { analyze, type RegisteredResource } from "../../infra/policy/engine.ts";

export interface FixtureOptions {
  stack?: string;
  name?: string;
  dependsOn?: RegisteredResource[];
  propertyDependencies?: Record<string, RegisteredResource[]>;
  provider?: RegisteredResource;
  parent?: RegisteredResource;
  /** Pulumi's `protect` resource option. */
  protect?: boolean;
}

export function resource(type: string, inputs: Record<string, unknown>, options: FixtureOptions = {}): RegisteredResource {
  const name = options.name ?? type.split(":").pop()?.toLowerCase() ?? "resource";
  const urnOf = (other: RegisteredResource) => other.urn;
  return {
    type,
    name,
    urn: `urn:pulumi:${options.stack ?? "dev"}::ml-task-scheduler::${type}::${name}`,
    inputs,
    ...(options.provider ? { provider: `${options.provider.urn}::provider-id` } : {}),
    ...(options.parent ? { parent: options.parent.urn } : {}),
    ...(options.protect === undefined ? {} : { protect: options.protect }),
    ...(options.dependsOn ? { dependsOn: options.dependsOn.map(urnOf) } : {}),
    ...(options.propertyDependencies
      ? { propertyDependencies: Object.fromEntries(Object.entries(options.propertyDependencies).map(([key, list]) => [key, list.map(urnOf)])) }
      : {}),
  };
}

/** The messages `policy` reports for `resources` (one resource or a whole stack). */
export async function check(
  policy: ResourceValidationPolicy | StackValidationPolicy,
  resources: RegisteredResource | RegisteredResource[],
  options: { config?: PolicyPackConfig; stackTags?: Record<string, string> } = {},
): Promise<string[]> {
  const violations = await analyze([resources].flat(), {
    policies: [policy],
    config: options.config,
    stackTags: new Map(Object.entries(options.stackTags ?? {})),
  });
  return violations.map((violation) => violation.message);
}
