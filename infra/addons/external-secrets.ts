import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ChartSource, helmRelease, podSecurityNamespace, THIRD_PARTY } from "./helm.ts";

/** 0.17+ serves the external-secrets.io/v1 API the application's SecretStore and ExternalSecret use. */
export const EXTERNAL_SECRETS_CHART: ChartSource = {
  chart: "external-secrets",
  repository: "https://charts.external-secrets.io",
  version: "0.19.2",
  namespace: "external-secrets",
};

export interface ExternalSecretsArgs {
  provider: k8s.Provider;
}

/**
 * External Secrets Operator: copies Secrets Manager secrets into Kubernetes Secrets, so no secret
 * value passes through the Pulumi program's Kubernetes objects. It holds no AWS identity itself:
 * each namespace's SecretStore authenticates as a service account of that namespace (IRSA).
 */
export class ExternalSecrets extends pulumi.ComponentResource {
  /** Installs the CRDs and the webhook that validates SecretStores: create those after it. */
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: ExternalSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:addons:ExternalSecrets", name, {}, opts);
    const opts_ = { parent: this, provider: args.provider };
    const namespace = podSecurityNamespace(EXTERNAL_SECRETS_CHART.namespace, THIRD_PARTY, opts_);
    this.release = helmRelease("external-secrets", EXTERNAL_SECRETS_CHART, { installCRDs: true }, { ...opts_, dependsOn: [namespace] });
    this.registerOutputs({});
  }
}
