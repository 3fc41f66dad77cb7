import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface SecretsOperatorArgs {
  provider: k8s.Provider;
}

const CHART = "external-secrets";
const REPOSITORY = "https://charts.external-secrets.io";
/** 0.17+ serves the external-secrets.io/v1 API the application's SecretStore and ExternalSecret use. */
const VERSION = "0.19.2";
const NAMESPACE = "external-secrets";

/**
 * External Secrets Operator: copies Secrets Manager secrets into Kubernetes Secrets, so no secret
 * value passes through the Pulumi program's Kubernetes objects. It holds no AWS identity itself:
 * each namespace's SecretStore authenticates as a service account of that namespace (IRSA).
 */
export class SecretsOperator extends pulumi.ComponentResource {
  /** The release that installs the CRDs: depend on it before creating SecretStores. */
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: SecretsOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:secrets:SecretsOperator", name, {}, opts);
    this.release = new k8s.helm.v3.Release(name, {
      chart: CHART,
      version: VERSION,
      repositoryOpts: { repo: REPOSITORY },
      namespace: NAMESPACE,
      createNamespace: true,
      values: { installCRDs: true },
    }, { parent: this, provider: args.provider });
    this.registerOutputs({ release: this.release.status });
  }
}
