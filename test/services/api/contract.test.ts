// The OpenAPI document as a client generator sees it: `redocly lint` with its recommended rules
// finds no error, the client types committed in testing/api-schema.ts are what openapi-typescript
// makes of the live document, and a client of openapi-fetch typed by them walks the README's
// journey (type-checked by `tsc`), every answer checked against the schema the document gives
// for its operation and status.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Ajv2020 from "ajv/dist/2020";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import createClient from "openapi-fetch";
import type { paths } from "../../../testing/api-schema.ts";
import { API_TYPES_FILE, generateApiTypes } from "../../../testing/api-types.ts";
import { startStack, type TestStack } from "../harness.ts";

type Json = Record<string, any>;

let stack: TestStack;
let document: Json;
beforeAll(async () => {
  stack = await startStack({ worker: true });
  document = (await stack.http("GET", "/openapi/json")).body;
});
afterAll(() => stack.stop());

describe("the document", () => {
  test("redocly lint (recommended rules): no error; the only warnings are probes and metrics having no 4xx answer", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlts-openapi-"));
    try {
      await Bun.write(join(dir, "openapi.json"), JSON.stringify(document));
      const cli = Bun.resolveSync("@redocly/cli/bin/cli.js", import.meta.dir);
      const lint = Bun.spawn(["bun", cli, "lint", join(dir, "openapi.json"), "--extends", "recommended", "--format", "json"], {
        cwd: dir,
        env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
        stdout: "pipe",
        stderr: "pipe",
      });
      const [out, code] = await Promise.all([new Response(lint.stdout).text(), lint.exited]);
      const problems = (JSON.parse(out).problems as { ruleId: string; severity: string; location: { pointer: string }[] }[]).map(
        (p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}`,
      );
      expect(problems.filter((p) => p.startsWith("error"))).toEqual([]);
      expect(problems.sort()).toEqual([
        "warn operation-4xx-response #/paths/~1health/get/responses",
        "warn operation-4xx-response #/paths/~1health~1ready/get/responses",
        "warn operation-4xx-response #/paths/~1metrics/get/responses",
      ]);
      expect(code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  test("every operation: an id, a summary, its security, a request schema for its body, and its errors in the one error shape", () => {
    const operations = Object.entries(document.paths as Json).flatMap(([path, methods]) => Object.entries(methods as Json).map(([method, op]) => ({ path, method, op: op as Json })));
    expect(operations.length).toBeGreaterThanOrEqual(30);
    for (const { path, method, op } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      expect([where, typeof op.operationId, typeof op.summary]).toEqual([where, "string", "string"]);
      expect([where, Array.isArray(op.security) || "inherits"]).toEqual([where, true]);
      // Readiness answers 503 with its own report, not an error.
      const errors = Object.keys(op.responses).filter((status) => status >= "400" && op.operationId !== "getReadiness");
      for (const status of errors) expect([where, status, op.responses[status].$ref]).toEqual([where, status, expect.stringMatching(/^#\/components\/responses\//)]);
      if (["post", "put", "patch"].includes(method) && !path.endsWith("/cancel")) {
        expect([where, op.requestBody?.content?.["application/json"]?.schema]).toEqual([where, expect.any(Object)]);
      }
      if (op.security?.length) expect([where, Object.keys(op.responses)]).toEqual([where, expect.arrayContaining(["401"])]);
    }
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(["Error", "Task", "TaskSubmission", "ModelVersion", "AliasState", "Schedule", "Workspace"]));
    expect(document.servers).toEqual([{ url: "/", description: expect.any(String) }]);
  });

  test("the committed client types are what openapi-typescript makes of it (UPDATE_API_TYPES=1 rewrites them)", async () => {
    const generated = await generateApiTypes(document);
    if (process.env.UPDATE_API_TYPES) await Bun.write(API_TYPES_FILE, generated);
    expect(await Bun.file(API_TYPES_FILE).text()).toBe(generated);
  }, 60_000);
});

describe("a client generated from it walks the README's journey", () => {
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  /** Checks an answer against the schema its operation documents for its status. */
  const documented = (method: string, path: string, status: number, body: unknown) => {
    const response = document.paths[path]?.[method]?.responses?.[status];
    expect([method, path, status, response === undefined ? "undocumented" : "documented"]).toEqual([method, path, status, "documented"]);
    const resolved = response.$ref ? document.components.responses[response.$ref.split("/").at(-1)] : response;
    const schema = resolved.content?.["application/json"]?.schema;
    if (!schema) return;
    // The document's components beside the schema, so its `#/components/...` references resolve.
    const validate = ajv.compile({ ...schema, components: document.components });
    const valid = validate(body);
    expect([method, path, status, valid ? [] : validate.errors]).toEqual([method, path, status, []]);
  };

  test("register, log in, train, make it production, predict, and act in a shared workspace", async () => {
    const client = createClient<paths>({ baseUrl: stack.api.url });
    const credentials = { email: "ada@example.com", password: "correct-horse-battery" };

    const registered = await client.POST("/auth/register", { body: credentials });
    documented("post", "/auth/register", registered.response.status, registered.data);
    expect(registered.data?.email).toBe(credentials.email);

    const login = await client.POST("/auth/login", { body: credentials });
    documented("post", "/auth/login", login.response.status, login.data);
    const token = login.data!.token;
    client.use({ onRequest: ({ request }) => (request.headers.set("authorization", `Bearer ${token}`), request) });

    const rows = [
      { tenure: 1, tickets: 5, churned: 1 }, { tenure: 2, tickets: 4, churned: 1 }, { tenure: 3, tickets: 6, churned: 1 },
      { tenure: 24, tickets: 0, churned: 0 }, { tenure: 36, tickets: 1, churned: 0 }, { tenure: 48, tickets: 0, churned: 0 },
    ];
    const train = await client.POST("/tasks", { body: { type: "train", payload: { model: "churn", algorithm: "logistic", label: "churned", rows } } });
    documented("post", "/tasks", train.response.status, train.data);
    const trained = await client.GET("/tasks/{id}", { params: { path: { id: train.data!.id }, query: { wait: 10 } } });
    documented("get", "/tasks/{id}", trained.response.status, trained.data);
    expect(trained.data?.status).toBe("succeeded");
    const trainResult = trained.data!.result;
    expect(trainResult && "algorithm" in trainResult ? trainResult.version : undefined).toBe(1);

    const production = await client.PUT("/models/{name}/aliases/{alias}", { params: { path: { name: "churn", alias: "production" } }, body: { version: 1 } });
    documented("put", "/models/{name}/aliases/{alias}", production.response.status, production.data);
    expect(production.data?.version).toBe(1);

    const predict = await client.POST("/tasks", { body: { type: "predict", payload: { model: "churn", input: { tenure: 2, tickets: 5 } } } });
    const predicted = await client.GET("/tasks/{id}", { params: { path: { id: predict.data!.id }, query: { wait: 10 } } });
    documented("get", "/tasks/{id}", predicted.response.status, predicted.data);
    const prediction = predicted.data!.result;
    expect(prediction && "score" in prediction ? [prediction.label, prediction.version] : undefined).toEqual([1, 1]);
    expect(predicted.data!.modelVersion).toBe(1);

    const models = await client.GET("/models");
    documented("get", "/models", models.response.status, models.data);
    expect(models.data?.items).toEqual([{ name: "churn", latestVersion: 1, versions: 1, aliases: { production: 1 } }]);
    const version = await client.GET("/models/{name}/versions/{version}", { params: { path: { name: "churn", version: 1 } } });
    documented("get", "/models/{name}/versions/{version}", version.response.status, version.data);
    const history = await client.GET("/models/{name}/aliases/{alias}/history", { params: { path: { name: "churn", alias: "production" } } });
    documented("get", "/models/{name}/aliases/{alias}/history", history.response.status, history.data);

    const team = await client.POST("/workspaces", { body: { name: "Churn team" } });
    documented("post", "/workspaces", team.response.status, team.data);
    const inTeam = { header: { "Workspace-Id": team.data!.id } };
    const schedule = await client.POST("/schedules", {
      params: inTeam,
      body: { name: "nightly drift", cron: "0 3 * * *", task: { type: "drift-check", payload: { model: "churn" } } },
    });
    documented("post", "/schedules", schedule.response.status, schedule.data);
    const teamTasks = await client.GET("/tasks", { params: { ...inTeam, query: { limit: 10 } } });
    documented("get", "/tasks", teamTasks.response.status, teamTasks.data);
    expect(teamTasks.data?.items).toEqual([]);
    const workspaces = await client.GET("/workspaces");
    documented("get", "/workspaces", workspaces.response.status, workspaces.data);

    // Errors come typed too, in the one error shape.
    const missing = await client.GET("/tasks/{id}", { params: { path: { id: crypto.randomUUID() } } });
    documented("get", "/tasks/{id}", missing.response.status, missing.error);
    expect(missing.error?.error.code).toBe("not_found");
    const invalid = await client.POST("/tasks", { body: { type: "predict", payload: { model: "churn", version: 2, input: { tenure: 1, tickets: 1 } } } });
    documented("post", "/tasks", invalid.response.status, invalid.error);
    expect(invalid.error?.error.message).toBe('/payload/model: model "churn" has no version 2');
    const noToken = await createClient<paths>({ baseUrl: stack.api.url }).GET("/models");
    documented("get", "/models", noToken.response.status, noToken.error);
  });
});
