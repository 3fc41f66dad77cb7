import { expect, test } from "bun:test";
import { kubernetesExternalSecretRequireStoreAndValue as policy } from "../../../infra/policy/policies/kubernetes-externalsecret-require-store-and-value.ts";
import { kubernetesObject } from "../fixtures.ts";
import { check, type FixtureOptions, resource } from "../harness.ts";
import type { RegisteredResource } from "../../../infra/policy/engine.ts";

const roleArn = "arn:aws:iam::123456789012:role/secrets-reader";

// infra/app/secrets.ts: a secret and its value, an IRSA role and the policy that lets it read the
// secret, the role's service account, a SecretStore authenticating as it, and the ExternalSecret.
const secret = resource("aws:secretsmanager/secret:Secret", { name: "mlts/app" }, { name: "app" });
const value = resource("aws:secretsmanager/secretVersion:SecretVersion", { secretString: "{}" }, { name: "app", dependsOn: [secret] });
const role = resource("aws:iam/role:Role", { arn: roleArn }, { name: "reader" });
const access = resource("aws:iam/rolePolicy:RolePolicy", { policy: "{}" }, { name: "reader", dependsOn: [role] });
const reader = (annotations: Record<string, string> = { "eks.amazonaws.com/role-arn": roleArn }, options: FixtureOptions = {}) =>
  kubernetesObject("v1", "ServiceAccount", { name: "secrets-reader", namespace: "mlts", annotations }, {}, options);
const store = (options: FixtureOptions = {}, kind = "SecretStore", namespace = "mlts") =>
  kubernetesObject("external-secrets.io/v1", kind, { name: "aws", namespace }, {
    spec: { provider: { aws: { service: "SecretsManager", region: "eu-west-1", auth: { jwt: { serviceAccountRef: { name: "secrets-reader" } } } } } },
  }, options);
const externalSecret = (dependsOn: RegisteredResource[], key = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:mlts/app", kind = "SecretStore") =>
  kubernetesObject("external-secrets.io/v1", "ExternalSecret", { name: "mlts-app", namespace: "mlts" }, {
    spec: { secretStoreRef: { kind, name: "aws" }, target: { name: "mlts-app" }, dataFrom: [{ extract: { key } }] },
  }, { dependsOn });

const aws = [secret, value, role, access];
const theStore = store();
const wellOrdered = [...aws, reader(), theStore, externalSecret([theStore, value, access])];
// In a preview the annotation's ARN is unknown: the service account's dependency names the role.
const previewRole = resource("aws:iam/role:Role", {}, { name: "reader" });
const previewAccess = resource("aws:iam/rolePolicy:RolePolicy", {}, { name: "reader", dependsOn: [previewRole] });
const preview = [secret, value, previewRole, previewAccess, reader({}, { dependsOn: [previewRole] })];
const problemOf = (message: string) => `kubernetes:external-secrets.io/v1:ExternalSecret "mlts-app": ${message}`;

test("passes an ExternalSecret created after its store, a value of its secret and its role's policy", async () => {
  expect(await check(policy, wellOrdered)).toEqual([]);
  expect(await check(policy, [...preview, theStore, externalSecret([theStore, value, previewAccess])])).toEqual([]);
  // A ClusterSecretStore may live in any namespace.
  const clusterStore = store({}, "ClusterSecretStore", "external-secrets");
  const account2 = kubernetesObject("v1", "ServiceAccount", { name: "secrets-reader", namespace: "external-secrets" });
  expect(await check(policy, [...aws, account2, clusterStore, externalSecret([clusterStore, value, access], undefined, "ClusterSecretStore")])).toEqual([]);
});

test("passes a store's service account without an IRSA role: no role policy to wait for", async () => {
  // The stack's other roles (inputs carry no ARN) belong to someone else: their policies are not the store's.
  const alerting = resource("aws:iam/role:Role", {}, { name: "alertmanager" });
  const publish = resource("aws:iam/rolePolicy:RolePolicy", {}, { name: "alertmanager", dependsOn: [alerting] });
  expect(await check(policy, [secret, value, alerting, publish, reader({}), theStore, externalSecret([theStore, value])])).toEqual([]);
});

test("rejects an ExternalSecret whose store the stack does not create, or creates elsewhere or later", async () => {
  expect(await check(policy, [...aws, reader(), externalSecret([value, access])])).toEqual([
    problemOf('its SecretStore "aws" is not created by the stack in namespace mlts.'),
  ]);
  const elsewhere = store({}, "SecretStore", "default");
  expect(await check(policy, [...aws, reader(), elsewhere, externalSecret([elsewhere, value, access])])).toEqual([
    problemOf('its SecretStore "aws" is not created by the stack in namespace mlts.'),
  ]);
  expect(await check(policy, [...aws, reader(), theStore, externalSecret([value, access])])).toEqual([
    problemOf('it is not created after its SecretStore "aws".'),
  ]);
});

test("rejects a store authenticating as a missing service account, or an ExternalSecret not waiting for the role's policy", async () => {
  expect(await check(policy, [...aws, theStore, externalSecret([theStore, value, access])])).toEqual([
    problemOf("its store authenticates as service account mlts/secrets-reader, which the stack does not create."),
  ]);
  expect(await check(policy, [...aws, reader(), theStore, externalSecret([theStore, value])])).toEqual([
    problemOf('it is not created after aws:iam/rolePolicy:RolePolicy "reader", which lets its store\'s role read the secret.'),
  ]);
  expect(await check(policy, [...preview, theStore, externalSecret([theStore, value])])).toEqual([
    expect.stringContaining('it is not created after aws:iam/rolePolicy:RolePolicy "reader"'),
  ]);
});

test("rejects a key that is no secret of the stack, or a secret without a value to wait for", async () => {
  expect(await check(policy, [role, access, reader(), theStore, externalSecret([theStore, access], "mlts/other")])).toEqual([
    problemOf('it reads "mlts/other", which is no Secrets Manager secret of the stack.'),
  ]);
  expect(await check(policy, [...aws, reader(), theStore, externalSecret([theStore, access], "mlts/app")])).toEqual([
    problemOf('it does not wait for a value of aws:secretsmanager/secret:Secret "app" (a SecretVersion): its first sync would find no value.'),
  ]);
  // Waiting for the secret alone is not waiting for its value.
  expect(await check(policy, [...aws, reader(), theStore, externalSecret([theStore, secret, access])])).toEqual([
    expect.stringContaining("does not wait for a value of"),
  ]);
});
