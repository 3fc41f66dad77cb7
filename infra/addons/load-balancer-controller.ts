import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Cluster } from "../cluster.ts";
import { controllerRole } from "../controller-iam.ts";
import type { Network } from "../network.ts";
import { type ChartSource, helmRelease } from "./helm.ts";

export const LOAD_BALANCER_CONTROLLER_CHART: ChartSource = {
  chart: "aws-load-balancer-controller",
  repository: "https://aws.github.io/eks-charts",
  version: "3.5.0",
  namespace: "kube-system",
};
const SERVICE_ACCOUNT = "aws-load-balancer-controller";
/** The IngressClass the chart creates: Ingresses of this class become ALBs. */
export const ALB_INGRESS_CLASS = "alb";

export interface LoadBalancerControllerArgs {
  provider: k8s.Provider;
  cluster: Cluster;
  network: Network;
  /** Two replicas where the cluster has room for them on separate nodes. */
  replicas: number;
}

/**
 * The AWS Load Balancer Controller: turns an Ingress into an ALB (listeners, certificate, WAF,
 * targets). Its IAM policy is the controller's own at the chart's version (infra/upstream/iam);
 * since v2.9 it includes the listener-attribute actions without which an ALB comes up with no
 * targets.
 */
export class LoadBalancerController extends pulumi.ComponentResource {
  /** Its webhooks validate Ingresses: create them after it. */
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: LoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:addons:LoadBalancerController", name, {}, opts);
    const parent = { parent: this };
    const { role, policies } = controllerRole(args.cluster, name, {
      upstream: "aws-load-balancer-controller",
      namespace: LOAD_BALANCER_CONTROLLER_CHART.namespace,
      serviceAccount: SERVICE_ACCOUNT,
    }, parent);
    this.release = helmRelease("aws-load-balancer-controller", LOAD_BALANCER_CONTROLLER_CHART, {
      clusterName: args.cluster.name,
      region: aws.getRegionOutput({}, parent).region,
      vpcId: args.network.vpcId,
      replicaCount: args.replicas,
      serviceAccount: { name: SERVICE_ACCOUNT, annotations: { "eks.amazonaws.com/role-arn": role.arn } },
      // No Service of ours is a LoadBalancer: nothing for its Service webhook to change.
      enableServiceMutatorWebhook: false,
    }, { parent: this, provider: args.provider, dependsOn: policies });
    this.registerOutputs({});
  }
}
