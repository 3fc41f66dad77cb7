import { expect, test } from "bun:test";
import { awsSecretsManagerSecretRequireRotation as policy } from "../../../infra/policy/policies/aws-secretsmanager-secret-require-rotation.ts";
import type { RegisteredResource } from "../../../infra/policy/engine.ts";
import { check, resource } from "../harness.ts";

const secret = (name: string, tags?: Record<string, string>) =>
  resource("aws:secretsmanager/secret:Secret", {
    description: `secret ${name}`,
    kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/app",
    recoveryWindowInDays: 7,
    ...(tags ? { tags } : {}),
  }, { name });
/** `secretId: secret.id`, as the engine records it. */
const rotationOf = (target: RegisteredResource) =>
  resource("aws:secretsmanager/secretRotation:SecretRotation", {
    secretId: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${target.name}`,
    rotationLambdaArn: "arn:aws:lambda:eu-west-1:123456789012:function:rotate",
    rotationRules: { automaticallyAfterDays: 30 },
  }, { name: target.name, dependsOn: [target], propertyDependencies: { secretId: [target] } });

const neverRotated = (name: string) =>
  `aws:secretsmanager/secret:Secret "${name}" is never rotated: add a SecretRotation, or a rotation-waiver tag with how it is rotated.`;

test("passes a secret with a SecretRotation", async () => {
  const db = secret("db");
  expect(await check(policy, [db, rotationOf(db)])).toEqual([]);
});

test("passes a secret whose rotation-waiver tag says how it is rotated instead (infra/app/secrets.ts)", async () => {
  const app = secret("mlts-prod-app", { "rotation-waiver": "rotated by a config change: mlts:app.jwtKeyGeneration for the JWT keys" });
  expect(await check(policy, app)).toEqual([]);
});

test("rejects a secret with neither, an empty waiver, or another secret's rotation", async () => {
  expect(await check(policy, secret("db"))).toEqual([neverRotated("db")]);
  expect(await check(policy, secret("db", { team: "platform" }))).toEqual([neverRotated("db")]);
  expect(await check(policy, secret("db", { "rotation-waiver": "" }))).toEqual([neverRotated("db")]);
  const db = secret("db");
  expect(await check(policy, [db, rotationOf(db), secret("api-key")])).toEqual([neverRotated("api-key")]);
  // A new value is not a rotation.
  const version = resource("aws:secretsmanager/secretVersion:SecretVersion", { secretString: "{}" }, { name: "db", dependsOn: [db] });
  expect(await check(policy, [db, version])).toEqual([neverRotated("db")]);
});
