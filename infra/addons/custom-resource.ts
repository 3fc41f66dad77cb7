import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** The part of a Kubernetes object every custom resource here sets. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string };
}

/**
 * A custom resource from an object typed by its CRD model (e.g. `IScaledObject`), so tsc rejects
 * unknown or misspelled fields before the API server would.
 */
export function customResource<T extends KubernetesObject>(name: string, object: T, opts: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(name, object as unknown as k8s.apiextensions.CustomResourceArgs, opts);
}
