// The pack as the Pulumi engine meets it: start infra/policy/index.ts, talk to its analyzer over
// gRPC, and check it reports what the offline harness reports, so the harness cannot drift from
// @pulumi/policy's own server.
import { afterAll, beforeAll, expect, test } from "bun:test";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { join } from "node:path";
import { policies } from "../../infra/policy/policies/index.ts";
import { awsRdsInstanceDisallowUnencryptedStorage } from "../../infra/policy/policies/aws-rds-instance-disallow-unencrypted-storage.ts";
import { kubernetesAppsDeploymentRequireMinimumReplicas } from "../../infra/policy/policies/kubernetes-apps-deployment-require-minimum-replicas.ts";
import { deployment } from "./fixtures.ts";
import { check, resource } from "./harness.ts";

let pack: ReturnType<typeof Bun.spawn<"ignore", "pipe", "inherit">>;
let client: analyzerRpc.AnalyzerClient;

beforeAll(async () => {
  pack = Bun.spawn(["bun", join(import.meta.dir, "../../infra/policy/index.ts")], { stdin: "ignore", stdout: "pipe", stderr: "inherit" });
  // The analyzer prints the port it listens on, as the engine expects.
  const reader = pack.stdout.getReader();
  let printed = "";
  while (!printed.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the policy pack exited before printing its port");
    printed += new TextDecoder().decode(value);
  }
  client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${printed.trim()}`, grpc.credentials.createInsecure());
});

afterAll(() => {
  client?.close();
  pack?.kill();
});

const call = <Request, Response>(method: (request: Request, callback: (error: grpc.ServiceError | null, response: Response) => void) => void, request: Request) =>
  new Promise<Response>((resolve, reject) => method.call(client, request, (error, response) => (error ? reject(error) : resolve(response))));

test("the engine sees every policy with its enforcement level and config schema", async () => {
  const info = await call<Empty, analyzerProto.AnalyzerInfo>(client.getAnalyzerInfo, new Empty());
  expect(info.getName()).toBe("mlts-platform");
  expect(info.getVersion()).toBe("0.1.0");
  const served = info.getPoliciesList().map((policy) => policy.getName());
  expect(served.sort()).toEqual(policies.map((policy) => policy.name).sort());
}, 20_000);

test("the analyzer and the offline harness report the same violation for the same resource", async () => {
  const inputs = { storageEncrypted: false, engine: "postgres" };
  const fixture = resource("aws:rds/instance:Instance", inputs, { stack: "prod" });
  const request = new analyzerProto.AnalyzeRequest();
  request.setType(fixture.type);
  request.setName(fixture.name);
  request.setUrn(fixture.urn);
  request.setProperties(Struct.fromJavaScript(inputs));
  request.setOptions(new analyzerProto.AnalyzerResourceOptions());
  const response = await call<analyzerProto.AnalyzeRequest, analyzerProto.AnalyzeResponse>(client.analyze, request);
  const fromEngine = response
    .getDiagnosticsList()
    .filter((diagnostic) => diagnostic.getPolicyname() === awsRdsInstanceDisallowUnencryptedStorage.name)
    .map((diagnostic) => diagnostic.getMessage());
  // The engine prefixes each message with the policy's description; the offline report does not.
  const offline = await check(awsRdsInstanceDisallowUnencryptedStorage, fixture);
  expect(offline).toHaveLength(1);
  expect(fromEngine).toEqual(offline.map((message) => `${awsRdsInstanceDisallowUnencryptedStorage.description}\n${message}`));
}, 20_000);

test("stack analysis links dependencies the same way: a KEDA ScaledObject found by dependency sets the floor", async () => {
  const api = deployment({}, { stack: "prod", replicas: 3 });
  const scaled = resource("kubernetes:keda.sh/v1alpha1:ScaledObject", { spec: { scaleTargetRef: { name: "generated" }, minReplicaCount: 1 } }, { stack: "prod", dependsOn: [api] });
  const request = new analyzerProto.AnalyzeStackRequest();
  request.setResourcesList(
    [api, scaled].map((fixture) => {
      const analyzed = new analyzerProto.AnalyzerResource();
      analyzed.setType(fixture.type);
      analyzed.setName(fixture.name);
      analyzed.setUrn(fixture.urn);
      analyzed.setProperties(Struct.fromJavaScript(fixture.inputs as Record<string, never>));
      analyzed.setOptions(new analyzerProto.AnalyzerResourceOptions());
      analyzed.setDependenciesList(fixture.dependsOn ?? []);
      return analyzed;
    }),
  );
  const response = await call<analyzerProto.AnalyzeStackRequest, analyzerProto.AnalyzeResponse>(client.analyzeStack, request);
  const policy = kubernetesAppsDeploymentRequireMinimumReplicas;
  const fromEngine = response.getDiagnosticsList().filter((diagnostic) => diagnostic.getPolicyname() === policy.name);
  const offline = await check(policy, [api, scaled]);
  expect(offline).toEqual([expect.stringContaining("can run 1 replica(s)")]);
  expect(fromEngine.map((diagnostic) => diagnostic.getMessage())).toEqual(offline.map((message) => `${policy.description}\n${message}`));
  expect(fromEngine.map((diagnostic) => diagnostic.getUrn())).toEqual([api.urn]);
}, 20_000);
