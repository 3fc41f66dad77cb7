import type { ResourceValidationPolicy } from "@pulumi/policy";
import { appliesToResource, environmentsSchema } from "../lib/environment.ts";
import { describe } from "../lib/resources.ts";
import { albAnnotation, internetFacing } from "../lib/load-balancers.ts";

const configSchema = { properties: { environments: environmentsSchema(["staging", "prod"]) } };

export const kubernetesIngressRequireHttps: ResourceValidationPolicy = {
  name: "kubernetes-ingress-require-https",
  description:
    "Internet-facing load balancers serve HTTPS only, in the environments listed: an ALB Ingress has a certificate, an HTTPS listener, and any HTTP listener " +
    "only redirects; no Service of type LoadBalancer faces the internet (a network load balancer passes plain HTTP and cannot carry a WAF).",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema,
  validateResource: (args, reportViolation) => {
    if (!appliesToResource(configSchema, args)) return;
    const facing = internetFacing(args);
    if (facing === "service") {
      reportViolation(`${describe(args)} is an internet-facing LoadBalancer Service: serve it through an HTTPS ALB Ingress instead.`);
    } else if (facing === "alb") {
      const certificate = albAnnotation(args.props, "certificate-arn");
      // Without listen-ports the controller listens on HTTPS 443 when a certificate is named, else on HTTP 80.
      const ports = JSON.parse(albAnnotation(args.props, "listen-ports") ?? (certificate ? '[{"HTTPS": 443}]' : '[{"HTTP": 80}]')) as Record<string, number>[];
      const protocols = ports.flatMap((port) => Object.keys(port));
      if (!protocols.includes("HTTPS") || !certificate) {
        reportViolation(`${describe(args)} has no HTTPS listener with a certificate (listen-ports, certificate-arn).`);
      }
      if (protocols.includes("HTTP") && !albAnnotation(args.props, "ssl-redirect")) {
        reportViolation(`${describe(args)} serves plain HTTP: answer it with a redirect (ssl-redirect).`);
      }
    }
  },
};
