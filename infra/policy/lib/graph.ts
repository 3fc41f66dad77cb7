import type { PolicyResource } from "@pulumi/policy";

/**
 * Everything `resource` waits for before it is created: its dependencies, its parent's, and
 * theirs, and for a resource with a provider, what the provider waits for (the engine orders a
 * resource after its provider, and the provider after its own dependencies).
 */
export function prerequisitesOf(resource: PolicyResource, all: PolicyResource[]): Set<string> {
  // Policies ask about the same stack again and again (each pair they compare): walk each resource once.
  let walked = graphs.get(all);
  if (!walked) graphs.set(all, (walked = { byUrn: new Map(all.map((r) => [r.urn, r])), prerequisites: new Map() }));
  const known = walked.prerequisites.get(resource.urn);
  if (known) return known;
  const { byUrn } = walked;
  const seen = new Set<string>();
  const visit = (r: PolicyResource | undefined): void => {
    if (!r) return;
    for (const next of [...r.dependencies, ...(r.parent ? [r.parent] : []), ...providerOf(r, byUrn)]) {
      if (seen.has(next.urn)) continue;
      seen.add(next.urn);
      visit(byUrn.get(next.urn) ?? next);
    }
  };
  visit(resource);
  walked.prerequisites.set(resource.urn, seen);
  return seen;
}

/** Per stack (its resource list): resources by URN, and each resource's prerequisites once walked. */
const graphs = new WeakMap<PolicyResource[], { byUrn: Map<string, PolicyResource>; prerequisites: Map<string, Set<string>> }>();

/** True when `resource` is created only after `prerequisite`. */
export function waitsFor(resource: PolicyResource, prerequisite: PolicyResource, all: PolicyResource[]): boolean {
  return prerequisitesOf(resource, all).has(prerequisite.urn);
}

/** The provider resource a resource uses, when the stack holds it. */
function providerOf(resource: PolicyResource, byUrn: Map<string, PolicyResource>): PolicyResource[] {
  const urn = resource.provider?.urn;
  const provider = urn ? byUrn.get(urn) : undefined;
  return provider ? [provider] : [];
}
