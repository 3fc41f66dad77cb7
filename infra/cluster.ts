import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterConfig } from "./config.ts";
import { rotatingKey } from "./kms.ts";
import type { LogStorage } from "./logs.ts";
import type { Network } from "./network.ts";

export interface ClusterArgs extends ClusterConfig {
  network: Network;
  /** The EKS cluster's name, fixed so its log group can exist (with a retention) before it. */
  name: string;
  /** Cost tags for the nodes' instances, volumes and interfaces (EC2 does not inherit provider default tags). */
  tags: Record<string, string>;
  logs: LogStorage;
}

const CONTROL_PLANE_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
const NODE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"];
/** The access policy that makes a principal an administrator of the whole cluster. */
const CLUSTER_ADMIN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
const AMI_TYPES = { x86_64: "AL2023_x86_64_STANDARD", arm64: "AL2023_ARM_64_STANDARD" } as const;

/**
 * EKS with access entries (API authentication mode), Kubernetes secrets encrypted with our KMS key,
 * all control-plane logs, a private endpoint (public only from configured CIDRs), OIDC for IRSA,
 * and the managed "system" node group in the private subnets that runs the cluster's controllers
 * (Karpenter launches the rest). Nothing is created on the cluster before that group is ready.
 */
export class Cluster extends pulumi.ComponentResource {
  readonly name: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;
  /** Kubernetes provider: every object created with it waits for the system node group. */
  readonly provider: k8s.Provider;
  /** The security group EKS created for the control plane and nodes to talk over. */
  readonly securityGroupId: pulumi.Output<string>;
  readonly oidcProviderArn: pulumi.Output<string>;
  readonly oidcProviderUrl: pulumi.Output<string>;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:cluster:Cluster", name, {}, opts);
    const parent = { parent: this };

    const partition = aws.getPartitionOutput({}, parent).partition;
    // The control plane's role is ours (not pulumi-eks's), so that the secrets key can name it.
    const serviceRole = new aws.iam.Role(`${name}-control-plane`, {
      assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "eks.amazonaws.com" }),
    }, parent);
    const servicePolicy = new aws.iam.RolePolicyAttachment(`${name}-control-plane`, {
      role: serviceRole.name,
      policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/AmazonEKSClusterPolicy`,
    }, parent);
    const secretsKey = rotatingKey(`${name}-secrets`, `EKS secrets encryption for ${args.name}`, { roles: [serviceRole.arn] }, parent);
    // EKS would create this group itself, unencrypted and with no expiry: creating it first decides both.
    const logGroup = args.logs.group(`${name}-control-plane`, `/aws/eks/${args.name}/cluster`, parent);

    const cluster = new eks.Cluster(name, {
      name: args.name,
      version: args.kubernetesVersion,
      vpcId: args.network.vpcId,
      privateSubnetIds: args.network.privateSubnetIds,
      serviceRole,
      authenticationMode: eks.AuthenticationMode.Api,
      skipDefaultNodeGroup: true,
      // Nodes and control plane share the security group EKS creates; no second pair to keep in step.
      skipDefaultSecurityGroups: true,
      createOidcProvider: true,
      encryptionConfigKeyArn: secretsKey.arn,
      enabledClusterLogTypes: CONTROL_PLANE_LOGS,
      endpointPrivateAccess: true,
      endpointPublicAccess: args.publicAccessCidrs.length > 0,
      publicAccessCidrs: args.publicAccessCidrs,
      // NetworkPolicies are only enforced when the VPC CNI runs its network policy agent.
      vpcCniOptions: { enableNetworkPolicy: true },
    }, { parent: this, dependsOn: [logGroup, servicePolicy] });

    const nodeRole = new aws.iam.Role(`${name}-nodes`, {
      assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ec2.amazonaws.com" }),
    }, parent);
    const attachments = NODE_POLICIES.map((policy) => new aws.iam.RolePolicyAttachment(`${name}-nodes-${policy}`, {
      role: nodeRole.name,
      policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`,
    }, parent));

    const launchTemplate = new aws.ec2.LaunchTemplate(`${name}-nodes`, {
      tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({ resourceType, tags: args.tags })),
      // Hop limit 1 keeps pods away from the node's instance credentials; pods use IRSA instead.
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [{
        deviceName: "/dev/xvda",
        ebs: { volumeSize: args.systemNodes.diskGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
      }],
    }, parent);

    const { count, instanceTypes, capacityType } = args.systemNodes;
    const systemNodes = new aws.eks.NodeGroup(`${name}-system`, {
      clusterName: args.name,
      nodeRoleArn: nodeRole.arn,
      subnetIds: args.network.privateSubnetIds,
      amiType: AMI_TYPES[args.architecture],
      instanceTypes,
      capacityType,
      // A fixed size: Karpenter scales everything else.
      scalingConfig: { minSize: count, desiredSize: count, maxSize: count },
      updateConfig: { maxUnavailable: 1 },
      launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
    }, { parent: this, dependsOn: [cluster, ...attachments] });

    // The name, carrying a dependency on the cluster, so what is created with it waits for the cluster.
    this.name = cluster.urn.apply(() => args.name);
    this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
    this.oidcProviderArn = cluster.oidcProviderArn;
    this.oidcProviderUrl = cluster.oidcProviderUrl;
    // Administrators besides the creator: CI's deploy role and the break-glass role, from config.
    for (const [role, principalArn] of Object.entries(args.access)) {
      if (!principalArn) continue;
      const entry = new aws.eks.AccessEntry(`${name}-${role}`, { clusterName: this.name, principalArn, type: "STANDARD" }, parent);
      new aws.eks.AccessPolicyAssociation(`${name}-${role}`, {
        clusterName: this.name,
        principalArn,
        policyArn: CLUSTER_ADMIN,
        accessScope: { type: "cluster" },
      }, { parent: this, dependsOn: [entry] });
    }

    this.securityGroupId = cluster.clusterSecurityGroupId;
    // A new API server answers before any node can run a pod: Helm releases that wait for
    // readiness would time out on the first `up`, so nothing Kubernetes starts before the nodes.
    this.provider = new k8s.Provider(name, { kubeconfig: this.kubeconfig, enableServerSideApply: true }, { parent: this, dependsOn: [systemNodes] });
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
