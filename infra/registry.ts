import * as aws from "@pulumi/aws";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { Architecture, ImagesConfig } from "./config.ts";

export interface ImagesArgs extends ImagesConfig {
  /** The nodes' architecture: the images are built for it. */
  architecture: Architecture;
}

/** The repository root is the build context; services/Dockerfile has one target per service. */
const REPO_ROOT = join(import.meta.dirname, "..");
const DOCKERFILE = "services/Dockerfile";
const SERVICES = ["api", "worker"] as const;
type Service = (typeof SERVICES)[number];
/** What the image is built from (keep in step with .dockerignore); its hash is the image tag. */
const IMAGE_SOURCES = [".dockerignore", "package.json", "bun.lock", "prisma.config.ts", "tsconfig.json", "prisma", "scripts", "services"];
const NOT_IMAGE_SOURCES = new Set(["node_modules", "generated"]);
const PLATFORMS = { x86_64: dockerBuild.Platform.Linux_amd64, arm64: dockerBuild.Platform.Linux_arm64 } as const;

/**
 * The service images, as references by digest (`<repo>@sha256:...`). With `promoteFrom` unset the
 * images are built here and pushed to ECR; otherwise they are the exact digests another stack exports,
 * so staging and prod run the bytes that were tested upstream.
 */
export class Images extends pulumi.ComponentResource {
  readonly apiImage: pulumi.Output<string>;
  readonly workerImage: pulumi.Output<string>;

  constructor(name: string, args: ImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:registry:Images", name, {}, opts);
    const images = args.promoteFrom === undefined
      ? this.build(name, args.architecture)
      : this.promote(name, args.promoteFrom);
    this.apiImage = images.api;
    this.workerImage = images.worker;
    this.registerOutputs({ apiImage: this.apiImage, workerImage: this.workerImage });
  }

  private promote(name: string, stack: string): Record<Service, pulumi.Output<string>> {
    const upstream = new pulumi.StackReference(`${name}-upstream`, { name: stack }, { parent: this });
    const image = (output: string) => upstream.requireOutput(output).apply((ref) => {
      if (typeof ref !== "string" || !/@sha256:[0-9a-f]{64}$/.test(ref)) {
        throw new Error(`${stack} output ${output} must be an image reference by digest, got ${JSON.stringify(ref)}`);
      }
      return ref;
    });
    return { api: image("apiImage"), worker: image("workerImage") };
  }

  private build(name: string, architecture: Architecture): Record<Service, pulumi.Output<string>> {
    const tag = sourceHash();
    const bunVersion = pinnedBunVersion();
    const buildOne = (service: Service) => {
      const repo = new aws.ecr.Repository(`${name}-${service}`, {
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "KMS" }],
        forceDelete: false,
      }, { parent: this });
      new aws.ecr.LifecyclePolicy(`${name}-${service}`, { repository: repo.name, policy: LIFECYCLE_POLICY }, { parent: this });
      const auth = aws.ecr.getAuthorizationTokenOutput({ registryId: repo.registryId }, { parent: this });
      const image = new dockerBuild.Image(`${name}-${service}`, {
        context: { location: REPO_ROOT },
        dockerfile: { location: join(REPO_ROOT, DOCKERFILE) },
        target: service,
        buildArgs: { BUN_VERSION: bunVersion },
        platforms: [PLATFORMS[architecture]],
        push: true,
        tags: [pulumi.interpolate`${repo.repositoryUrl}:${tag}`],
        registries: [{ address: repo.repositoryUrl, username: auth.userName, password: auth.password }],
      }, { parent: this });
      return image.ref;
    };
    return { api: buildOne("api"), worker: buildOne("worker") };
  }
}

/** Keep the last 50 tagged images (promotion reads them by digest); drop untagged layers after a week. */
const LIFECYCLE_POLICY = JSON.stringify({
  rules: [
    { rulePriority: 1, description: "untagged", selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 }, action: { type: "expire" } },
    { rulePriority: 2, description: "history", selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 50 }, action: { type: "expire" } },
  ],
});

/** Bun is pinned once, in package.json's packageManager field ("bun@1.4.4"); the base image follows it. */
export function pinnedBunVersion(): string {
  const { packageManager } = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { packageManager?: string };
  const version = /^bun@(\d+\.\d+\.\d+)$/.exec(packageManager ?? "")?.[1];
  if (version === undefined) throw new Error(`package.json packageManager must be "bun@<x.y.z>", got ${JSON.stringify(packageManager)}`);
  return version;
}

/**
 * A short hash of the image sources. ECR tags are immutable, so each distinct build needs its own tag,
 * and the same sources must map to the same tag so an unchanged `pulumi up` pushes nothing.
 */
export function sourceHash(): string {
  const hash = createHash("sha256");
  const visit = (path: string): void => {
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) if (!NOT_IMAGE_SOURCES.has(entry)) visit(join(path, entry));
    } else {
      hash.update(relative(REPO_ROOT, path)).update("\0").update(readFileSync(path)).update("\0");
    }
  };
  for (const source of IMAGE_SOURCES) visit(join(REPO_ROOT, source));
  return hash.digest("hex").slice(0, 16);
}
