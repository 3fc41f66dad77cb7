import type { StackValidationPolicy } from "@pulumi/policy";
import { attachedVia } from "../lib/aws.ts";
import { describe } from "../lib/resources.ts";

const WAIVER = "rotation-waiver";

export const awsSecretsManagerSecretRequireRotation: StackValidationPolicy = {
  name: "aws-secretsmanager-secret-require-rotation",
  description:
    `Every Secrets Manager secret the stack creates is rotated automatically (a SecretRotation), or carries a \`${WAIVER}\` tag saying how it is rotated instead.`,
  enforcementLevel: "mandatory",
  severity: "medium",
  validateStack: (args, reportViolation) => {
    const rotations = args.resources.filter((r) => r.type === "aws:secretsmanager/secretRotation:SecretRotation");
    for (const secret of args.resources.filter((r) => r.type === "aws:secretsmanager/secret:Secret")) {
      const rotated = rotations.some((rotation) => attachedVia(rotation, "secretId", secret));
      const waiver = (secret.props.tags as Record<string, string> | undefined)?.[WAIVER];
      if (!rotated && !waiver) reportViolation(`${describe(secret)} is never rotated: add a SecretRotation, or a ${WAIVER} tag with how it is rotated.`, secret.urn);
    }
  },
};
