import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Cluster } from "../cluster.ts";
import { controllerRole } from "../controller-iam.ts";
import { type ChartSource, helmRelease } from "./helm.ts";

export const EBS_CSI_CHART: ChartSource = {
  chart: "aws-ebs-csi-driver",
  repository: "https://kubernetes-sigs.github.io/aws-ebs-csi-driver",
  version: "2.64.0",
  namespace: "kube-system",
};
/** The chart's default controller service account: the IRSA role trusts exactly this one. */
const SERVICE_ACCOUNT = "ebs-csi-controller-sa";
/** The cluster's default StorageClass: every volume claim that names none gets it. */
export const DEFAULT_STORAGE_CLASS = "gp3";

export interface EbsCsiDriverArgs {
  provider: k8s.Provider;
  cluster: Cluster;
  /** Cost tags for every volume the driver creates (EC2 does not inherit the provider's default tags). */
  tags: Record<string, string>;
}

/**
 * Block storage for the cluster: EKS ships no CSI driver and no default StorageClass, so without
 * these a volume claim (Prometheus's) stays Pending forever. The driver's controller assumes an IAM
 * role (IRSA) whose policy is the driver's own, at the chart's version.
 */
export class EbsCsiDriver extends pulumi.ComponentResource {
  /** The default StorageClass: create volume claims after it. */
  readonly storageClass: k8s.storage.v1.StorageClass;

  constructor(name: string, args: EbsCsiDriverArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:addons:EbsCsiDriver", name, {}, opts);
    const parent = { parent: this };
    const { role, policies } = controllerRole(args.cluster, name, { upstream: "aws-ebs-csi-driver", namespace: EBS_CSI_CHART.namespace, serviceAccount: SERVICE_ACCOUNT }, parent);

    const release = helmRelease("aws-ebs-csi-driver", EBS_CSI_CHART, {
      controller: {
        serviceAccount: { name: SERVICE_ACCOUNT, annotations: { "eks.amazonaws.com/role-arn": role.arn } },
        extraVolumeTags: args.tags,
      },
    }, { parent: this, provider: args.provider, dependsOn: policies });

    this.storageClass = new k8s.storage.v1.StorageClass(name, {
      metadata: { name: DEFAULT_STORAGE_CLASS, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true" },
      // Bind where the pod lands, so the volume is created in that pod's zone.
      volumeBindingMode: "WaitForFirstConsumer",
      reclaimPolicy: "Delete",
      allowVolumeExpansion: true,
    }, { parent: this, provider: args.provider, dependsOn: [release] });
    this.registerOutputs({});
  }
}
