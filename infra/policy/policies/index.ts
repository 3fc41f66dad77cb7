// The pack's policies, in one list shared by the CrossGuard entry (../index.ts) and the offline check.
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import { awsAnyResourceRequireTags } from "./aws-any-resource-require-tags.ts";
import { awsCloudwatchLogGroupRequireEncryptionAndRetention } from "./aws-cloudwatch-loggroup-require-encryption-and-retention.ts";
import { awsBackupPlanRequireCrossRegionCopy } from "./aws-backup-plan-require-cross-region-copy.ts";
import { awsEc2NodeRequireCostTags } from "./aws-ec2-node-require-cost-tags.ts";
import { awsEc2SecurityGroupDisallowPublicDatabasePorts } from "./aws-ec2-securitygroup-disallow-public-database-ports.ts";
import { awsEc2VpcRequireFlowLogs } from "./aws-ec2-vpc-require-flow-logs.ts";
import { awsEcrLifecyclePolicyRequireReleaseRetention } from "./aws-ecr-lifecyclepolicy-require-release-retention.ts";
import { awsEcrRepositoryDisallowMutableTags } from "./aws-ecr-repository-disallow-mutable-tags.ts";
import { awsEcrRepositoryRequireScanOnPush } from "./aws-ecr-repository-require-scan-on-push.ts";
import { awsEksClusterDisallowPublicEndpointOpenToWorld } from "./aws-eks-cluster-disallow-public-endpoint-open-to-world.ts";
import { awsEksClusterRequireControlPlaneLogs } from "./aws-eks-cluster-require-control-plane-logs.ts";
import { awsEksClusterRequirePrivateEndpoint } from "./aws-eks-cluster-require-private-endpoint.ts";
import { awsEksClusterRequireSecretsEncryption } from "./aws-eks-cluster-require-secrets-encryption.ts";
import { awsEksClusterRequireStandardSupport } from "./aws-eks-cluster-require-standard-support.ts";
import { awsElasticacheReplicationGroupDisallowUnencryptedStorage } from "./aws-elasticache-replicationgroup-disallow-unencrypted-storage.ts";
import { awsElasticacheReplicationGroupDisallowUnencryptedTransit } from "./aws-elasticache-replicationgroup-disallow-unencrypted-transit.ts";
import { awsElasticacheReplicationGroupRequireAuth } from "./aws-elasticache-replicationgroup-require-auth.ts";
import { awsIamRoleRequireIrsaServiceAccount } from "./aws-iam-role-require-irsa-service-account.ts";
import { awsRdsInstanceDisallowPublicAccess } from "./aws-rds-instance-disallow-public-access.ts";
import { awsRdsInstanceDisallowUnencryptedStorage } from "./aws-rds-instance-disallow-unencrypted-storage.ts";
import { awsRdsInstanceRequireBackupRetention } from "./aws-rds-instance-require-backup-retention.ts";
import { awsRdsInstanceRequireDeletionProtection } from "./aws-rds-instance-require-deletion-protection.ts";
import { awsRdsInstanceRequireMultiAz } from "./aws-rds-instance-require-multi-az.ts";
import { awsS3BucketDisallowPublicAccess } from "./aws-s3-bucket-disallow-public-access.ts";
import { awsS3BucketDisallowUnencryptedStorage } from "./aws-s3-bucket-disallow-unencrypted-storage.ts";
import { awsSecretsManagerSecretRequireRotation } from "./aws-secretsmanager-secret-require-rotation.ts";
import { kubernetesAlertmanagerRequireReceiver } from "./kubernetes-alertmanager-require-receiver.ts";
import { kubernetesAnyNamespaceRequireLogShipping } from "./kubernetes-any-namespace-require-log-shipping.ts";
import { kubernetesAnyResourceRequireReadyNodes } from "./kubernetes-any-resource-require-ready-nodes.ts";
import { kubernetesAppsDeploymentRequireMinimumReplicas } from "./kubernetes-apps-deployment-require-minimum-replicas.ts";
import { kubernetesAppsDeploymentRequireNetworkPolicy } from "./kubernetes-apps-deployment-require-networkpolicy.ts";
import { kubernetesAppsDeploymentRequirePodDisruptionBudget } from "./kubernetes-apps-deployment-require-poddisruptionbudget.ts";
import { kubernetesArgoRolloutRequireRoutingAndAnalysis } from "./kubernetes-argo-rollout-require-routing-and-analysis.ts";
import { kubernetesAutoscalerRequireNodeProvisioner } from "./kubernetes-autoscaler-require-node-provisioner.ts";
import { kubernetesChaosMeshResourceDisallowOutsideStaging } from "./kubernetes-chaosmesh-resource-disallow-outside-staging.ts";
import { kubernetesCorePodDisallowLatestTag } from "./kubernetes-core-pod-disallow-latest-tag.ts";
import { kubernetesCorePodDisallowPrivilegeEscalation } from "./kubernetes-core-pod-disallow-privilege-escalation.ts";
import { kubernetesCorePodDisallowRootUser } from "./kubernetes-core-pod-disallow-root-user.ts";
import { kubernetesCorePodDisallowUntrustedRegistries } from "./kubernetes-core-pod-disallow-untrusted-registries.ts";
import { kubernetesCorePodDisallowWritableRootFilesystem } from "./kubernetes-core-pod-disallow-writable-root-filesystem.ts";
import { kubernetesCorePodRequireDroppedCapabilities } from "./kubernetes-core-pod-require-dropped-capabilities.ts";
import { kubernetesCorePodRequireImageDigest } from "./kubernetes-core-pod-require-image-digest.ts";
import { kubernetesCorePodRequireProbes } from "./kubernetes-core-pod-require-probes.ts";
import { kubernetesCorePodRequireResourceRequestsAndLimits } from "./kubernetes-core-pod-require-resource-requests-and-limits.ts";
import { kubernetesCorePodRequireSecretReload } from "./kubernetes-core-pod-require-secret-reload.ts";
import { kubernetesCustomResourceRequireCrdRelease } from "./kubernetes-custom-resource-require-crd-release.ts";
import { kubernetesExternalSecretRequireStoreAndValue } from "./kubernetes-externalsecret-require-store-and-value.ts";
import { kubernetesHelmReleaseRequireVerifiedChart } from "./kubernetes-helm-release-require-verified-chart.ts";
import { kubernetesHorizontalPodAutoscalerRequireMetricsApi } from "./kubernetes-horizontalpodautoscaler-require-metrics-api.ts";
import { kubernetesIngressRequireHttps } from "./kubernetes-ingress-require-https.ts";
import { kubernetesIngressRequireWaf } from "./kubernetes-ingress-require-waf.ts";
import { kubernetesIstioPeerAuthenticationRequireStrictMtls } from "./kubernetes-istio-peerauthentication-require-strict-mtls.ts";
import { kubernetesNamespaceRequirePodSecurity } from "./kubernetes-namespace-require-pod-security.ts";
import { kubernetesPersistentVolumeClaimRequireStorageClass } from "./kubernetes-persistentvolumeclaim-require-storageclass.ts";
import { kubernetesProbeRequireBlackboxModule } from "./kubernetes-probe-require-blackbox-module.ts";
import { kubernetesServiceReferenceRequireService } from "./kubernetes-service-reference-require-service.ts";
import { pulumiStatefulResourceRequireProtect } from "./pulumi-stateful-resource-require-protect.ts";

export const packName = "mlts-platform";
/** For policies that declare no level of their own (all of ours do). */
export const packEnforcementLevel: EnforcementLevel = "advisory";

export const policies: Policies = [
  awsAnyResourceRequireTags,
  awsCloudwatchLogGroupRequireEncryptionAndRetention,
  awsBackupPlanRequireCrossRegionCopy,
  awsEc2NodeRequireCostTags,
  awsEc2SecurityGroupDisallowPublicDatabasePorts,
  awsEc2VpcRequireFlowLogs,
  awsEcrLifecyclePolicyRequireReleaseRetention,
  awsEcrRepositoryDisallowMutableTags,
  awsEcrRepositoryRequireScanOnPush,
  awsEksClusterDisallowPublicEndpointOpenToWorld,
  awsEksClusterRequireControlPlaneLogs,
  awsEksClusterRequirePrivateEndpoint,
  awsEksClusterRequireSecretsEncryption,
  awsEksClusterRequireStandardSupport,
  awsElasticacheReplicationGroupDisallowUnencryptedStorage,
  awsElasticacheReplicationGroupDisallowUnencryptedTransit,
  awsElasticacheReplicationGroupRequireAuth,
  awsIamRoleRequireIrsaServiceAccount,
  awsRdsInstanceDisallowPublicAccess,
  awsRdsInstanceDisallowUnencryptedStorage,
  awsRdsInstanceRequireBackupRetention,
  awsRdsInstanceRequireDeletionProtection,
  awsRdsInstanceRequireMultiAz,
  awsS3BucketDisallowPublicAccess,
  awsS3BucketDisallowUnencryptedStorage,
  awsSecretsManagerSecretRequireRotation,
  kubernetesAlertmanagerRequireReceiver,
  kubernetesAnyNamespaceRequireLogShipping,
  kubernetesAnyResourceRequireReadyNodes,
  kubernetesAppsDeploymentRequireMinimumReplicas,
  kubernetesAppsDeploymentRequireNetworkPolicy,
  kubernetesAppsDeploymentRequirePodDisruptionBudget,
  kubernetesArgoRolloutRequireRoutingAndAnalysis,
  kubernetesAutoscalerRequireNodeProvisioner,
  kubernetesChaosMeshResourceDisallowOutsideStaging,
  kubernetesCorePodDisallowLatestTag,
  kubernetesCorePodDisallowPrivilegeEscalation,
  kubernetesCorePodDisallowRootUser,
  kubernetesCorePodDisallowUntrustedRegistries,
  kubernetesCorePodDisallowWritableRootFilesystem,
  kubernetesCorePodRequireDroppedCapabilities,
  kubernetesCorePodRequireImageDigest,
  kubernetesCorePodRequireProbes,
  kubernetesCorePodRequireResourceRequestsAndLimits,
  kubernetesCorePodRequireSecretReload,
  kubernetesCustomResourceRequireCrdRelease,
  kubernetesExternalSecretRequireStoreAndValue,
  kubernetesHelmReleaseRequireVerifiedChart,
  kubernetesHorizontalPodAutoscalerRequireMetricsApi,
  kubernetesIngressRequireHttps,
  kubernetesIngressRequireWaf,
  kubernetesIstioPeerAuthenticationRequireStrictMtls,
  kubernetesNamespaceRequirePodSecurity,
  kubernetesPersistentVolumeClaimRequireStorageClass,
  kubernetesProbeRequireBlackboxModule,
  kubernetesServiceReferenceRequireService,
  pulumiStatefulResourceRequireProtect,
];
