import type { IExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret";
import type { ISecretStore } from "@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Cluster } from "./cluster.ts";
import { rotatingKey } from "./kms.ts";

/** The tag that records why a secret of the stack has no automatic rotation (policy `aws-secretsmanager-secret-require-rotation`). */
export const ROTATION_WAIVER_TAG = "rotation-waiver";

/** The service account a namespace's SecretStore authenticates as. */
export const SECRETS_READER = "secrets-reader";
const STORE = "aws-secrets-manager";

/** A Secrets Manager secret to read, the key it is encrypted with, and what makes its first value exist. */
export interface SecretSource {
  arn: pulumi.Input<string>;
  keyArn: pulumi.Input<string>;
  /** The SecretVersion (or the resource that writes the value): the first sync needs a value to find. */
  ready: pulumi.Resource[];
}

/**
 * A Secrets Manager secret the stack owns, under a key of its own, with its first value. Its
 * rotation is not Secrets Manager's: `waiver` says how it is rotated (ROTATION_WAIVER_TAG).
 * `teamFills`: the first value only names the keys, and what the team puts there later is theirs.
 */
export function ownedSecret(
  names: { key: string; secret: string },
  args: { keyDescription: string; description: pulumi.Input<string>; waiver: string; value: pulumi.Input<string>; teamFills?: boolean },
  parent: pulumi.Resource,
): SecretSource & { secret: aws.secretsmanager.Secret } {
  const key = rotatingKey(names.key, args.keyDescription, { services: ["secretsmanager"] }, { parent });
  const secret = new aws.secretsmanager.Secret(names.secret, {
    description: args.description,
    kmsKeyId: key.arn,
    recoveryWindowInDays: 7,
    tags: { [ROTATION_WAIVER_TAG]: args.waiver },
  }, { parent });
  const value = new aws.secretsmanager.SecretVersion(names.secret, { secretId: secret.id, secretString: args.value }, {
    parent,
    ...(args.teamFills ? { ignoreChanges: ["secretString"] } : {}),
  });
  return { secret, arn: secret.arn, keyArn: key.arn, ready: [value] };
}

export type SecretFields = Pick<NonNullable<IExternalSecret["spec"]>, "data" | "dataFrom"> & { template?: NonNullable<NonNullable<IExternalSecret["spec"]>["target"]>["template"] };

export interface SecretSyncArgs {
  cluster: Cluster;
  namespace: string;
  /** The Kubernetes Secret External Secrets writes. */
  secretName: string;
  /** What the secret is for: names the ExternalSecret resource (`<name>-<purpose>`). */
  purpose: string;
  sources: SecretSource[];
  /** Which fields of the sources (by ARN, in order) become which keys; default: every key of every source. */
  fields?: (arns: string[]) => pulumi.Input<SecretFields>;
  labels: Record<string, string>;
  /** The namespace and the External Secrets operator (its CRDs and webhook) to wait for. */
  dependsOn: pulumi.Resource[];
}

/**
 * Copies Secrets Manager secrets into a Kubernetes Secret of a namespace: a service account of
 * that namespace that may read only those secrets (IRSA), a SecretStore authenticating as it, and
 * the ExternalSecret, refreshed every 5 minutes and ready once the Kubernetes Secret exists. No
 * secret value passes through a Kubernetes manifest.
 */
export function syncSecret(name: string, args: SecretSyncArgs, parent: pulumi.Resource): k8s.apiextensions.CustomResource {
  const { cluster, namespace } = args;
  const role = cluster.serviceAccountRole(`${name}-${SECRETS_READER}`, namespace, SECRETS_READER, { parent });
  const access = new aws.iam.RolePolicy(`${name}-${SECRETS_READER}`, {
    role: role.id,
    policy: pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: args.sources.map((s) => s.arn) },
        { Effect: "Allow", Action: "kms:Decrypt", Resource: args.sources.map((s) => s.keyArn) },
      ],
    }),
  }, { parent });

  const k8sOpts = { parent, provider: cluster.provider };
  const reader = new k8s.core.v1.ServiceAccount(`${name}-${SECRETS_READER}`, {
    metadata: { name: SECRETS_READER, namespace, labels: args.labels, annotations: { "eks.amazonaws.com/role-arn": role.arn } },
    automountServiceAccountToken: false,
  }, { ...k8sOpts, dependsOn: args.dependsOn });

  const region = aws.getRegionOutput({}, { parent }).region;
  const store = new k8s.apiextensions.CustomResource(`${name}-store`, {
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name: STORE, namespace, labels: args.labels },
    spec: region.apply((r): ISecretStore["spec"] => ({
      provider: { aws: { service: "SecretsManager", region: r, auth: { jwt: { serviceAccountRef: { name: SECRETS_READER } } } } },
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
    spec: pulumi.all(args.sources.map((s) => s.arn))
      .apply((arns) => pulumi.output(args.fields?.(arns) ?? { dataFrom: arns.map((key) => ({ extract: { key } })) }) as pulumi.Output<SecretFields>)
      .apply(({ template, ...fields }): IExternalSecret["spec"] => ({
        // A rotated value reaches the Secret within this interval; Reloader then rolls the pods that read it.
        refreshInterval: "5m",
        secretStoreRef: { kind: "SecretStore", name: STORE },
        ...fields,
        target: { name: args.secretName, creationPolicy: "Owner", ...(template ? { template } : {}) },
      })),
    // Ready only once there is a value to read and the role may read it (IAM is eventually
    // consistent, but the operator retries; it cannot retry into a value that does not exist).
  }, { ...k8sOpts, dependsOn: [store, access, ...args.sources.flatMap((s) => s.ready)] });
}
