import type { StackValidationPolicy } from "@pulumi/policy";
import { HELM_RELEASE } from "../lib/charts.ts";
import { annotationsOf, kubernetesObjects, labelsOf } from "../lib/kubernetes.ts";
import { describe } from "../lib/resources.ts";

const ENFORCE = "pod-security.kubernetes.io/enforce";
const REASON = "mlts.io/pod-security-reason";
/** Namespaces the cluster has from the start, which the stack does not create. */
const CLUSTER_NAMESPACES = ["kube-system", "default"];

export const kubernetesNamespaceRequirePodSecurity: StackValidationPolicy = {
  name: "kubernetes-namespace-require-pod-security",
  description:
    "Every namespace the stack creates enforces a Pod Security Standard: restricted, or baseline/privileged with the reason written on it " +
    `(annotation ${REASON}); no Helm release creates its namespace itself (it would have no labels).`,
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, reportViolation) => {
    for (const namespace of kubernetesObjects(args.resources).filter((o) => o.kind === "Namespace" && o.group === "")) {
      const level = labelsOf(namespace.resource.props)[ENFORCE];
      if (!level || !["restricted", "baseline", "privileged"].includes(level)) {
        reportViolation(`${describe(namespace.resource)} enforces no Pod Security Standard (label ${ENFORCE}).`, namespace.resource.urn);
      } else if (level !== "restricted" && !annotationsOf(namespace.resource.props)[REASON]) {
        reportViolation(`${describe(namespace.resource)} enforces only ${level}, without saying why (annotation ${REASON}).`, namespace.resource.urn);
      }
    }
    for (const release of args.resources.filter((r) => r.type === HELM_RELEASE)) {
      const props = release.props as { createNamespace?: boolean; namespace?: string };
      if (props.createNamespace && !CLUSTER_NAMESPACES.includes(props.namespace ?? "default")) {
        reportViolation(`${describe(release)} creates namespace ${props.namespace} itself, with no Pod Security labels: create it in the program.`, release.urn);
      }
    }
  },
};
