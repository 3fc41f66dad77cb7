import type { StackValidationPolicy } from "@pulumi/policy";
import { describe } from "../lib/resources.ts";
import { albAnnotation, internetFacing } from "../lib/load-balancers.ts";

export const kubernetesIngressRequireWaf: StackValidationPolicy = {
  name: "kubernetes-ingress-require-waf",
  description:
    "Every internet-facing ALB (an Ingress the AWS Load Balancer Controller turns into one) names a WAFv2 web ACL the stack creates: the controller, " +
    "which owns the ALB, keeps only the ACL its Ingress names attached.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, reportViolation) => {
    const acls = args.resources.filter((r) => r.type === "aws:wafv2/webAcl:WebAcl");
    for (const ingress of args.resources.filter((r) => internetFacing(r) === "alb")) {
      const arn = albAnnotation(ingress.props, "wafv2-acl-arn");
      // An ACL's ARN is known after `pulumi up`; offline and in a preview it is not, and the Ingress
      // must at least depend on a web ACL of the stack.
      const named = acls.some((acl) => (acl.props.arn !== undefined ? acl.props.arn === arn : ingress.dependencies.some((d) => d.urn === acl.urn)));
      if (!arn || !named) reportViolation(`${describe(ingress)} is an internet-facing ALB with no web ACL of the stack (wafv2-acl-arn).`, ingress.urn);
    }
  },
};
