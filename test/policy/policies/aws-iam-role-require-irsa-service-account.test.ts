import { expect, test } from "bun:test";
import { awsIamRoleRequireIrsaServiceAccount as policy } from "../../../infra/policy/policies/aws-iam-role-require-irsa-service-account.ts";
import { helmRelease, kubernetesObject } from "../fixtures.ts";
import { check, resource } from "../harness.ts";

const issuer = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE";

/** An IRSA role as infra/cluster.ts `serviceAccountRole` writes its trust policy. */
const irsaRole = (name: string, namespace: string, serviceAccount: string) =>
  resource("aws:iam/role:Role", {
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{
        Effect: "Allow",
        Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${issuer}` },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`, [`${issuer}:aud`]: "sts.amazonaws.com" } },
      }],
    }),
  }, { name });

const serviceAccount = (name: string, namespace: string) => kubernetesObject("v1", "ServiceAccount", { name, namespace });

test("passes a role trusting a ServiceAccount the stack declares", async () => {
  expect(await check(policy, [irsaRole("reader", "mlts", "secrets-reader"), serviceAccount("secrets-reader", "mlts")])).toEqual([]);
});

test("passes roles trusting service accounts that charts create, by their upstream name patterns", async () => {
  // karpenter's `{serviceAccount.name|fullname}`: the release "karpenter" of chart karpenter is plain "karpenter".
  expect(await check(policy, [irsaRole("karpenter", "kube-system", "karpenter"), helmRelease("karpenter")])).toEqual([]);
  // kube-prometheus-stack's `{alertmanager.serviceAccount.name|fullname-alertmanager}`, with and without the name set in values.
  const stack = helmRelease("kube-prometheus-stack", { alertmanager: { serviceAccount: { name: "alertmanager" } } });
  expect(await check(policy, [irsaRole("alertmanager", "monitoring", "alertmanager"), stack])).toEqual([]);
  const defaults = helmRelease("kube-prometheus-stack");
  expect(await check(policy, [irsaRole("alertmanager", "monitoring", "kube-prometheus-stack-alertmanager"), defaults])).toEqual([]);
});

test("passes a role whose trust policy is unknown (preview) or not IRSA", async () => {
  expect(await check(policy, resource("aws:iam/role:Role", {}, { name: "pending" }))).toEqual([]);
  expect(await check(policy, resource("aws:iam/role:Role", { assumeRolePolicy: JSON.stringify({ Statement: [{ Principal: { Service: "ec2.amazonaws.com" } }] }) }))).toEqual([]);
});

test("rejects a role trusting a service account nobody creates, listing those of its namespace", async () => {
  expect(await check(policy, [irsaRole("reader", "mlts", "secret-reader"), serviceAccount("secrets-reader", "mlts")])).toEqual([
    'aws:iam/role:Role "reader" trusts service account mlts/secret-reader, which the stack does not create (in mlts: mlts/secrets-reader).',
  ]);
  // Right name, wrong namespace.
  expect(await check(policy, [irsaRole("reader", "mlts", "secrets-reader"), serviceAccount("secrets-reader", "default")])).toEqual([
    expect.stringContaining("trusts service account mlts/secrets-reader, which the stack does not create (in mlts: none)"),
  ]);
});

test("rejects a role trusting a chart's service account under a name or condition the release does not give it", async () => {
  // The values name the account "alertmanager"; the chart's default name no longer exists.
  const named = helmRelease("kube-prometheus-stack", { alertmanager: { serviceAccount: { name: "alertmanager" } } });
  expect(await check(policy, [irsaRole("alertmanager", "monitoring", "kube-prometheus-stack-alertmanager"), named])).toEqual([
    expect.stringContaining("trusts service account monitoring/kube-prometheus-stack-alertmanager, which the stack does not create (in monitoring: monitoring/alertmanager,"),
  ]);
  // serviceAccount.create: false, the chart's enabledBy condition, means no account at all.
  const noAccount = helmRelease("karpenter", { serviceAccount: { create: false } });
  expect(await check(policy, [irsaRole("karpenter", "kube-system", "karpenter"), noAccount])).toEqual([
    expect.stringContaining("trusts service account kube-system/karpenter, which the stack does not create (in kube-system: none)"),
  ]);
});
