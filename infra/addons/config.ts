import * as pulumi from "@pulumi/pulumi";
import { CIDR } from "../config.ts";

/**
 * The add-ons' stack config, `mlts:addons` in `Pulumi.<stack>.yaml`. A key left out takes the
 * default written next to it; defaults are the safe choice (no chaos, no canary traffic). One key
 * has none: `gateway.allowedCidrs`, who may reach the API.
 */
export interface AddonsConfig {
  /**
   * The Istio ingress gateway, the API's only entry: an internet-facing NLB that admits only
   * `allowedCidrs` (required: `[0.0.0.0/0]` for a public API, your office/VPN ranges otherwise).
   */
  gateway: { allowedCidrs: string[] };
  /** Chaos Mesh and its scheduled experiments: staging only. */
  chaos: { enabled: boolean };
  canary: {
    /** The rollout ladder (seed 001): each step's share of traffic for the canary subset. */
    steps: number[];
    /** Current canary share in percent: 0 (no canary) or one of `steps`. */
    weight: number;
  };
  /** Limits at the ingress gateway, in the API's own notation ("200/min"), matching its RATE_LIMIT_*. */
  rateLimits: Record<RateLimitName, string>;
  /** KEDA's range for the worker; minReplicas 0 lets an idle worker scale to zero (dev). */
  worker: { minReplicas: number; maxReplicas: number; jobsPerReplica: number };
  observability: { retention: string; storageGiB: number };
  tracing: { samplingRatio: number };
}

export const RATE_LIMIT_NAMES = ["perIp", "login", "register", "predict", "batch"] as const;
export type RateLimitName = (typeof RATE_LIMIT_NAMES)[number];

type Raw = Record<string, unknown>;

class AddonsConfigError extends Error {
  constructor(key: string, problem: string) {
    super(`Invalid stack config mlts:addons.${key}: ${problem}`);
  }
}

const asObject = (v: unknown): Raw => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Raw) : {});

/** One value under `mlts:addons`, its default when absent, and a check that names the key when wrong. */
function read<T>(raw: Raw, path: string, fallback: T, valid: (v: unknown) => boolean, expected: string): T {
  const value = path.split(".").reduce<unknown>((node, key) => asObject(node)[key], raw);
  if (value === undefined || value === null) return fallback;
  if (!valid(value)) throw new AddonsConfigError(path, `must be ${expected}, got ${JSON.stringify(value)}`);
  return value as T;
}

/** A value with no default: who may reach a public endpoint is never guessed. */
function required<T>(raw: Raw, path: string, valid: (v: unknown) => boolean, expected: string): T {
  const value = read<T | undefined>(raw, path, undefined, valid, expected);
  if (value === undefined) throw new AddonsConfigError(path, `is required (${expected})`);
  return value;
}

const isInt = (min: number, max: number) => (v: unknown) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
const RATE = /^\d+\/(s|sec|min|h|hour)$/;

export function loadAddonsConfig(config = new pulumi.Config("mlts")): AddonsConfig {
  const raw = asObject(config.getObject<unknown>("addons"));
  const steps = read(raw, "canary.steps", [5, 10, 25, 50, 100], (v) => Array.isArray(v) && v.length > 0 && v.every(isInt(1, 100)) && v.at(-1) === 100, "a list of percentages ending at 100");
  const minReplicas = read(raw, "worker.minReplicas", 1, isInt(0, 100), "an integer from 0 to 100");
  const defaults: Record<RateLimitName, string> = { perIp: "200/min", login: "10/min", register: "5/hour", predict: "30/min", batch: "10/hour" };
  return {
    chaos: { enabled: read(raw, "chaos.enabled", false, (v) => typeof v === "boolean", "true or false") },
    canary: { steps, weight: read(raw, "canary.weight", 0, (v) => v === 0 || steps.includes(v as number), `0 or one of ${steps.join(", ")}`) },
    rateLimits: Object.fromEntries(
      RATE_LIMIT_NAMES.map((name) => [name, read(raw, `rateLimits.${name}`, defaults[name], (v) => typeof v === "string" && RATE.test(v), "like 200/min or 5/hour")]),
    ) as Record<RateLimitName, string>,
    worker: {
      minReplicas,
      maxReplicas: read(raw, "worker.maxReplicas", Math.max(minReplicas, 5), isInt(Math.max(minReplicas, 1), 500), `an integer from ${Math.max(minReplicas, 1)} to 500`),
      jobsPerReplica: read(raw, "worker.jobsPerReplica", 20, isInt(1, 10_000), "an integer from 1 to 10000"),
    },
    observability: {
      retention: read(raw, "observability.retention", "7d", (v) => typeof v === "string" && /^\d+[dhw]$/.test(v), "a duration like 15d"),
      storageGiB: read(raw, "observability.storageGiB", 20, isInt(5, 10_000), "an integer from 5 to 10000"),
    },
    tracing: { samplingRatio: read(raw, "tracing.samplingRatio", 0.1, (v) => typeof v === "number" && v >= 0 && v <= 1, "a number from 0 to 1") },
    gateway: { allowedCidrs: required(raw, "gateway.allowedCidrs", (v) => Array.isArray(v) && v.length > 0 && v.every((c) => typeof c === "string" && CIDR.test(c)), "a non-empty list of IPv4 CIDRs") },
  };
}
