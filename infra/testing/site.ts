// Stand-ins for the values only a team can know. The stack files ship placeholders there
// (documentation address ranges, example domains, the `acme` org), which the program refuses; the
// offline runs put these in their place, and only there, so a team's real values are what gets
// checked once they have replaced the placeholders.
import { placeholderReason } from "../config.ts";

type Overrides = Record<string, string>;

/** Per stack, `pulumi config set --path` key → value (JSON where it is not a plain string). */
const DEPLOY_ROLE = "arn:aws:iam::210987654321:role/mlts-deploy";
const BREAK_GLASS_ROLE = "arn:aws:iam::210987654321:role/break-glass";

const STAND_INS: Record<string, Overrides> = {
  dev: {
    "mlts:cluster.publicAccessCidrs": '["100.64.10.0/24"]',
    "mlts:cluster.access.deployRole": DEPLOY_ROLE,
    "mlts:app.corsOrigin": "https://dev.mlts.internal",
    "mlts:addons.edge.allowedCidrs": '["100.64.10.0/24"]',
    "mlts:addons.observability.alertEmails": '["platform-oncall@mlts.internal"]',
  },
  staging: {
    "mlts:cluster.publicAccessCidrs": '["100.64.20.0/24"]',
    "mlts:cluster.access.deployRole": DEPLOY_ROLE,
    "mlts:cluster.access.breakGlassRole": BREAK_GLASS_ROLE,
    "mlts:images.promoteFrom": "mlts-platform/ml-task-scheduler/dev",
    "mlts:app.corsOrigin": "https://staging.mlts.internal",
    "mlts:addons.edge.allowedCidrs": '["100.64.20.0/24"]',
    "mlts:addons.edge.domain": "api.staging.mlts.internal",
    "mlts:addons.edge.hostedZone": "mlts.internal",
    "mlts:addons.observability.alertEmails": '["platform-oncall@mlts.internal"]',
  },
  prod: {
    "mlts:cluster.publicAccessCidrs": '["100.64.20.0/24"]',
    "mlts:cluster.access.deployRole": DEPLOY_ROLE,
    "mlts:cluster.access.breakGlassRole": BREAK_GLASS_ROLE,
    "mlts:images.promoteFrom": "mlts-platform/ml-task-scheduler/staging",
    "mlts:app.corsOrigin": "https://mlts.internal",
    "mlts:addons.edge.domain": "api.mlts.internal",
    "mlts:addons.edge.hostedZone": "mlts.internal",
    "mlts:addons.observability.alertEmails": '["platform-oncall@mlts.internal", "ml-team@mlts.internal"]',
  },
};

/** The value at a `mlts:section.a.b` key of flattened stack config, or undefined. */
function valueAt(config: Record<string, unknown>, key: string): unknown {
  const [root = "", ...path] = key.split(".");
  return path.reduce<unknown>((node, field) => (node as Record<string, unknown> | undefined)?.[field], config[root]);
}

/**
 * The overrides that replace each placeholder of `config` (the stack file as parsed) with its
 * stand-in, and the keys replaced. A key the team has set to a real value keeps it.
 */
export function withStandIns(stack: string, config: Record<string, unknown>): { overrides: Overrides; replaced: string[] } {
  const overrides: Overrides = {};
  for (const [key, standIn] of Object.entries(STAND_INS[stack] ?? {})) {
    const current = valueAt(config, key);
    const strings = Array.isArray(current) ? current : [current];
    if (strings.some((value) => typeof value === "string" && placeholderReason(value))) overrides[key] = standIn;
  }
  return { overrides, replaced: Object.keys(overrides) };
}
