// What makes a Kubernetes object an internet-facing load balancer on EKS.

const ALB = "alb.ingress.kubernetes.io";

/** An annotation of the AWS Load Balancer Controller on an object's props. */
export function albAnnotation(props: Record<string, unknown>, name: string): string | undefined {
  return (props.metadata as { annotations?: Record<string, string> } | undefined)?.annotations?.[`${ALB}/${name}`];
}

/**
 * "alb" for an Ingress of the `alb` class with the internet-facing scheme, "service" for a Service
 * of type LoadBalancer that is not marked internal (EKS makes those internet-facing), else undefined.
 */
export function internetFacing(resource: { type: string; props: Record<string, unknown> }): "alb" | "service" | undefined {
  if (resource.type === "kubernetes:networking.k8s.io/v1:Ingress") {
    const spec = resource.props.spec as { ingressClassName?: string } | undefined;
    return spec?.ingressClassName === "alb" && albAnnotation(resource.props, "scheme") === "internet-facing" ? "alb" : undefined;
  }
  if (resource.type === "kubernetes:core/v1:Service") {
    const spec = resource.props.spec as { type?: string } | undefined;
    const annotations = (resource.props.metadata as { annotations?: Record<string, string> } | undefined)?.annotations ?? {};
    const internal = annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"] === "internal" || annotations["service.beta.kubernetes.io/aws-load-balancer-internal"] === "true";
    return spec?.type === "LoadBalancer" && !internal ? "service" : undefined;
  }
  return undefined;
}
