import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterConfig } from "./config.ts";
import { rotatingKey } from "./kms.ts";
import type { Network } from "./network.ts";

export interface ClusterArgs extends ClusterConfig {
  network: Network;
  /** The EKS cluster's name, fixed so its log group can exist (with a retention) before it. */
  name: string;
}

const CONTROL_PLANE_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
const NODE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"];
const AMI_TYPES = { x86_64: "AL2023_x86_64_STANDARD", arm64: "AL2023_ARM_64_STANDARD" } as const;

/**
 * EKS with access entries (API authentication mode), Kubernetes secrets encrypted with our KMS key,
 * all control-plane logs, a private endpoint (public only from configured CIDRs), OIDC for IRSA,
 * and one managed node group in the private subnets.
 */
export class Cluster extends pulumi.ComponentResource {
  readonly name: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;
  readonly provider: k8s.Provider;
  readonly oidcProviderArn: pulumi.Output<string>;
  readonly oidcProviderUrl: pulumi.Output<string>;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:cluster:Cluster", name, {}, opts);
    const parent = { parent: this };

    const secretsKey = rotatingKey(`${name}-secrets`, `EKS secrets encryption for ${args.name}`, parent);
    // EKS would create this group itself with no expiry; creating it first sets the retention.
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-control-plane`, {
      name: `/aws/eks/${args.name}/cluster`,
      retentionInDays: args.logRetentionDays,
    }, parent);

    const cluster = new eks.Cluster(name, {
      name: args.name,
      version: args.kubernetesVersion,
      vpcId: args.network.vpcId,
      privateSubnetIds: args.network.privateSubnetIds,
      authenticationMode: eks.AuthenticationMode.Api,
      skipDefaultNodeGroup: true,
      createOidcProvider: true,
      encryptionConfigKeyArn: secretsKey.arn,
      enabledClusterLogTypes: CONTROL_PLANE_LOGS,
      endpointPrivateAccess: true,
      endpointPublicAccess: args.publicAccessCidrs.length > 0,
      publicAccessCidrs: args.publicAccessCidrs,
      // NetworkPolicies are only enforced when the VPC CNI runs its network policy agent.
      vpcCniOptions: { enableNetworkPolicy: true },
    }, { parent: this, dependsOn: [logGroup] });

    const nodeRole = new aws.iam.Role(`${name}-nodes`, {
      assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ec2.amazonaws.com" }),
    }, parent);
    const attachments = NODE_POLICIES.map((policy) => new aws.iam.RolePolicyAttachment(`${name}-nodes-${policy}`, {
      role: nodeRole.name,
      policyArn: pulumi.interpolate`arn:${aws.getPartitionOutput({}, parent).partition}:iam::aws:policy/${policy}`,
    }, parent));

    const launchTemplate = new aws.ec2.LaunchTemplate(`${name}-nodes`, {
      // Hop limit 1 keeps pods away from the node's instance credentials; pods use IRSA instead.
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [{
        deviceName: "/dev/xvda",
        ebs: { volumeSize: args.nodeDiskGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
      }],
    }, parent);

    new aws.eks.NodeGroup(`${name}-nodes`, {
      clusterName: args.name,
      nodeRoleArn: nodeRole.arn,
      subnetIds: args.network.privateSubnetIds,
      amiType: AMI_TYPES[args.architecture],
      instanceTypes: args.instanceTypes,
      capacityType: args.capacityType,
      scalingConfig: { minSize: args.minNodes, desiredSize: args.desiredNodes, maxSize: args.maxNodes },
      updateConfig: { maxUnavailable: 1 },
      launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
    }, {
      parent: this,
      dependsOn: [cluster, ...attachments],
      // The cluster autoscaler owns the running size once the group exists.
      ignoreChanges: ["scalingConfig.desiredSize"],
    });

    this.name = pulumi.output(args.name);
    this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
    this.oidcProviderArn = cluster.oidcProviderArn;
    this.oidcProviderUrl = cluster.oidcProviderUrl;
    this.provider = new k8s.Provider(name, { kubeconfig: this.kubeconfig, enableServerSideApply: true }, parent);
    this.registerOutputs({ name: this.name, kubeconfig: this.kubeconfig, oidcProviderArn: this.oidcProviderArn });
  }

  /** An IAM role that only the given Kubernetes service account can assume (IRSA). */
  serviceAccountRole(name: string, namespace: string, serviceAccount: string, opts: pulumi.CustomResourceOptions): aws.iam.Role {
    const assumeRolePolicy = pulumi.all([this.oidcProviderArn, this.oidcProviderUrl]).apply(([arn, url]) => {
      const issuer = url.replace(/^https:\/\//, "");
      return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
          Effect: "Allow",
          Principal: { Federated: arn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
              [`${issuer}:aud`]: "sts.amazonaws.com",
            },
          },
        }],
      });
    });
    return new aws.iam.Role(name, { assumeRolePolicy }, opts);
  }
}
