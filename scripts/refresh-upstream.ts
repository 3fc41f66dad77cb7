#!/usr/bin/env bun
/**
 * Refreshes infra/upstream/: for each pinned chart, its values.yaml, values.schema.json and CRDs, read
 * from the chart's upstream git repository at the release tag of the pinned version; and for the
 * controllers that need AWS permissions, their IAM policy at the same tag. See infra/upstream/README.md.
 *
 *   bun scripts/refresh-upstream.ts [--git-dir owner/name=/path/to/git ...] [<chart>@<version> ...]
 *
 * With no chart arguments it refreshes every chart under infra/upstream/charts at the version its
 * chart.json records. A repository with no --git-dir is cloned (bare, blobs on demand) into a cache.
 * Fails when the tag of a version does not exist: that is how an unpublished version is caught.
 * Hand-derived fields of chart.json (services, serviceAccounts, fullname, freeFormValues, notes) are kept.
 */
import { $, YAML } from "bun";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, posix } from "node:path";

const ROOT = join(import.meta.dir, "..", "infra", "upstream");

/** A Helm repository index (index.yaml) that lives in a git repository. */
interface IndexSource { repository: string; ref: string; file: string }

interface ChartSource {
  repository: string;
  /** The chart's folder in the repository. */
  path: string;
  /**
   * The release tag; `{v}` is the chart version. A repository that tags its releases as a whole
   * (`v0.0.{n}` for every chart in it) gives a glob instead, `{first}v0.0.*`: the chart version's
   * tag is the oldest such tag whose Chart.yaml says that version.
   */
  tag: string;
  helmRepository: string;
  index?: IndexSource;
  /** Files or folders (repository paths) holding the CRDs the chart installs; Helm templates are de-templated. */
  crds?: string[];
  /** Kinds whose CRD YAML is kept as a file (the others are only listed). */
  keep?: string[];
  valuesRoot?: string;
  /** Chart.yaml carries a placeholder version: the release pipeline stamps the real one. */
  stamped?: boolean;
}

const ISTIO = (chart: string, keep?: string[]): ChartSource => ({
  repository: "istio/istio", path: `manifests/charts/${chart}`, tag: "{v}", stamped: true,
  helmRepository: "https://istio-release.storage.googleapis.com/charts", valuesRoot: "_internal_defaults_do_not_set",
  ...(keep ? { crds: ["manifests/charts/base/files/crd-all.gen.yaml"], keep } : {}),
});
const ghPages = (repository: string): IndexSource => ({ repository, ref: "gh-pages", file: "index.yaml" });
const PROMETHEUS = "prometheus-community/helm-charts";

/** The one place that maps a chart to where it comes from. */
const SOURCES: Record<string, ChartSource> = {
  base: ISTIO("base", ["Gateway", "VirtualService", "DestinationRule", "PeerAuthentication", "AuthorizationPolicy", "Telemetry", "EnvoyFilter"]),
  cni: ISTIO("istio-cni"),
  istiod: ISTIO("istio-control/istio-discovery"),
  gateway: ISTIO("gateway"),
  "external-secrets": {
    repository: "external-secrets/external-secrets", path: "deploy/charts/external-secrets", tag: "helm-chart-{v}",
    helmRepository: "https://charts.external-secrets.io", index: ghPages("external-secrets/external-secrets"),
    // The chart's templates/crds are generated from these when the chart is packaged (hack/helm.generate.sh).
    crds: ["config/crds/bases"], keep: ["SecretStore", "ExternalSecret"],
  },
  "kube-prometheus-stack": {
    repository: PROMETHEUS, path: "charts/kube-prometheus-stack", tag: "kube-prometheus-stack-{v}",
    helmRepository: "https://prometheus-community.github.io/helm-charts", index: ghPages(PROMETHEUS),
    crds: ["charts/kube-prometheus-stack/charts/crds/crds"], keep: ["ServiceMonitor", "Probe", "PrometheusRule"],
  },
  "prometheus-blackbox-exporter": {
    repository: PROMETHEUS, path: "charts/prometheus-blackbox-exporter", tag: "prometheus-blackbox-exporter-{v}",
    helmRepository: "https://prometheus-community.github.io/helm-charts", index: ghPages(PROMETHEUS),
  },
  "opentelemetry-collector": {
    repository: "open-telemetry/opentelemetry-helm-charts", path: "charts/opentelemetry-collector", tag: "opentelemetry-collector-{v}",
    helmRepository: "https://open-telemetry.github.io/opentelemetry-helm-charts", index: ghPages("open-telemetry/opentelemetry-helm-charts"),
  },
  jaeger: {
    repository: "jaegertracing/helm-charts", path: "charts/jaeger", tag: "jaeger-{v}",
    helmRepository: "https://jaegertracing.github.io/helm-charts", index: ghPages("jaegertracing/helm-charts"),
  },
  keda: {
    repository: "kedacore/charts", path: "keda", tag: "v{v}", helmRepository: "https://kedacore.github.io/charts",
    index: { repository: "kedacore/charts", ref: "main", file: "docs/index.yaml" },
    crds: ["keda/templates/crds"], keep: ["ScaledObject"],
  },
  "chaos-mesh": {
    repository: "chaos-mesh/chaos-mesh", path: "helm/chaos-mesh", tag: "chart-{v}", stamped: true,
    helmRepository: "https://charts.chaos-mesh.org", index: ghPages("chaos-mesh/charts"),
    crds: ["helm/chaos-mesh/crds"], keep: ["Schedule"],
  },
  karpenter: {
    repository: "aws/karpenter-provider-aws", path: "charts/karpenter", tag: "v{v}", stamped: true,
    helmRepository: "oci://public.ecr.aws/karpenter", crds: ["charts/karpenter/crds"], keep: ["NodePool", "EC2NodeClass"],
  },
  // The chart is published from aws/eks-charts (gh-pages index); its source is tagged here with the controller.
  "aws-load-balancer-controller": {
    repository: "kubernetes-sigs/aws-load-balancer-controller", path: "helm/aws-load-balancer-controller", tag: "v{v}",
    helmRepository: "https://aws.github.io/eks-charts", index: ghPages("aws/eks-charts"),
    crds: ["helm/aws-load-balancer-controller/crds"],
  },
  // The same CRDs as a chart of their own, which Helm upgrades (it never upgrades a chart's crds/).
  "karpenter-crd": {
    repository: "aws/karpenter-provider-aws", path: "charts/karpenter-crd", tag: "v{v}", stamped: true,
    helmRepository: "oci://public.ecr.aws/karpenter", crds: ["charts/karpenter-crd/templates"], keep: ["NodePool", "EC2NodeClass"],
  },
  reloader: {
    repository: "stakater/Reloader", path: "deployments/kubernetes/chart/reloader", tag: "chart-v{v}",
    helmRepository: "https://stakater.github.io/stakater-charts",
  },
  "aws-ebs-csi-driver": {
    repository: "kubernetes-sigs/aws-ebs-csi-driver", path: "charts/aws-ebs-csi-driver", tag: "helm-chart-aws-ebs-csi-driver-{v}",
    helmRepository: "https://kubernetes-sigs.github.io/aws-ebs-csi-driver", index: ghPages("kubernetes-sigs/aws-ebs-csi-driver"),
  },
  "metrics-server": {
    repository: "kubernetes-sigs/metrics-server", path: "charts/metrics-server", tag: "metrics-server-helm-chart-{v}",
    helmRepository: "https://kubernetes-sigs.github.io/metrics-server/", index: ghPages("kubernetes-sigs/metrics-server"),
  },
  // aws/eks-charts tags the whole repository at each release run (v0.0.N), and publishes each
  // chart's package and index on gh-pages.
  "aws-for-fluent-bit": {
    repository: "aws/eks-charts", path: "stable/aws-for-fluent-bit", tag: "{first}v0.0.*",
    helmRepository: "https://aws.github.io/eks-charts", index: ghPages("aws/eks-charts"),
  },
  "argo-rollouts": {
    repository: "argoproj/argo-helm", path: "charts/argo-rollouts", tag: "argo-rollouts-{v}",
    helmRepository: "https://argoproj.github.io/argo-helm", index: ghPages("argoproj/argo-helm"),
    crds: ["charts/argo-rollouts/templates/crds"], keep: ["Rollout", "AnalysisTemplate"],
  },
};

/**
 * Controllers' IAM policies, read from the chart's repository at the chart's tag, or from the
 * repository and ref (`source`) that documents the permissions of the version the chart runs.
 */
const IAM: Record<string, { paths: (version: string) => string[]; format: "json" | "cloudformation" | "markdown"; source?: { repository: string; ref: string } }> = {
  // docs/install.md at the tag names AmazonEBSCSIDriverPolicyV2.json as the example policy.
  "aws-ebs-csi-driver": { paths: () => ["docs/AmazonEBSCSIDriverPolicyV2.json", "docs/example-iam-policy.json"], format: "json" },
  "aws-load-balancer-controller": { paths: () => ["docs/install/iam_policy.json"], format: "json" },
  karpenter: {
    // The docs of a release live under its minor version once the docs are cut, else under preview/ and docs/.
    paths: (v) => [`v${v.split(".").slice(0, 2).join(".")}`, "preview", "docs"]
      .map((dir) => `website/content/en/${dir}/getting-started/getting-started-with-karpenter/cloudformation.yaml`),
    format: "cloudformation",
  },
  // The chart's image (AWS for Fluent Bit 3.2.1, chart 0.2.0) is Fluent Bit 4.2.2, whose
  // cloudwatch_logs output documents its permissions on the 4.2 branch of the docs (they have no
  // tags): move the ref with the chart's appVersion.
  "aws-for-fluent-bit": { paths: () => ["pipeline/outputs/cloudwatch.md"], format: "markdown", source: { repository: "fluent/fluent-bit-docs", ref: "4.2" } },
};

/** Written by hand from the chart's templates; any other field not derived here is kept too. */
const HAND_FIELDS = ["services", "serviceAccounts", "fullname", "freeFormValues", "undeclaredValues", "notes"] as const;
const DERIVED_FIELDS = ["chart", "version", "helmRepository", "source", "published", "chartYaml", "dependencies", "valuesRoot", "profiles", "crds"];

// ---------------------------------------------------------------------------------------------- git

const gitDirs = new Map<string, string>();

async function gitDir(repository: string): Promise<string> {
  const known = gitDirs.get(repository);
  if (known) return known;
  const dir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "mlts-upstream", `${repository.replace("/", "+")}.git`);
  if (!existsSync(dir)) await $`git clone --bare --filter=blob:none https://github.com/${repository} ${dir}`;
  else await $`git --git-dir=${dir} fetch --force --tags origin ${"+refs/heads/*:refs/heads/*"}`;
  gitDirs.set(repository, dir);
  return dir;
}

async function commitOf(dir: string, ref: string): Promise<string | null> {
  const out = await $`git --git-dir=${dir} rev-parse --verify -q ${`${ref}^{commit}`}`.quiet().nothrow();
  return out.exitCode === 0 ? out.text().trim() : null;
}

/** A file's text at a commit, following symbolic links; null when absent (or not in a partial snapshot). */
async function readFile(dir: string, commit: string, path: string): Promise<string | null> {
  const entry = (await $`git --git-dir=${dir} ls-tree ${commit} -- ${path}`.quiet().nothrow()).text().trim();
  if (!entry) return null;
  const out = await $`git --git-dir=${dir} cat-file -p ${`${commit}:${path}`}`.quiet().nothrow();
  if (out.exitCode !== 0) return null;
  return entry.startsWith("120000 ") ? readFile(dir, commit, posix.normalize(posix.join(posix.dirname(path), out.text().trim()))) : out.text();
}

/** Files under a path (or the path itself when it is a file). */
async function listFiles(dir: string, commit: string, path: string): Promise<string[]> {
  const out = await $`git --git-dir=${dir} ls-tree -r --name-only ${commit} -- ${path}`.quiet();
  return out.text().split("\n").filter(Boolean);
}

// --------------------------------------------------------------------------------------------- YAML

/** The documents of a multi-document YAML file, each as its own text. */
function documents(text: string): string[] {
  return text.split(/^---[ \t]*$/m).map((doc) => `${doc.replace(/^\s*\n/, "").trimEnd()}\n`)
    .filter((doc) => doc.split("\n").some((line) => line.trim() && !line.trim().startsWith("#")));
}

/** A Helm-templated CRD as plain YAML: every line holding a template action is dropped (they sit in metadata only). */
function detemplate(doc: string): { text: string; removed: number } {
  const lines = doc.split("\n");
  const kept = lines.filter((line) => !line.includes("{{"));
  return { text: kept.join("\n"), removed: lines.length - kept.length };
}

const write = async (path: string, text: string) => {
  mkdirSync(dirname(path), { recursive: true });
  await Bun.write(path, text);
};
const readJson = async (path: string): Promise<Record<string, unknown> | null> =>
  existsSync(path) ? ((await Bun.file(path).json()) as Record<string, unknown>) : null;
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

// ------------------------------------------------------------------------------------------- charts

interface CrdDoc { spec: { group: string; scope: string; names: { kind: string; plural: string }; versions: { name: string; served: boolean; storage: boolean }[] } }

async function refreshChart(chart: string, version: string): Promise<{ tag: string; commit: string }> {
  const src = SOURCES[chart];
  if (!src) throw new Error(`${chart}: not in the source table of scripts/refresh-upstream.ts (known: ${Object.keys(SOURCES).join(", ")})`);
  const dir = await gitDir(src.repository);
  const { tag, commit } = await releaseTag(chart, version, src, dir);
  const tagDate = (await $`git --git-dir=${dir} log -1 --format=%cI ${commit}`.quiet()).text().trim();
  const out = join(ROOT, "charts", chart);
  const chartYaml = YAML.parse((await readFile(dir, commit, `${src.path}/Chart.yaml`)) ?? "") as Record<string, unknown>;
  if (!src.stamped && String(chartYaml.version) !== version) {
    throw new Error(`${chart}@${version}: Chart.yaml at ${tag} says version ${chartYaml.version}; the tag pattern is wrong`);
  }

  const values = await readFile(dir, commit, `${src.path}/values.yaml`);
  if (values === null) throw new Error(`${chart}@${version}: no values.yaml at ${src.path}`);
  await write(join(out, "values.yaml"), values);
  const schema = await readFile(dir, commit, `${src.path}/values.schema.json`);
  if (schema === null) rmSync(join(out, "values.schema.json"), { force: true });
  else await write(join(out, "values.schema.json"), schema);

  // CRDs: every one the chart installs is listed; the kinds the program uses are kept as files.
  rmSync(join(out, "crds"), { recursive: true, force: true });
  const crds: Record<string, unknown>[] = [];
  for (const root of src.crds ?? []) {
    for (const path of (await listFiles(dir, commit, root)).filter((p) => /\.ya?ml$/.test(p))) {
      const whole = (await readFile(dir, commit, path)) ?? "";
      const docs = documents(whole);
      for (const raw of docs) {
        const detemplated = detemplate(raw);
        const { removed } = detemplated;
        // A plain file holding one CRD is kept byte for byte; a document of a multi-document file as its own text.
        const text = docs.length === 1 && !removed ? whole : detemplated.text;
        const doc = YAML.parse(detemplated.text) as { kind?: string } & CrdDoc;
        if (doc?.kind !== "CustomResourceDefinition") continue;
        const { group, names, versions, scope } = doc.spec;
        const file = src.keep?.includes(names.kind) ? `crds/${names.plural}.${group}.yaml` : undefined;
        if (file) await write(join(out, file), text);
        crds.push({
          group, kind: names.kind, plural: names.plural, scope,
          versions: versions.filter((v) => v.served).map((v) => v.name),
          storageVersion: versions.find((v) => v.storage)?.name,
          ...(versions.some((v) => !v.served) ? { notServed: versions.filter((v) => !v.served).map((v) => v.name) } : {}),
          ...(file ? { file, bytes: Buffer.byteLength(text) } : {}),
          source: path, ...(removed ? { templateLinesRemoved: removed } : {}),
        });
      }
    }
  }

  const profiles = src.valuesRoot ? await istioProfiles(dir, commit, src.path) : undefined;
  const previous = (await readJson(join(out, "chart.json"))) ?? {};
  const hand = Object.fromEntries(HAND_FIELDS.map((k) => [k, previous[k] ?? (k === "fullname" ? "" : [])]));
  const derived = {
    chart, version, helmRepository: src.helmRepository,
    source: { repository: src.repository, tag, commit, path: src.path },
    published: { tag, tagCommit: commit, tagDate, index: await checkIndex(chart, version, tagDate, src.index) },
    chartYaml: { version: chartYaml.version, appVersion: chartYaml.appVersion, kubeVersion: chartYaml.kubeVersion ?? null, ...(src.stamped ? { stampedAtRelease: true } : {}) },
    ...(Array.isArray(chartYaml.dependencies) ? { dependencies: chartYaml.dependencies } : {}),
    ...(src.valuesRoot ? { valuesRoot: src.valuesRoot } : {}),
    ...(profiles ? { profiles } : {}),
    crds,
  };
  // Merge, don't clobber: every field this script does not derive is kept as it was written by hand.
  const kept = Object.fromEntries(Object.entries(previous).filter(([k]) => !DERIVED_FIELDS.includes(k) && !(k in hand)));
  await write(join(out, "chart.json"), json({ ...derived, ...hand, ...kept }));
  return { tag, commit };
}

/** The tag a chart version was released under; throws, naming the releases around it, when there is none. */
async function releaseTag(chart: string, version: string, src: ChartSource, dir: string): Promise<{ tag: string; commit: string }> {
  const unreleased = (released: string[]) => {
    const sorted = [...new Set(released)].filter((v) => /^\d+\.\d+\.\d+$/.test(v)).sort(Bun.semver.order);
    const at = sorted.findIndex((v) => Bun.semver.order(v, version) > 0);
    const near = at < 0 ? sorted.slice(-3) : sorted.slice(Math.max(0, at - 3), at + 3);
    return new Error(`${chart}@${version}: ${src.repository} has no release tag of this version, so it was never released. Released near it: ${near.join(", ")}; newest: ${sorted.at(-1)}`);
  };
  const glob = /^\{first\}(.+)$/.exec(src.tag)?.[1];
  if (glob) {
    const tags = (await $`git --git-dir=${dir} tag --list --sort=v:refname ${glob}`.quiet()).text().split("\n").filter(Boolean);
    const seen: string[] = [];
    for (const tag of tags) {
      const commit = await commitOf(dir, tag);
      const chartYaml = commit && (await readFile(dir, commit, `${src.path}/Chart.yaml`));
      const tagged = chartYaml ? String((YAML.parse(chartYaml) as { version?: unknown }).version) : undefined;
      if (tagged === version && commit) return { tag, commit };
      if (tagged) seen.push(tagged);
    }
    throw unreleased(seen);
  }
  const tag = src.tag.replace("{v}", version);
  const commit = await commitOf(dir, tag);
  if (commit) return { tag, commit };
  const prefix = src.tag.split("{v}")[0] ?? "";
  const tags = (await $`git --git-dir=${dir} tag --list ${`${prefix}*`}`.quiet()).text().split("\n");
  throw unreleased(tags.map((t) => t.slice(prefix.length)));
}

/** Istio charts: the names `profile`, `platform` and `compatibilityVersion` accept (files/profile-*.yaml). */
async function istioProfiles(dir: string, commit: string, path: string) {
  const names = (await listFiles(dir, commit, `${path}/files`)).map((p) => posix.basename(p).match(/^profile-(.+)\.yaml$/)?.[1]).filter((n) => n !== undefined);
  const strip = (prefix: string) => names.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
  return { profile: names.filter((n) => !/^(platform|compatibility-version)-/.test(n)), platform: strip("platform-"), compatibilityVersion: strip("compatibility-version-") };
}

/** Is the version listed in the Helm repository's index? An index older than the tag can't tell. */
async function checkIndex(chart: string, version: string, tagDate: string, index?: IndexSource) {
  if (!index) return { status: "none", reason: "the Helm repository's index is not kept in git (OCI registry or object storage)" };
  const dir = await gitDir(index.repository);
  const commit = await commitOf(dir, index.ref);
  const text = commit && (await readFile(dir, commit, index.file));
  const where = { repository: index.repository, ref: index.ref, file: index.file, commit };
  if (!text) return { status: "unreadable", ...where, reason: "index.yaml is absent from this copy of the repository" };
  const parsed = YAML.parse(text) as { generated?: string; entries?: Record<string, { version: string; created?: string; digest?: string; appVersion?: string; urls?: string[] }[]> };
  const entry = parsed.entries?.[chart]?.find((e) => String(e.version) === version);
  if (entry) return { status: "listed", ...where, generated: parsed.generated, created: entry.created, digest: entry.digest, appVersion: entry.appVersion, url: entry.urls?.[0] };
  if (parsed.generated && new Date(parsed.generated) < new Date(tagDate)) {
    console.warn(`warning: ${chart}@${version}: the index (generated ${parsed.generated}) predates the tag (${tagDate}); publication not verified`);
    return { status: "stale", ...where, generated: parsed.generated, reason: "the index predates the tag" };
  }
  throw new Error(`${chart}@${version}: tagged, but not in ${index.repository}:${index.ref}:${index.file} (generated ${parsed.generated}), so never published`);
}

// ---------------------------------------------------------------------------------------------- IAM

async function refreshIam(chart: string, version: string, chartTag: string, chartCommit: string): Promise<void> {
  const iam = IAM[chart];
  const src = SOURCES[chart];
  if (!iam || !src) return;
  const repository = iam.source?.repository ?? src.repository;
  const dir = await gitDir(repository);
  const ref = iam.source?.ref ?? chartTag;
  const commit = iam.source ? await commitOf(dir, iam.source.ref) : chartCommit;
  if (!commit) throw new Error(`${chart}@${version}: ${repository} has no ref ${ref}`);
  const candidates = iam.paths(version);
  let path: string | undefined, text: string | null = null;
  for (const candidate of candidates) if ((text = await readFile(dir, commit, candidate)) !== null) { path = candidate; break; }
  if (!path || text === null) throw new Error(`${chart}@${version}: no IAM policy at ${candidates.join(" or ")}`);
  const out = join(ROOT, "iam", chart);
  const alternatives = candidates.slice(candidates.indexOf(path) + 1);
  let policy: string, extra: Record<string, unknown> = {};
  if (iam.format === "json") {
    policy = text;
  } else if (iam.format === "markdown") {
    // A documentation page: the first JSON block after its Permissions heading.
    const block = /^#+\s*Permissions\b[\s\S]*?```json\n([\s\S]*?)```/m.exec(text)?.[1];
    if (!block) throw new Error(`${chart}@${version}: ${path} at ${ref} has no JSON block under a Permissions heading`);
    policy = block;
  } else {
    // CloudFormation: the controller's managed policies are JSON strings under !Sub; their ${...} stay as placeholders.
    const resources = (YAML.parse(text) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }).Resources;
    const statements: unknown[] = [];
    const policies: { resource: string; managedPolicyName: unknown; sids: unknown[] }[] = [];
    for (const [name, r] of Object.entries(resources)) {
      if (r.Type !== "AWS::IAM::ManagedPolicy") continue;
      const doc = JSON.parse(String(r.Properties.PolicyDocument)) as { Statement: { Sid?: string }[] };
      statements.push(...doc.Statement);
      policies.push({ resource: name, managedPolicyName: r.Properties.ManagedPolicyName, sids: doc.Statement.map((s) => s.Sid) });
    }
    policy = json({ Version: "2012-10-17", Statement: statements });
    const rules = Object.entries(resources).filter(([, r]) => r.Type === "AWS::Events::Rule")
      .map(([name, r]) => ({ rule: name, eventPattern: r.Properties.EventPattern }));
    const role = Object.entries(resources).find(([, r]) => r.Type === "AWS::IAM::Role");
    extra = { policies, nodeRole: role && { resource: role[0], managedPolicyArns: role[1].Properties.ManagedPolicyArns, assumeRolePolicyDocument: role[1].Properties.AssumeRolePolicyDocument }, interruptionRules: rules };
  }
  JSON.parse(policy); // must be JSON
  await write(join(out, "policy.json"), policy);
  const placeholders = [...new Set([...policy.matchAll(/\$\{([^}]+)\}/g)].map((m) => `\${${m[1]}}`))].sort();
  const blob = (await $`git --git-dir=${dir} rev-parse ${`${commit}:${path}`}`.quiet()).text().trim();
  await write(join(out, "provenance.json"), json({
    repository, tag: ref, ...(iam.source && !(await commitOf(dir, `refs/tags/${ref}`)) ? { refKind: "branch" } : {}), commit, path, blob, chartVersion: version,
    placeholders, ...(alternatives.length ? { alsoAtTag: alternatives } : {}), ...extra,
  }));
}

// --------------------------------------------------------------------------------------------- main

const args = process.argv.slice(2);
const targets: [string, string][] = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i] ?? "";
  if (arg === "--git-dir") {
    const [repo, path] = (args[++i] ?? "").split("=");
    if (!repo || !path) throw new Error("--git-dir takes owner/name=/path/to/git");
    gitDirs.set(repo, path);
  } else {
    const [chart, version] = arg.split("@");
    if (!chart || !version) throw new Error(`expected <chart>@<version>, got ${arg}`);
    targets.push([chart, version]);
  }
}
if (targets.length === 0) {
  for (const chart of readdirSync(join(ROOT, "charts")).sort()) {
    const recorded = await readJson(join(ROOT, "charts", chart, "chart.json"));
    if (recorded) targets.push([chart, String(recorded.version)]);
  }
}

let failed = 0;
for (const [chart, version] of targets) {
  try {
    const { tag, commit } = await refreshChart(chart, version);
    await refreshIam(chart, version, tag, commit);
    console.log(`${chart}@${version}: ${commit}`);
  } catch (error) {
    failed++;
    console.error(`error: ${(error as Error).message}`);
  }
}
process.exit(failed ? 1 : 0);
