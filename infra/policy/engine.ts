/**
 * Runs the pack's policies the way the Pulumi engine's analyzer does (@pulumi/policy's server.js),
 * without the CLI: the same args shape, enforcement levels and policy config. pulumi-policy#445:
 * there is no official harness, so this is it, for the offline check and the tests alike.
 */
import type {
  EnforcementLevel,
  Policies,
  PolicyPackConfig,
  PolicyProviderResource,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

/** A resource as the program registered it (what `simulateStack` hands over), secrets already plain as the analyzer sees them. */
export interface RegisteredResource {
  type: string;
  name: string;
  urn: string;
  inputs: Record<string, unknown>;
  parent?: string | undefined;
  /** Provider reference, `<provider urn>::<id>`. */
  provider?: string | undefined;
  dependsOn?: string[] | undefined;
  propertyDependencies?: Record<string, string[]> | undefined;
  /** Pulumi's `protect` option. */
  protect?: boolean | undefined;
}

export interface Violation {
  policy: string;
  enforcementLevel: EnforcementLevel;
  /** The resource the violation is about; null when it is about the stack as a whole. */
  resource: { type: string; name: string; urn: string } | null;
  message: string;
}

export interface AnalyzeOptions {
  policies: Policies;
  /** Per-policy config in the `--policy-pack-config` format, `all` included. */
  config?: PolicyPackConfig | undefined;
  stackTags?: ReadonlyMap<string, string> | undefined;
  /** The pack's own default (PolicyPackArgs.enforcementLevel). */
  defaultEnforcementLevel?: EnforcementLevel | undefined;
}

class NotApplicable extends Error {}

const emptyOptions: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

/** The resource options the engine reports (only those the program's registrations carry). */
function optionsOf(resource: RegisteredResource): PolicyResourceOptions {
  return { ...emptyOptions, protect: resource.protect ?? false, ...(resource.parent ? { parent: resource.parent } : {}) };
}

/** Enforcement as the CLI resolves it: the policy's config, then `all`, then the policy, then the pack. */
function enforcementLevelOf(
  policy: { name: string; enforcementLevel?: EnforcementLevel | undefined },
  options: Pick<AnalyzeOptions, "config" | "defaultEnforcementLevel">,
): EnforcementLevel {
  const levelIn = (entry: PolicyPackConfig[string] | undefined) => (typeof entry === "string" ? entry : entry?.enforcementLevel);
  const level =
    levelIn(options.config?.[policy.name]) ?? levelIn(options.config?.all) ?? policy.enforcementLevel ?? options.defaultEnforcementLevel ?? "advisory";
  // A violation a remediation could not fix is reported as mandatory, as the engine does.
  return level === "remediate" ? "mandatory" : level;
}

function configFor(name: string, config: PolicyPackConfig | undefined) {
  return <T extends object>(): T => {
    const entry = config?.[name];
    if (!entry || typeof entry === "string") return {} as T;
    const { enforcementLevel: _level, ...properties } = entry;
    return properties as T;
  };
}

function notApplicable(reason?: string): never {
  throw new NotApplicable(reason);
}

const typeOf = (resourceClass: unknown) => (resourceClass as { __pulumiType?: string }).__pulumiType;

function providerOf(resource: RegisteredResource, byUrn: Map<string, RegisteredResource>): PolicyProviderResource | undefined {
  const urn = resource.provider?.split("::").slice(0, -1).join("::");
  const provider = urn ? byUrn.get(urn) : undefined;
  return provider && { type: provider.type, name: provider.name, urn: provider.urn, props: provider.inputs };
}

/** The `args` the engine passes to `validateResource`. */
function resourceArgs(
  resource: RegisteredResource,
  policyName: string,
  options: Pick<AnalyzeOptions, "config" | "stackTags">,
  provider?: PolicyProviderResource,
): ResourceValidationArgs {
  const props = resource.inputs;
  return {
    type: resource.type,
    props,
    urn: resource.urn,
    name: resource.name,
    opts: optionsOf(resource),
    ...(provider ? { provider } : {}),
    stackTags: options.stackTags ?? new Map(),
    isType: (resourceClass) => typeOf(resourceClass) === resource.type,
    asType: ((resourceClass: unknown) => (typeOf(resourceClass) === resource.type ? props : undefined)) as ResourceValidationArgs["asType"],
    getConfig: configFor(policyName, options.config),
    notApplicable,
  };
}

/** The `resources` the engine passes to `validateStack`, with parents and dependencies linked. */
function stackResources(resources: RegisteredResource[]): PolicyResource[] {
  const registered = new Map(resources.map((resource) => [resource.urn, resource]));
  const byUrn = new Map<string, PolicyResource>();
  const linked = resources.map((resource) => {
    const props = resource.inputs;
    const policyResource: PolicyResource = {
      type: resource.type,
      props,
      urn: resource.urn,
      name: resource.name,
      opts: optionsOf(resource),
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass) => typeOf(resourceClass) === resource.type,
      asType: ((resourceClass: unknown) => (typeOf(resourceClass) === resource.type ? props : undefined)) as PolicyResource["asType"],
    };
    const provider = providerOf(resource, registered);
    if (provider) policyResource.provider = provider;
    byUrn.set(resource.urn, policyResource);
    return { resource, policyResource };
  });
  const lookup = (urns: string[] = []) => urns.flatMap((urn) => byUrn.get(urn) ?? []);
  for (const { resource, policyResource } of linked) {
    const parent = resource.parent ? byUrn.get(resource.parent) : undefined;
    if (parent) policyResource.parent = parent;
    policyResource.dependencies = lookup(resource.dependsOn);
    for (const [property, urns] of Object.entries(resource.propertyDependencies ?? {})) {
      policyResource.propertyDependencies[property] = lookup(urns);
    }
  }
  return linked.map(({ policyResource }) => policyResource);
}

/** The `args` the engine passes to `validateStack`. */
function stackArgs(
  resources: PolicyResource[],
  policyName: string,
  options: Pick<AnalyzeOptions, "config" | "stackTags">,
): StackValidationArgs {
  return {
    resources,
    stackTags: options.stackTags ?? new Map(),
    getConfig: configFor(policyName, options.config),
    notApplicable,
  };
}

/** As the engine does, a policy that declares itself not applicable has simply nothing to report. */
async function unlessNotApplicable(validate: () => void | Promise<void>): Promise<void> {
  try {
    await validate();
  } catch (error) {
    if (!(error instanceof NotApplicable)) throw error;
  }
}

const isStackPolicy = (policy: ResourceValidationPolicy | StackValidationPolicy): policy is StackValidationPolicy =>
  "validateStack" in policy && typeof policy.validateStack === "function";

/** Every violation of every enabled policy: each resource through validateResource, then the stack. */
export async function analyze(resources: RegisteredResource[], options: AnalyzeOptions): Promise<Violation[]> {
  const violations: Violation[] = [];
  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  const linked = stackResources(resources);
  for (const policy of options.policies) {
    const enforcementLevel = enforcementLevelOf(policy, options);
    if (enforcementLevel === "disabled") continue;
    const report = (resource: { type: string; name: string; urn: string } | undefined) => (message: string) =>
      violations.push({ policy: policy.name, enforcementLevel, resource: resource ? { type: resource.type, name: resource.name, urn: resource.urn } : null, message });
    try {
      if (isStackPolicy(policy)) {
        const args = stackArgs(linked, policy.name, options);
        await unlessNotApplicable(() => policy.validateStack(args, (message, urn) => report(urn ? byUrn.get(urn) : undefined)(message)));
        continue;
      }
      const validations = [policy.validateResource ?? []].flat();
      for (const resource of resources) {
        const args = resourceArgs(resource, policy.name, options, providerOf(resource, byUrn));
        for (const validate of validations) await unlessNotApplicable(() => validate(args, report(resource)));
      }
    } catch (error) {
      throw new Error(`policy ${policy.name} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  return violations;
}

