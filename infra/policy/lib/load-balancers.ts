// What makes a Kubernetes object an internet-facing load balancer on EKS.

import { annotationsOf } from "./kubernetes.ts";

const ALB = "alb.ingress.kubernetes.io";
const SERVICE = "service.beta.kubernetes.io";

/** An annotation of the AWS Load Balancer Controller on an object's props. */
export function albAnnotation(props: Record<string, unknown>, name: string): string | undefined {
  return annotationsOf(props)[`${ALB}/${name}`];
}

/**
 * "alb" for an Ingress of the `alb` class (spec.ingressClassName, or the legacy
 * `kubernetes.io/ingress.class` annotation the controller still honours) with the internet-facing
 * scheme; "service" for an internet-facing Service of type LoadBalancer; else undefined.
 *
 * Who makes a Service's load balancer decides its default: the AWS Load Balancer Controller (for
 * its class `service.k8s.aws/nlb`, or type `external`/`nlb-ip`) makes it internal unless the
 * scheme (or its legacy `aws-load-balancer-internal: "false"`) says otherwise; EKS's own
 * controller, which takes every other one, makes it internet-facing unless
 * `aws-load-balancer-internal` is set (to anything but "" or "false"), and ignores the scheme annotation.
 */
export function internetFacing(resource: { type: string; props: Record<string, unknown> }): "alb" | "service" | undefined {
  const annotations = annotationsOf(resource.props);
  if (resource.type === "kubernetes:networking.k8s.io/v1:Ingress") {
    const spec = resource.props.spec as { ingressClassName?: string } | undefined;
    const ingressClass = spec?.ingressClassName ?? annotations["kubernetes.io/ingress.class"];
    return ingressClass === "alb" && annotations[`${ALB}/scheme`] === "internet-facing" ? "alb" : undefined;
  }
  if (resource.type === "kubernetes:core/v1:Service") {
    const spec = resource.props.spec as { type?: string; loadBalancerClass?: string } | undefined;
    if (spec?.type !== "LoadBalancer") return undefined;
    const internal = annotations[`${SERVICE}/aws-load-balancer-internal`];
    const byController = spec.loadBalancerClass === "service.k8s.aws/nlb" || ["external", "nlb-ip"].includes(annotations[`${SERVICE}/aws-load-balancer-type`] ?? "");
    const facing = byController
      ? (annotations[`${SERVICE}/aws-load-balancer-scheme`] ?? (internal === "false" ? "internet-facing" : "internal")) === "internet-facing"
      : !internal || internal === "false";
    return facing ? "service" : undefined;
  }
  return undefined;
}
