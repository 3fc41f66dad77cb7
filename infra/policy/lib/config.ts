import type { PolicyConfigSchema, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/**
 * A policy's configuration with the schema's defaults filled in. The Pulumi CLI fills defaults in
 * only when a pack config is given at all, so every policy reads its settings through here.
 */
export function configOf<T extends object>(
  schema: PolicyConfigSchema,
  args: Pick<ResourceValidationArgs | StackValidationArgs, "getConfig">,
): T {
  const defaults: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema.properties)) {
    if (property.default !== undefined) defaults[key] = property.default;
  }
  return { ...defaults, ...args.getConfig<Partial<T>>() } as T;
}

/** A config property listing strings, e.g. environments or registries. */
export function stringList(description: string, defaults: string[]): PolicyConfigJSONSchema {
  return { type: "array", items: { type: "string" }, uniqueItems: true, default: defaults, description };
}
