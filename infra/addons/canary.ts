// Canary releases by traffic weight (seed 001: 5 → 10 → 25 → 50 → 100 percent). The canary runs as
// its own Service, so the stable one keeps serving every request while no canary exists.

export interface WeightedBackend {
  /** Kubernetes Service name in the application namespace. */
  service: string;
  weight: number;
}

export const STABLE_SERVICE = "api";
export const CANARY_SERVICE = "api-canary";

/** Stable and canary shares for one step of the ladder; always 100 between them. */
export function canarySplit(canaryWeight: number): WeightedBackend[] {
  if (!Number.isInteger(canaryWeight) || canaryWeight < 0 || canaryWeight > 100) {
    throw new Error(`canary weight must be an integer percentage, got ${canaryWeight}`);
  }
  return [
    { service: STABLE_SERVICE, weight: 100 - canaryWeight },
    { service: CANARY_SERVICE, weight: canaryWeight },
  ];
}
