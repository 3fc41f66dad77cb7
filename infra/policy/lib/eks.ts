import type { ResourceValidationArgs } from "@pulumi/policy";
import type * as aws from "@pulumi/aws";
import type * as eks from "@pulumi/eks";
import type { Unwrap } from "@pulumi/pulumi";

/** The EKS settings the policies judge, whatever shape the cluster was declared in. */
export interface EksClusterSettings {
  secretsKeyArn: string | undefined;
  privateEndpoint: boolean;
  publicEndpoint: boolean;
  publicAccessCidrs: string[];
  logTypes: string[];
  /** EKS Auto Mode's compute: EKS launches nodes for pods that do not fit. */
  autoModeCompute: boolean;
}

// EKS API defaults, which both SDKs inherit: public endpoint on and open to 0.0.0.0/0, private off.
const awsDefaultPublicCidrs = ["0.0.0.0/0"];

/**
 * Normalises `eks:index:Cluster` (the @pulumi/eks component, all a mock sees) and
 * `aws:eks/cluster:Cluster` (what it creates in a real run); undefined for other types.
 */
export function eksClusterSettings(args: Pick<ResourceValidationArgs, "type" | "props">): EksClusterSettings | undefined {
  if (args.type === "eks:index:Cluster") {
    const props = args.props as Unwrap<eks.ClusterArgs>;
    return {
      secretsKeyArn: props.encryptionConfigKeyArn,
      privateEndpoint: props.endpointPrivateAccess ?? false,
      publicEndpoint: props.endpointPublicAccess ?? true,
      publicAccessCidrs: props.publicAccessCidrs ?? awsDefaultPublicCidrs,
      logTypes: props.enabledClusterLogTypes ?? [],
      autoModeCompute: props.autoMode?.enabled ?? false,
    };
  }
  if (args.type === "aws:eks/cluster:Cluster") {
    const props = args.props as Unwrap<aws.eks.ClusterArgs>;
    const encryption = props.encryptionConfig;
    const vpc = props.vpcConfig;
    return {
      secretsKeyArn: encryption?.resources.includes("secrets") ? encryption.provider.keyArn : undefined,
      privateEndpoint: vpc?.endpointPrivateAccess ?? false,
      publicEndpoint: vpc?.endpointPublicAccess ?? true,
      publicAccessCidrs: vpc?.publicAccessCidrs ?? awsDefaultPublicCidrs,
      logTypes: props.enabledClusterLogTypes ?? [],
      autoModeCompute: props.computeConfig?.enabled ?? false,
    };
  }
  return undefined;
}
