import type { StackValidationPolicy } from "@pulumi/policy";
import { helmReleases, releaseCrds } from "../lib/charts.ts";
import { waitsFor } from "../lib/graph.ts";
import { isBuiltInGroup, kubernetesObjects } from "../lib/kubernetes.ts";
import { describe } from "../lib/resources.ts";

export const kubernetesCustomResourceRequireCrdRelease: StackValidationPolicy = {
  name: "kubernetes-custom-resource-require-crd-release",
  description:
    "Every custom resource's kind and version is served by a CRD that a Helm release of the stack installs (per the chart's upstream CRDs), " +
    "and the custom resource is created after that release, so a first `pulumi up` (and its preview) never meets an unknown kind.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, reportViolation) => {
    const releases = helmReleases(args.resources);
    for (const object of kubernetesObjects(args.resources)) {
      if (isBuiltInGroup(object.group)) continue;
      const version = object.apiVersion.split("/")[1] ?? "";
      const installers = releases.filter((release) => releaseCrds(release).some((crd) =>
        crd.group === object.group && crd.kind === object.kind && crd.versions.includes(version)));
      const what = `${describe(object.resource)} (${object.apiVersion} ${object.kind})`;
      if (installers.length === 0) {
        reportViolation(`${what}: no Helm release in this stack installs a CRD serving it.`, object.resource.urn);
      } else if (!installers.some((release) => waitsFor(object.resource, release.resource, args.resources))) {
        reportViolation(`${what} is not created after ${installers.map((r) => `release ${r.name}`).join(" or ")}, which installs its CRD: add it to dependsOn.`, object.resource.urn);
      }
    }
  },
};
