import type { ReportViolation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";

/**
 * A validation that runs only for the given type tokens (`aws:rds/instance:Instance`, ...), with
 * the props typed by the caller. Policies name types as strings rather than importing
 * `@pulumi/aws` / `@pulumi/kubernetes` classes, so the pack loads without those SDKs.
 */
export function validateTypes<TProps>(
  types: readonly string[],
  validate: (props: TProps, args: ResourceValidationArgs, reportViolation: ReportViolation) => void,
): ResourceValidation {
  return (args, reportViolation) => {
    if (types.includes(args.type)) validate(args.props as TProps, args, reportViolation);
  };
}

/** A resource's display name in messages: `type name`. */
export function describe(resource: { type: string; name: string }): string {
  return `${resource.type} "${resource.name}"`;
}
