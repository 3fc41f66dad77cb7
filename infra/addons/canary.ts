// Canary releases by traffic weight: the stable api takes what the canary does not. The canary runs
// as its own Service, so the stable one keeps serving every request while no canary exists.

export interface WeightedBackend {
  /** Kubernetes Service name in the application namespace. */
  service: string;
  weight: number;
}

/** The routes' backends for one step of the ladder: the stable alone at 0, else both, 100 between them. */
export function canarySplit(stable: string, canary: string, canaryWeight: number): WeightedBackend[] {
  if (!Number.isInteger(canaryWeight) || canaryWeight < 0 || canaryWeight > 100) {
    throw new Error(`canary weight must be an integer percentage, got ${canaryWeight}`);
  }
  if (canaryWeight === 0) return [{ service: stable, weight: 100 }];
  return [
    { service: stable, weight: 100 - canaryWeight },
    { service: canary, weight: canaryWeight },
  ];
}
