import dockerignore from "@balena/dockerignore";
import * as aws from "@pulumi/aws";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { Architecture, ImagesConfig } from "./config.ts";

export interface ServiceImagesArgs extends ImagesConfig {
  /** The nodes' architecture: the images are built for it. */
  architecture: Architecture;
}

/** The build context is the repository root; services/Dockerfile has one target per service. */
const REPO_ROOT = join(import.meta.dirname, "..");
/**
 * Relative to the project directory, where Pulumi runs the program: an absolute path would differ
 * in every clone, and docker-build rebuilds (and pushes) whenever its inputs change.
 */
const CONTEXT = ".";
const DOCKERFILE = "services/Dockerfile";
const SERVICES = ["api", "worker"] as const;
type Service = (typeof SERVICES)[number];
const PLATFORMS = { x86_64: dockerBuild.Platform.Linux_amd64, arm64: dockerBuild.Platform.Linux_arm64 } as const;
/** The one mutable tag: each downstream stack's current release, which the lifecycle policy keeps. */
const RELEASE_TAG_PREFIX = "release-";

/**
 * The service images, as references by digest (`<repo>@sha256:...`). With `promoteFrom` unset the
 * images are built here and pushed to ECR; otherwise they are the exact images another stack runs,
 * re-tagged `release-<stack>` in the same repository so that ECR's lifecycle policy keeps them as
 * long as this stack runs them.
 */
export class ServiceImages extends pulumi.ComponentResource {
  readonly apiImage: pulumi.Output<string>;
  readonly workerImage: pulumi.Output<string>;

  constructor(name: string, args: ServiceImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:registry:ServiceImages", name, {}, opts);
    const images = args.promoteFrom === undefined
      ? this.build(name, args.architecture)
      : this.promote(name, args.promoteFrom);
    this.apiImage = images.api;
    this.workerImage = images.worker;
    this.registerOutputs({ apiImage: this.apiImage, workerImage: this.workerImage });
  }

  private promote(name: string, stack: string): Record<Service, pulumi.Output<string>> {
    const upstream = new pulumi.StackReference(`${name}-upstream`, { name: stack }, { parent: this });
    const release = (service: Service) => {
      const source = upstream.requireOutput(`${service}Image`).apply((ref) => {
        if (typeof ref !== "string" || !/@sha256:[0-9a-f]{64}$/.test(ref)) {
          throw new Error(`${stack} output ${service}Image must be an image reference by digest, got ${JSON.stringify(ref)}`);
        }
        return ref;
      });
      const repositoryUrl = source.apply((ref) => ref.split("@")[0]!);
      const auth = aws.ecr.getAuthorizationTokenOutput({ registryId: repositoryUrl.apply((url) => url.split(".")[0]!) }, { parent: this });
      // Points this stack's release tag at the same manifest (`buildx imagetools create`).
      return new dockerBuild.Index(`${name}-${service}`, {
        sources: [source],
        tag: pulumi.interpolate`${repositoryUrl}:${RELEASE_TAG_PREFIX}${pulumi.getStack()}`,
        push: true,
        registry: { address: repositoryUrl, username: auth.userName, password: auth.password },
      }, { parent: this }).ref;
    };
    return { api: release("api"), worker: release("worker") };
  }

  private build(name: string, architecture: Architecture): Record<Service, pulumi.Output<string>> {
    const bunVersion = pinnedBunVersion();
    const platform = PLATFORMS[architecture];
    const buildOne = (service: Service) => {
      const repo = new aws.ecr.Repository(`${name}-${service}`, {
        imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
        imageTagMutabilityExclusionFilters: [{ filter: `${RELEASE_TAG_PREFIX}*`, filterType: "WILDCARD" }],
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "KMS" }],
        forceDelete: false,
      }, { parent: this });
      new aws.ecr.LifecyclePolicy(`${name}-${service}`, { repository: repo.name, policy: LIFECYCLE_POLICY }, { parent: this });
      const auth = aws.ecr.getAuthorizationTokenOutput({ registryId: repo.registryId }, { parent: this });
      const tag = imageTag({ service, platform, bunVersion });
      const image = new dockerBuild.Image(`${name}-${service}`, {
        context: { location: CONTEXT },
        dockerfile: { location: DOCKERFILE },
        target: service,
        buildArgs: { BUN_VERSION: bunVersion },
        platforms: [platform],
        push: true,
        tags: [pulumi.interpolate`${repo.repositoryUrl}:${tag}`],
        registries: [{ address: repo.repositoryUrl, username: auth.userName, password: auth.password }],
      }, { parent: this });
      return image.ref;
    };
    return { api: buildOne("api"), worker: buildOne("worker") };
  }
}

/**
 * Keep every image a downstream stack runs (its `release-<stack>` tag), drop untagged layers after
 * a week, and keep the last 50 builds. An image matched by a rule is never expired by a rule of
 * lower priority, so the first rule shields releases from the count rule (the policy
 * aws-ecr-lifecyclepolicy-require-release-retention evaluates any change to these rules).
 */
export const LIFECYCLE_POLICY = JSON.stringify({
  rules: [
    { rulePriority: 1, description: "releases", selection: { tagStatus: "tagged", tagPatternList: [`${RELEASE_TAG_PREFIX}*`], countType: "imageCountMoreThan", countNumber: 1000 }, action: { type: "expire" } },
    { rulePriority: 2, description: "untagged", selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 }, action: { type: "expire" } },
    { rulePriority: 3, description: "history", selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 50 }, action: { type: "expire" } },
  ],
});

/** Bun is pinned once, in package.json's packageManager field ("bun@1.4.4"); the base image follows it. */
export function pinnedBunVersion(root = REPO_ROOT): string {
  const { packageManager } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { packageManager?: string };
  const version = /^bun@(\d+\.\d+\.\d+)$/.exec(packageManager ?? "")?.[1];
  if (version === undefined) throw new Error(`package.json packageManager must be "bun@<x.y.z>", got ${JSON.stringify(packageManager)}`);
  return version;
}

/**
 * The image tag: a hash of everything that decides the image — the files the build context
 * admits (.dockerignore), with their modes, the target, the platform and the build args — so that
 * docker-build rebuilds exactly when the tag changes. ECR tags are immutable: a rebuild pushed under
 * an old tag would be refused, and an unchanged `pulumi up` from any clone pushes nothing.
 */
export function imageTag(build: { service: string; platform: string; bunVersion: string }, root = REPO_ROOT): string {
  const hash = createHash("sha256").update(JSON.stringify(build)).update("\0");
  for (const file of contextFiles(root)) {
    const path = join(root, file);
    hash.update(file).update("\0").update((statSync(path).mode & 0o777).toString(8)).update("\0").update(readFileSync(path)).update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/** The files Docker sends as the build context, relative to `root`, sorted. */
export function contextFiles(root: string): string[] {
  const rules = readFileSync(join(root, ".dockerignore"), "utf8").split("\n").map((line) => line.trim()).filter((line) => line && !line.startsWith("#"));
  const ignore = dockerignore().add(rules);
  const reincluded = rules.filter((rule) => rule.startsWith("!")).map((rule) => rule.slice(1).replace(/\/$/, ""));
  const files: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        // Descend only where something may be admitted again below an ignored directory.
        if (!ignore.ignores(`${path}/`) || reincluded.some((rule) => rule.startsWith(`${path}/`) || rule === path)) visit(path);
      } else if (!ignore.ignores(path)) {
        files.push(path);
      }
    }
  };
  visit("");
  return files;
}
