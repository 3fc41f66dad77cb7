import type { IExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret";
import type { ISecretStore } from "@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Cluster } from "./cluster.ts";

/** The service account a namespace's SecretStore authenticates as. */
export const SECRETS_READER = "secrets-reader";
const READER = SECRETS_READER;
const STORE = "aws-secrets-manager";

export interface SecretSyncArgs {
  cluster: Cluster;
  namespace: string;
  /** The Kubernetes Secret External Secrets writes, each key of the Secrets Manager JSON a key of it. */
  secretName: string;
  /** What the secret is for: names the ExternalSecret resource (`<name>-<purpose>`). */
  purpose: string;
  secret: aws.secretsmanager.Secret;
  /** The key the secret is encrypted with: the reader must decrypt with it. */
  key: aws.kms.Key;
  /** A value of the secret: the first sync needs one to find. */
  value: aws.secretsmanager.SecretVersion;
  labels: Record<string, string>;
  /** The namespace and the External Secrets operator (its CRDs and webhook) to wait for. */
  dependsOn: pulumi.Resource[];
}

/**
 * Copies one Secrets Manager secret into a namespace: a service account of that namespace that
 * may read only this secret (IRSA), a SecretStore authenticating as it, and the ExternalSecret,
 * ready once the Kubernetes Secret exists. No secret value passes through a Kubernetes manifest.
 */
export function syncSecret(name: string, args: SecretSyncArgs, parent: pulumi.Resource): k8s.apiextensions.CustomResource {
  const { cluster, namespace } = args;
  const role = cluster.serviceAccountRole(`${name}-${READER}`, namespace, READER, { parent });
  const access = new aws.iam.RolePolicy(`${name}-${READER}`, {
    role: role.id,
    policy: pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: args.secret.arn },
        { Effect: "Allow", Action: "kms:Decrypt", Resource: args.key.arn },
      ],
    }),
  }, { parent });

  const k8sOpts = { parent, provider: cluster.provider };
  const reader = new k8s.core.v1.ServiceAccount(`${name}-${READER}`, {
    metadata: { name: READER, namespace, labels: args.labels, annotations: { "eks.amazonaws.com/role-arn": role.arn } },
    automountServiceAccountToken: false,
  }, { ...k8sOpts, dependsOn: args.dependsOn });

  const region = aws.getRegionOutput({}, { parent }).region;
  const store = new k8s.apiextensions.CustomResource(`${name}-store`, {
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name: STORE, namespace, labels: args.labels },
    spec: region.apply((r): ISecretStore["spec"] => ({
      provider: { aws: { service: "SecretsManager", region: r, auth: { jwt: { serviceAccountRef: { name: READER } } } } },
    })),
  }, { ...k8sOpts, dependsOn: [...args.dependsOn, reader] });
  return new k8s.apiextensions.CustomResource(`${name}-${args.purpose}`, {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: {
      name: args.secretName,
      namespace,
      labels: args.labels,
      // Pulumi waits until the Secret exists before creating what reads it.
      annotations: { "pulumi.com/waitFor": "condition=Ready" },
    },
    spec: args.secret.arn.apply((arn): IExternalSecret["spec"] => ({
      // A rotated value reaches the Secret within this interval.
      refreshInterval: "5m",
      secretStoreRef: { kind: "SecretStore", name: STORE },
      target: { name: args.secretName, creationPolicy: "Owner" },
      dataFrom: [{ extract: { key: arn } }],
    })),
    // Ready only once there is a value to read and the role may read it (IAM is eventually
    // consistent, but the operator retries; it cannot retry into a value that does not exist).
  }, { ...k8sOpts, dependsOn: [store, args.value, access] });
}
