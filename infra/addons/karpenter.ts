import type { IEC2NodeClass } from "@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass";
import type { INodePool } from "@kubernetes-models/karpenter/karpenter.sh/v1/NodePool";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Cluster } from "../cluster.ts";
import type { Architecture, ClusterConfig } from "../config.ts";
import { controllerRole, substitute, upstreamIam } from "../controller-iam.ts";
import type { Network } from "../network.ts";
import { customResource } from "./custom-resource.ts";
import { type ChartSource, helmRelease } from "./helm.ts";

const KARPENTER_VERSION = "1.14.1";
const KARPENTER_REGISTRY = "oci://public.ecr.aws/karpenter";
export const KARPENTER_CHART: ChartSource = { chart: "karpenter", repository: KARPENTER_REGISTRY, version: KARPENTER_VERSION, namespace: "kube-system" };
/** The CRDs as a chart of their own, so that upgrading Karpenter upgrades them (Helm never upgrades a chart's crds/). */
export const KARPENTER_CRD_CHART: ChartSource = { ...KARPENTER_CHART, chart: "karpenter-crd" };
const SERVICE_ACCOUNT = "karpenter";
const NODE_CLASS = "default";

const KARPENTER_ARCH = { x86_64: "amd64", arm64: "arm64" } as const;

export interface KarpenterArgs {
  provider: k8s.Provider;
  cluster: Cluster;
  network: Network;
  nodePool: ClusterConfig["nodePool"];
  architecture: Architecture;
  /** Cost tags for every instance, volume and interface Karpenter launches. */
  tags: Record<string, string>;
  /** Controller replicas: one per system node, at most two (they must not share a node). */
  replicas: number;
}

/**
 * The node autoscaler (Karpenter): launches EC2 capacity for pods that do not fit the system node
 * group and removes it when it is idle. Its IAM (controller policies, node role policies) and the
 * interruption events it listens to are upstream's getting-started template at the chart's version
 * (infra/upstream/iam/karpenter); an SQS queue receives those events so nodes are drained before
 * EC2 takes them.
 *
 * Teardown: the NodePool and EC2NodeClass depend on the controller, so `pulumi destroy` deletes
 * them while the controller still runs, and their finalizers terminate every node it launched.
 */
export class Karpenter extends pulumi.ComponentResource {
  constructor(name: string, args: KarpenterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:addons:Karpenter", name, {}, opts);
    const parent = { parent: this };
    const { cluster } = args;
    const partition = aws.getPartitionOutput({}, parent).partition;
    const region = aws.getRegionOutput({}, parent).region;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;

    const queue = new aws.sqs.Queue(`${name}-interruptions`, { messageRetentionSeconds: 300, sqsManagedSseEnabled: true }, parent);
    new aws.sqs.QueuePolicy(`${name}-interruptions`, {
      queueUrl: queue.url,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "EventBridge", Effect: "Allow", Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] }, Action: "sqs:SendMessage", Resource: queue.arn },
          { Sid: "DenyHTTP", Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: queue.arn, Condition: { Bool: { "aws:SecureTransport": "false" } } },
        ],
      }),
    }, parent);
    const upstream = upstreamIam("karpenter");
    for (const { rule: ruleName, eventPattern } of upstream.interruptionRules ?? []) {
      const rule = new aws.cloudwatch.EventRule(`${name}-${ruleName}`, { eventPattern: JSON.stringify(eventPattern) }, parent);
      new aws.cloudwatch.EventTarget(`${name}-${ruleName}`, { rule: rule.name, arn: queue.arn }, parent);
    }

    const nodeRole = new aws.iam.Role(`${name}-nodes`, { assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ec2.amazonaws.com" }) }, parent);
    const nodePolicies = (upstream.nodeRole?.managedPolicyArns ?? []).map((arn) => new aws.iam.RolePolicyAttachment(`${name}-nodes-${arn.split("/").pop()}`, {
      role: nodeRole.name,
      policyArn: partition.apply((p) => substitute(arn, { "AWS::Partition": p })),
    }, parent));
    // Nodes join the cluster through an access entry (the cluster uses API authentication).
    const nodeAccess = new aws.eks.AccessEntry(`${name}-nodes`, { clusterName: cluster.name, principalArn: nodeRole.arn, type: "EC2_LINUX" }, parent);

    const identity = controllerRole(cluster, name, {
      upstream: "karpenter",
      namespace: KARPENTER_CHART.namespace,
      serviceAccount: SERVICE_ACCOUNT,
      values: {
        "AWS::Partition": partition,
        "AWS::Region": region,
        "AWS::AccountId": accountId,
        ClusterName: cluster.name,
        "KarpenterNodeRole.Arn": nodeRole.arn,
        "KarpenterInterruptionQueue.Arn": queue.arn,
      },
    }, parent);

    const k8sOpts = { parent: this, provider: args.provider };
    const crds = helmRelease("karpenter-crd", KARPENTER_CRD_CHART, {}, k8sOpts);
    const controller = helmRelease("karpenter", KARPENTER_CHART, {
      replicas: args.replicas,
      settings: { clusterName: cluster.name, interruptionQueue: queue.name },
      serviceAccount: { name: SERVICE_ACCOUNT, annotations: { "eks.amazonaws.com/role-arn": identity.role.arn } },
    }, { ...k8sOpts, dependsOn: [crds, ...identity.policies] }, { skipCrds: true });

    const nodeClassSpec = pulumi.all([pulumi.output(args.network.privateSubnetIds), cluster.securityGroupId, nodeRole.name])
      .apply(([subnetIds, securityGroupId, role]): IEC2NodeClass["spec"] => ({
        role,
        // Amazon Linux 2023, the EKS-optimized AMI for the cluster's version.
        amiSelectorTerms: [{ alias: "al2023@latest" }],
        subnetSelectorTerms: subnetIds.map((id) => ({ id })),
        securityGroupSelectorTerms: [{ id: securityGroupId }],
        // Hop limit 1 keeps pods away from the node's instance credentials; pods use IRSA instead.
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, httpProtocolIPv6: "disabled" },
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: `${args.nodePool.diskGiB}Gi`, volumeType: "gp3", encrypted: true, deleteOnTermination: true } }],
        tags: args.tags,
      }));
    const nodeClass = new k8s.apiextensions.CustomResource(`${name}-node-class`, {
      apiVersion: "karpenter.k8s.aws/v1",
      kind: "EC2NodeClass",
      metadata: { name: NODE_CLASS },
      spec: nodeClassSpec,
    }, { ...k8sOpts, dependsOn: [controller, nodeAccess, ...nodePolicies] });

    const nodePool: INodePool = {
      apiVersion: "karpenter.sh/v1",
      kind: "NodePool",
      metadata: { name: "default" },
      spec: {
        template: {
          spec: {
            nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: NODE_CLASS },
            requirements: [
              { key: "kubernetes.io/arch", operator: "In", values: [KARPENTER_ARCH[args.architecture]] },
              { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
              { key: "karpenter.sh/capacity-type", operator: "In", values: args.nodePool.capacityTypes },
              { key: "karpenter.k8s.aws/instance-category", operator: "In", values: args.nodePool.instanceCategories },
              // Current generations only: older ones are slower per dollar.
              { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["4"] },
            ],
            // Nodes are replaced after 30 days, so they pick up new AMIs.
            expireAfter: "720h",
          },
        },
        limits: { cpu: String(args.nodePool.cpuLimit) },
        disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "1m" },
      },
    };
    customResource(`${name}-node-pool`, nodePool, { ...k8sOpts, dependsOn: [nodeClass] });
    this.registerOutputs({});
  }
}
