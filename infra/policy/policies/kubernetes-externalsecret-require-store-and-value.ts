import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { waitsFor } from "../lib/graph.ts";
import { annotationsOf, type KubernetesObject, kubernetesObjects } from "../lib/kubernetes.ts";
import { describe } from "../lib/resources.ts";

interface ExternalSecretSpec {
  secretStoreRef?: { name?: string; kind?: string };
  dataFrom?: { extract?: { key?: string } }[];
  data?: { remoteRef?: { key?: string } }[];
}
interface StoreSpec { provider?: { aws?: { auth?: { jwt?: { serviceAccountRef?: { name?: string } } } } } }

const IRSA_ANNOTATION = "eks.amazonaws.com/role-arn";
const ROLE_POLICY_TYPES = ["aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment"];

export const kubernetesExternalSecretRequireStoreAndValue: StackValidationPolicy = {
  name: "kubernetes-externalsecret-require-store-and-value",
  description:
    "Every ExternalSecret reads through a SecretStore of its namespace that the stack creates, from Secrets Manager secrets the stack creates, and is created only after " +
    "a value of each secret exists and after the IAM policies of the role its store authenticates as: otherwise its first sync fails and the pods that need it never start.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, reportViolation) => {
    const objects = kubernetesObjects(args.resources);
    const secrets = args.resources.filter((r) => r.type === "aws:secretsmanager/secret:Secret");
    const versions = args.resources.filter((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion");
    const roles = args.resources.filter((r) => r.type === "aws:iam/role:Role");
    const rolePolicies = args.resources.filter((r) => ROLE_POLICY_TYPES.includes(r.type));

    for (const external of objects.filter((o) => o.kind === "ExternalSecret")) {
      const report = (problem: string) => reportViolation(`${describe(external.resource)}: ${problem}`, external.resource.urn);
      const waits = (other: PolicyResource) => waitsFor(external.resource, other, args.resources);
      const spec = (external.resource.props.spec ?? {}) as ExternalSecretSpec;
      const storeKind = spec.secretStoreRef?.kind ?? "SecretStore";
      const store = objects.find((o) => o.kind === storeKind && o.name === spec.secretStoreRef?.name && (storeKind === "ClusterSecretStore" || o.namespace === external.namespace));
      if (!store) report(`its ${storeKind} "${spec.secretStoreRef?.name}" is not created by the stack in namespace ${external.namespace}.`);
      else if (!waits(store.resource)) report(`it is not created after its ${storeKind} "${store.name}".`);
      else checkStoreIdentity(store, objects, { roles, rolePolicies }, waits, report);

      const keys = [...(spec.dataFrom ?? []).map((d) => d.extract?.key), ...(spec.data ?? []).map((d) => d.remoteRef?.key)].filter((k): k is string => typeof k === "string");
      for (const key of keys) {
        const secret = secrets.find((s) => s.props.arn === key || s.props.name === key || waits(s));
        if (!secret) {
          report(`it reads "${key}", which is no Secrets Manager secret of the stack.`);
        } else if (!versions.some((version) => waitsFor(version, secret, args.resources) && waits(version))) {
          report(`it does not wait for a value of ${describe(secret)} (a SecretVersion): its first sync would find no value.`);
        }
      }
    }
  },
};

/** The store's service account must exist with an IRSA role, and the ExternalSecret wait for that role's policies. */
function checkStoreIdentity(
  store: KubernetesObject,
  objects: KubernetesObject[],
  iam: { roles: PolicyResource[]; rolePolicies: PolicyResource[] },
  waits: (other: PolicyResource) => boolean,
  report: (problem: string) => void,
): void {
  const accountName = (store.resource.props.spec as StoreSpec | undefined)?.provider?.aws?.auth?.jwt?.serviceAccountRef?.name;
  if (!accountName) return; // another kind of authentication: nothing of ours to check
  const account = objects.find((o) => o.kind === "ServiceAccount" && o.name === accountName && o.namespace === store.namespace);
  if (!account) return report(`its store authenticates as service account ${store.namespace}/${accountName}, which the stack does not create.`);
  const roleArn = annotationsOf(account.resource.props)[IRSA_ANNOTATION];
  // The annotation carries the role's ARN: known in a simulation, unknown in a preview, where the
  // service account's own dependency on the role identifies it.
  // No annotation, no ARN to match: role inputs carry none either, and undefined === undefined would pick any role.
  const role = (roleArn === undefined ? undefined : iam.roles.find((r) => r.props.arn === roleArn)) ??
    iam.roles.find((r) => account.resource.dependencies.some((d) => d.urn === r.urn));
  if (!role) return;
  for (const policy of iam.rolePolicies.filter((p) => p.dependencies.some((d) => d.urn === role.urn))) {
    if (!waits(policy)) report(`it is not created after ${describe(policy)}, which lets its store's role read the secret.`);
  }
}
