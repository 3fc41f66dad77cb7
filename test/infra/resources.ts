import type { SimulatedResource, Simulation } from "../../infra/testing/simulate.ts";

/** A resource's inputs: arbitrary provider JSON, loosely typed so tests can reach into nested fields. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Inputs = Record<string, any>;

export function ofType(sim: Simulation, type: string): SimulatedResource[] {
  return sim.resources.filter((r) => r.type === type);
}

/** Inputs of every resource of this type. */
export function inputsOf(sim: Simulation, type: string): Inputs[] {
  return ofType(sim, type).map((r) => r.inputs as Inputs);
}

/** Inputs of the single resource of this type; fails the test if there is not exactly one. */
export function only(sim: Simulation, type: string): Inputs {
  const found = inputsOf(sim, type);
  if (found.length !== 1) throw new Error(`${sim.stack}: expected one ${type}, found ${found.length}`);
  return found[0]!;
}

/** A Kubernetes object by kind and metadata.name. */
export function k8s(sim: Simulation, kind: string, name: string): Inputs {
  return k8sResource(sim, kind, name).inputs as Inputs;
}

export function typeCounts(sim: Simulation): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of sim.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}

/** A Kubernetes object's simulated resource (URN, dependencies) by kind and metadata.name. */
export function k8sResource(sim: Simulation, kind: string, name: string): SimulatedResource {
  const found = sim.resources.find((r) => r.type.endsWith(`:${kind}`) && (r.inputs as Inputs).metadata?.name === name);
  if (!found) throw new Error(`${sim.stack}: no ${kind}/${name}`);
  return found;
}

/** A workload by name: the api is an Argo Rollout, the worker a Deployment. */
export function workload(sim: Simulation, name: string): Inputs {
  const found = sim.resources.find((r) => /:(Deployment|Rollout)$/.test(r.type) && (r.inputs as Inputs).metadata?.name === name);
  if (!found) throw new Error(`${sim.stack}: no Deployment or Rollout ${name}`);
  return found.inputs as Inputs;
}

/** The Helm release of `chart` (as the release names it: "kube-prometheus-stack", "oci://…/karpenter"). */
export function release(sim: Simulation, chart: string): SimulatedResource {
  return ofType(sim, "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === chart)!;
}
