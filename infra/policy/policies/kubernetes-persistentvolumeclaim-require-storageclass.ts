import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { helmReleases, isMap } from "../lib/charts.ts";
import { annotationsOf, kubernetesObjects } from "../lib/kubernetes.ts";
import { describe } from "../lib/resources.ts";

const DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";

interface Claim { resource: PolicyResource; where: string; storageClassName: string | undefined }

/** Claim specs inside a value: every `volumeClaimTemplate(s)`' spec, as charts and StatefulSets write them. */
function claimsIn(value: unknown, path: string): { where: string; spec: Record<string, unknown> }[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => claimsIn(item, `${path}[${i}]`));
  if (!isMap(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const here = path ? `${path}.${key}` : key;
    if (key === "volumeClaimTemplate" && isMap(child) && isMap(child.spec)) return [{ where: here, spec: child.spec }];
    if (key === "volumeClaimTemplates" && Array.isArray(child)) {
      return child.flatMap((template, i) => (isMap(template) && isMap(template.spec) ? [{ where: `${here}[${i}]`, spec: template.spec }] : []));
    }
    return claimsIn(child, here);
  });
}

export const kubernetesPersistentVolumeClaimRequireStorageClass: StackValidationPolicy = {
  name: "kubernetes-persistentvolumeclaim-require-storageclass",
  description:
    "Every volume claim (PersistentVolumeClaims, StatefulSet templates, and claim templates in Helm values) names a StorageClass the stack creates, " +
    "or there is a default StorageClass: EKS has neither a CSI driver nor a default class, and an unbound claim keeps its pod Pending forever.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, reportViolation) => {
    const objects = kubernetesObjects(args.resources);
    const classes = objects.filter((o) => o.kind === "StorageClass");
    const hasDefault = classes.some((c) => annotationsOf(c.resource.props)[DEFAULT_CLASS] === "true");
    const claims: Claim[] = [
      ...objects.filter((o) => o.kind === "PersistentVolumeClaim").map((o) => ({ resource: o.resource, where: "spec", storageClassName: (o.resource.props.spec as { storageClassName?: string } | undefined)?.storageClassName })),
      ...[...objects.map((o) => ({ resource: o.resource, value: o.resource.props.spec })), ...helmReleases(args.resources).map((r) => ({ resource: r.resource, value: r.values }))]
        .flatMap(({ resource, value }) => claimsIn(value, "").map(({ where, spec }) => ({ resource, where, storageClassName: spec.storageClassName as string | undefined }))),
    ];
    for (const claim of claims) {
      if (claim.storageClassName === undefined || claim.storageClassName === null) {
        if (!hasDefault) reportViolation(`${describe(claim.resource)} ${claim.where} names no StorageClass and the stack creates no default one.`, claim.resource.urn);
      } else if (claim.storageClassName !== "" && !classes.some((c) => c.name === claim.storageClassName)) {
        reportViolation(`${describe(claim.resource)} ${claim.where} names StorageClass "${claim.storageClassName}", which the stack does not create.`, claim.resource.urn);
      }
    }
  },
};
