import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { WorkloadResources } from "../config.ts";
import { hardenedPod, labels, resources } from "./workload.ts";

export interface MigrationsArgs {
  provider: k8s.Provider;
  namespace: string;
  /** The newest code's image: its migrations are the ones to apply. */
  image: pulumi.Input<string>;
  envFrom: k8s.types.input.core.v1.EnvFromSource[];
  resources: WorkloadResources;
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * The database migrations as a Job (`bun run migrate` in the api image). Pulumi waits for it to
 * complete, and the services roll only after it succeeded. No fixed name: a Job's pod template is
 * immutable, so a new image replaces it under a new name; after a failed migration the next `up`
 * starts a new one.
 */
export class Migrations extends pulumi.ComponentResource {
  readonly job: k8s.batch.v1.Job;

  constructor(name: string, args: MigrationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:app:Migrations", name, {}, opts);
    this.job = new k8s.batch.v1.Job(name, {
      metadata: { namespace: args.namespace, labels: labels("migrations"), annotations: { "pulumi.com/replaceUnready": "true" } },
      spec: {
        backoffLimit: 3,
        activeDeadlineSeconds: 600,
        template: {
          // No sidecar: the Job talks only to RDS, which is outside the mesh (its NetworkPolicy
          // allows PostgreSQL egress), and nothing calls it. As a label, the injector is not consulted.
          metadata: { labels: { ...labels("migrations"), "sidecar.istio.io/inject": "false" } },
          spec: hardenedPod({
            name: "migrate",
            image: args.image,
            command: ["bun", "run", "migrate"],
            envFrom: args.envFrom,
            resources: resources(args.resources),
          }, { restartPolicy: "Never" }),
        },
      },
    }, { parent: this, provider: args.provider, dependsOn: args.dependsOn });
    this.registerOutputs({});
  }
}
