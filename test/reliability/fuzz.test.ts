// Hostile input: thousands of seeded, malformed requests across every route (bad JSON, wrong types,
// deep nesting, unicode and lone surrogates, integers at and past int32, numeric strings, huge
// magnitudes, path tricks, missing and forged tokens, foreign workspaces, oversized bodies and
// batches).
// Whatever arrives, the API answers 4xx in its JSON error shape: never a 5xx, never a stack trace.
// FUZZ_SEED and FUZZ_REQUESTS change the run; a failure prints the requests that caused it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SignJWT } from "jose";
import { keyId } from "../../services/api/modules/auth/keys.ts";
import { type Chooser, chooser } from "../../testing/random.ts";
import { startStack, storeModelVersion, type TestStack } from "../services/harness.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 3000);
const BODY_LIMIT = 64 * 1024;

let stack: TestStack;
let alice: { token: string; taskId: string; scheduleId: string; workspaceId: string };
let bob: { token: string; workspaceId: string };
let forged: Record<string, string>;

const secretKey = () => new TextEncoder().encode(stack.config.jwtSecret);
/** Signed with the API's own key and naming it, as its tokens are: only the claims are wrong. */
const sign = (claims: Record<string, unknown>, alg = "HS256", key = secretKey()) =>
  new SignJWT(claims).setProtectedHeader({ alg, kid: keyId(stack.config.jwtSecret) }).sign(key);
const b64 = (value: unknown) => btoa(JSON.stringify(value)).replaceAll("=", "").replaceAll("+", "-").replaceAll("/", "_");
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

/**
 * A task and a schedule of the token's user, for others to try to reach. The task is cancelled at
 * once, so no request can wait on it (there is no worker here).
 */
async function ownedBy(token: string): Promise<{ taskId: string; scheduleId: string }> {
  const submitted = await stack.http("POST", "/tasks", { token, body: templates.train!() });
  expect((await stack.http("POST", `/tasks/${submitted.body.id}/cancel`, { token })).status).toBe(200);
  const schedule = await stack.http("POST", "/schedules", {
    token,
    body: { name: `nightly-${crypto.randomUUID().slice(0, 8)}`, cron: "0 3 * * *", task: { type: "drift-check", payload: { model: "m" } } },
  });
  expect(schedule.status).toBe(201);
  return { taskId: submitted.body.id, scheduleId: schedule.body.id };
}

beforeAll(async () => {
  stack = await startStack({ env: { BODY_LIMIT_BYTES: String(BODY_LIMIT) } });
  const a = await stack.user();
  const b = await stack.user();
  // A model "m" in each workspace, so predictions get past validation to the submit path.
  await Promise.all([storeModelVersion(stack.db, a.id, "m"), storeModelVersion(stack.db, b.id, "m")]);
  alice = { token: a.token, workspaceId: a.id, ...(await ownedBy(a.token)) };
  bob = { token: b.token, workspaceId: b.id };
  forged = {
    wrongSignature: await sign({ sub: a.id, exp: inAnHour() }, "HS256", new TextEncoder().encode("not-the-secret-not-the-secret-00")),
    algNone: `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: a.id, exp: inAnHour() })}.`,
    expired: await sign({ sub: a.id, exp: Math.floor(Date.now() / 1000) - 60 }),
    hs512: await sign({ sub: a.id, exp: inAnHour() }, "HS512"),
    noExpiry: await sign({ sub: a.id }),
    notAUuid: await sign({ sub: "../../admin", role: "admin", exp: inAnHour() }),
    deletedAccount: await sign({ sub: crypto.randomUUID(), exp: inAnHour() }),
    notYetValid: await sign({ sub: a.id, exp: inAnHour(), nbf: inAnHour() - 60 }),
  };
}, 60_000);
afterAll(() => stack.stop());

// ---------------------------------------------------------------------------------------------
// The generator

const STRINGS = [
  "", " ", "a", "💥", "\u0000", "\u202eevil", "é".repeat(300), "x".repeat(5_000), "../../etc/passwd", "..%2f..%2f",
  "%00", "<script>alert(1)</script>", "' OR 1=1 --", "${jndi:ldap://127.0.0.1/a}", "__proto__", "constructor",
  "NaN", "-1", "1e309", "null", "true", "00000000-0000-0000-0000-000000000000", "\r\nX-Injected: 1",
  // Lone UTF-16 surrogates (JSON.stringify writes them as \ud800 escapes) and a valid pair.
  "\ud800", "a\udc00b", "\udbff\udbff", "\ud83d", "\ud83d\udca5",
  // Numbers as strings: never coerced.
  "1", "0x10", "1e3", " 5", "2147483648", "-0", "Infinity",
];
/** Integers at and just past a PostgreSQL INTEGER's range, and magnitudes no maths survives. */
const EDGE_NUMBERS = [2147483647, 2147483648, -2147483648, -2147483649, 4294967296, 1e15, 1e16, 1e308, -1e308, 1.7976931348623157e308, 5e-324, 9007199254740993];
/** What fetch can put in a header: Latin-1, no CR/LF/NUL. */
const HEADER_VALUES = STRINGS.filter((s) => /^[\u0020-\u00ff]*$/.test(s)).concat("k".repeat(300), "\u00e9t\u00e9");
const KEYS = [
  "type", "payload", "priority", "tasks", "model", "version", "input", "inputs", "rows", "label", "algorithm", "options",
  "email", "password", "name", "cron", "every", "task", "enabled", "window", "alias", "role", "__proto__", "constructor", "prototype", "", "💥",
];

function scalar(rng: Chooser): unknown {
  return rng.pick<unknown>([
    null, true, false, 0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 2 ** 64, -0, rng.pick(STRINGS),
    crypto.randomUUID(), "predict", "train", "batch-predict", "drift-check", "logistic", "m", 10, 101, 1_000,
    rng.pick(EDGE_NUMBERS), rng.pick(EDGE_NUMBERS), "production", "admin", "viewer",
  ]);
}

function value(rng: Chooser, depth = 0): unknown {
  const roll = rng.int(depth > 3 ? 1 : 4);
  if (roll === 0) return scalar(rng);
  if (roll === 1) return Array.from({ length: rng.int(5) }, () => value(rng, depth + 1));
  return Object.fromEntries(Array.from({ length: rng.int(5) }, () => [rng.pick(KEYS), value(rng, depth + 1)]));
}

const validPredict = () => ({ type: "predict", payload: { model: "m", input: { x: 1, y: 2 } } });
const templates: Record<string, () => unknown> = {
  credentials: () => ({ email: "someone@example.com", password: "correct-horse-battery" }),
  submission: validPredict,
  versioned: () => ({ type: "predict", payload: { model: "m", version: 1, input: { x: 1 } }, priority: 5 }),
  aliased: () => ({ type: "drift-check", payload: { model: "m", alias: "production", window: 100 } }),
  batch: () => ({ tasks: [validPredict(), validPredict()] }),
  schedule: () => ({ name: "every-minute", every: 60_000, task: validPredict() }),
  train: () => ({ type: "train", payload: { model: "m", algorithm: "logistic", label: "y", rows: [{ x: 1, y: 0 }, { x: 2, y: 1 }] } }),
  alias: () => ({ version: 1 }),
  workspace: () => ({ name: "team" }),
  member: () => ({ email: "someone@example.com", role: "member" }),
};

/** A valid body with one place changed: a field replaced, removed or added. */
function mutate(rng: Chooser, body: unknown): unknown {
  if (body === null || typeof body !== "object") return value(rng);
  const copy: Record<string, unknown> = Array.isArray(body) ? { ...body } : { ...(body as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const key = keys.length > 0 && rng.chance(0.8) ? rng.pick(keys) : rng.pick(KEYS);
  const roll = rng.int(4);
  if (roll === 0) delete copy[key];
  else if (roll === 1 && typeof copy[key] === "object") copy[key] = mutate(rng, copy[key]);
  else copy[key] = value(rng);
  return Array.isArray(body) ? Object.values(copy) : copy;
}

function nested(rng: Chooser): string {
  const depth = rng.pick([64, 1_000, 10_000, 30_000]);
  return rng.chance(0.5) ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
}

const BAD_JSON = ['{"type":"\\ud800","payload":{}}', '{"type":"predict","payload":{"model":"m\\u0000"}}', "{", '{"type":', "{'type':'predict'}", '{"type":"predict",}', "\ufeff{}", '{"a":NaN}', "/* */{}", "nul", '"', "{}}", "[1,]"];

function body(rng: Chooser): { text?: string; contentType?: string } {
  const roll = rng.int(10);
  const json = (v: unknown) => ({ text: JSON.stringify(v), contentType: "application/json" });
  if (roll <= 3) return json(mutate(rng, templates[rng.pick(Object.keys(templates))]!()));
  if (roll === 4) return json(value(rng));
  if (roll === 5) return { text: rng.pick(BAD_JSON), contentType: "application/json" };
  if (roll === 6) return { text: `{"type":"predict","payload":${nested(rng)}}`, contentType: "application/json" };
  if (roll === 7) return json({ tasks: Array.from({ length: rng.pick([0, 101, 500]) }, validPredict) });
  if (roll === 8) {
    const [contentType, text] = rng.pick([
      ["text/plain", "{}"], ["application/x-www-form-urlencoded", "type=predict&payload=1"], ["multipart/form-data; boundary=x", "--x\r\n\r\n--x--"],
      ["application/json; charset=utf-16", "{}"], ["application/xml", "<a/>"], [undefined, JSON.stringify(validPredict())],
    ] as const);
    return { text, contentType };
  }
  return {};
}

/** A string for a URL: a lone surrogate cannot be percent-encoded, so its CESU-8 bytes stand in for it. */
const inPath = (text: string) => (text.isWellFormed() ? encodeURIComponent(text) : "%ED%A0%80");

function pathParam(rng: Chooser): string {
  return rng.pick([
    alice.taskId, alice.scheduleId, alice.workspaceId, crypto.randomUUID(), "..%2f..%2fetc%2fpasswd", "%2e%2e", "..", "%00", "%ZZ", "%E0%A4%A",
    inPath(rng.pick(STRINGS)), "x".repeat(3_000), "1", "-1", "1e400", "💥", "null", "m", "production",
    "2147483647", "2147483648", "-2147483649", "0x10", "%ED%A0%80",
  ]);
}

const QUERIES = ["", "?wait=0", "?wait=abc", "?wait=-1", "?wait=1e9", "?limit=0", "?limit=101", "?limit=abc", "?cursor=zz",
  "?cursor=../x", "?status=nope", "?type=💥", "?status=queued&status=nope", "?a[b]=1", "?__proto__[x]=1", `?x=${"y".repeat(4_000)}`];

const ROUTES: { method: string; path: (rng: Chooser) => string; body?: boolean }[] = [
  { method: "POST", path: () => "/auth/register", body: true },
  { method: "POST", path: () => "/auth/login", body: true },
  { method: "POST", path: () => "/tasks", body: true },
  { method: "POST", path: () => "/tasks/batch", body: true },
  { method: "GET", path: (rng) => `/tasks${rng.pick(QUERIES)}` },
  { method: "GET", path: (rng) => `/tasks/${pathParam(rng)}${rng.pick(QUERIES)}` },
  { method: "GET", path: (rng) => `/tasks/${pathParam(rng)}/events` },
  { method: "POST", path: (rng) => `/tasks/${pathParam(rng)}/cancel`, body: true },
  { method: "GET", path: () => "/models" },
  { method: "GET", path: (rng) => `/models/${pathParam(rng)}` },
  { method: "GET", path: (rng) => `/models/${pathParam(rng)}/versions/${pathParam(rng)}` },
  { method: "DELETE", path: (rng) => `/models/${pathParam(rng)}/versions/${pathParam(rng)}` },
  { method: "GET", path: (rng) => `/models/${pathParam(rng)}/aliases/${pathParam(rng)}${rng.pick(["", "?at=2026-01-01T00:00:00Z", "?at=yesterday", "?at=99999-01-01T00:00:00Z"])}` },
  { method: "PUT", path: (rng) => `/models/${pathParam(rng)}/aliases/${pathParam(rng)}`, body: true },
  { method: "DELETE", path: (rng) => `/models/${pathParam(rng)}/aliases/${pathParam(rng)}` },
  { method: "GET", path: (rng) => `/models/${pathParam(rng)}/aliases/${pathParam(rng)}/history${rng.pick(["", "?limit=0", "?limit=2147483648"])}` },
  { method: "GET", path: () => "/workspaces" },
  { method: "POST", path: () => "/workspaces", body: true },
  { method: "GET", path: (rng) => `/workspaces/${pathParam(rng)}` },
  { method: "POST", path: (rng) => `/workspaces/${pathParam(rng)}/members`, body: true },
  { method: "PATCH", path: (rng) => `/workspaces/${pathParam(rng)}/members/${pathParam(rng)}`, body: true },
  { method: "DELETE", path: (rng) => `/workspaces/${pathParam(rng)}/members/${pathParam(rng)}` },
  { method: "POST", path: () => "/schedules", body: true },
  { method: "GET", path: () => "/schedules" },
  { method: "GET", path: (rng) => `/schedules/${pathParam(rng)}` },
  { method: "PATCH", path: (rng) => `/schedules/${pathParam(rng)}`, body: true },
  { method: "DELETE", path: (rng) => `/schedules/${pathParam(rng)}` },
  { method: "GET", path: (rng) => rng.pick(["/health", "/health/ready", "/metrics", "/openapi/json"]) },
  { method: "GET", path: (rng) => rng.pick(["/", "//tasks", "/tasks/../health", "/%2e%2e/%2e%2e/etc/passwd", "/.env", "/admin", "/tasks%00", "/%", "/💥"]) },
  { method: "PUT", path: () => "/tasks", body: true },
  { method: "DELETE", path: () => "/tasks" },
  { method: "OPTIONS", path: () => "/tasks" },
  { method: "HEAD", path: () => "/tasks" },
];

function authorization(rng: Chooser): string | undefined {
  const roll = rng.int(12);
  if (roll === 0) return undefined;
  if (roll <= 3) return `Bearer ${alice.token}`;
  if (roll === 4) return `Bearer ${bob.token}`;
  if (roll <= 7) return `Bearer ${forged[rng.pick(Object.keys(forged))]}`;
  return rng.pick([
    "Bearer", "Bearer ", "bearer " + alice.token, "Basic YWRtaW46YWRtaW4=", `Bearer ${alice.token}x`, "Bearer a.b.c",
    `Bearer ${"A".repeat(6_000)}`, `Bearer ${alice.token.split(".").slice(0, 2).join(".")}.`, "Bearer \u00ff\u00fe.\u00e9.\u00a0",
  ]);
}

interface Sent {
  method: string;
  path: string;
  status: number;
  text: string;
  note?: string;
}

async function send(rng: Chooser): Promise<Sent> {
  const route = rng.pick(ROUTES);
  const path = route.path(rng);
  const headers: Record<string, string> = {};
  const auth = authorization(rng);
  if (auth) headers.authorization = auth;
  if (rng.chance(0.1)) headers["idempotency-key"] = rng.pick(HEADER_VALUES);
  if (rng.chance(0.15)) headers["workspace-id"] = rng.pick([alice.workspaceId, bob.workspaceId, crypto.randomUUID(), ...HEADER_VALUES]);
  let text: string | undefined;
  if (route.body && route.method !== "GET") {
    const made = body(rng);
    text = made.text;
    if (made.contentType) headers["content-type"] = made.contentType;
  }
  const response = await fetch(stack.api.url + path, { method: route.method, headers, body: text, signal: AbortSignal.timeout(10_000) });
  return { method: route.method, path: path.slice(0, 120), status: response.status, text: await response.text(), note: text?.slice(0, 80) };
}

/** A stack frame ("    at fn (file:1:2)") or a file path of this machine or a dependency. */
const LEAK = /^\s+at .+|\/work\/|\/home\/|node_modules|\w+\.(ts|js):\d+/m;

function problems(sent: Sent): string[] {
  const found: string[] = [];
  if (sent.status >= 500) found.push(`status ${sent.status}`);
  if (LEAK.test(sent.text)) found.push(`leak: ${sent.text.match(LEAK)![0].slice(0, 80)}`);
  if (sent.status >= 400 && sent.status !== 413 && sent.text !== "") {
    let shaped = false;
    try {
      const parsed = JSON.parse(sent.text);
      shaped = typeof parsed?.error?.code === "string" && typeof parsed?.error?.message === "string";
    } catch {}
    if (!shaped) found.push(`not the error shape: ${sent.text.slice(0, 80)}`);
  }
  return found;
}

describe("fuzz", () => {
  test(`${REQUESTS} malformed requests (seed ${SEED}): 0 5xx, no stack trace, the one error shape`, async () => {
    const rng = chooser(SEED);
    const statuses: Record<number, number> = {};
    const failures: string[] = [];
    let next = 0;
    const lane = async () => {
      while (next < REQUESTS) {
        next += 1;
        const sent = await send(rng).catch((error: Error) => ({ method: "?", path: "?", status: 599, text: `no answer: ${error.message}` }) as Sent);
        statuses[sent.status] = (statuses[sent.status] ?? 0) + 1;
        for (const problem of problems(sent)) failures.push(`${sent.method} ${sent.path} [${sent.note ?? ""}] → ${problem}`);
      }
    };
    await Promise.all(Array.from({ length: 16 }, lane));
    console.log(`fuzz: ${REQUESTS} requests, seed ${SEED}, statuses ${JSON.stringify(statuses)}`);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(Object.keys(statuses).filter((status) => Number(status) >= 500)).toEqual([]);
    // It reached past validation too: accepted work, missing resources, conflicts.
    expect(statuses[202] ?? 0).toBeGreaterThan(0);
    expect(statuses[404] ?? 0).toBeGreaterThan(0);
  }, 120_000);
});

describe("inputs that got 500 or a bad answer, one by one → 4xx, nothing stored", () => {
  const submit = (body: unknown, token = alice.token) => stack.http("POST", "/tasks", { token, body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  const rows = (value: unknown) => [{ x: value, y: 0 }, { x: 1, y: 1 }];

  test.each([
    ["a task's model name", { type: "predict", payload: { model: "m\ud800", input: { x: 1 } } }],
    ["a feature name", { type: "predict", payload: { model: "m", input: { "x\udc00": 1 } } }],
    ["a label", { type: "train", payload: { model: "m", algorithm: "linear", label: "y\udbff", rows: rows(1) } }],
    ["an Idempotency-Key-like string in the payload", { type: "drift-check", payload: { model: "m", alias: "\ud83d" } }],
  ])("a lone surrogate in %s → 400 saying so", async (_, body) => {
    const before = await stack.db.task.count();
    const reply = await stack.http("POST", "/tasks", { token: alice.token, body: JSON.stringify(body).replaceAll("\\\\u", "\\u"), headers: { "content-type": "application/json" } });
    expect([reply.status, reply.body.error.message]).toEqual([400, expect.stringContaining("not valid Unicode")]);
    expect(await stack.db.task.count()).toBe(before);
  });

  test("lone surrogates in a schedule's name, an account's email, a workspace's name → 400", async () => {
    const raw = (path: string, text: string) => stack.http("POST", path, { token: alice.token, body: text, headers: { "content-type": "application/json" } });
    for (const [path, text] of [
      ["/schedules", '{"name":"n\\ud800","every":60000,"task":{"type":"train","payload":{}}}'],
      ["/auth/register", '{"email":"a\\udfff@example.com","password":"correct-horse-battery"}'],
      ["/workspaces", '{"name":"team \\ud800"}'],
    ]) {
      expect([path, (await raw(path!, text!)).status]).toEqual([path, 400]);
    }
  });

  test.each([
    ["a version of 2³¹", { type: "predict", payload: { model: "m", version: 2147483648, input: { x: 1 } } }, "/payload/version"],
    ["a version of 1e308", { type: "predict", payload: { model: "m", version: 1e308, input: { x: 1 } } }, "/payload/version"],
    ["a version as a string", { type: "predict", payload: { model: "m", version: "1", input: { x: 1 } } }, "/payload/version"],
    ["a priority as a string", { ...validPredict(), priority: "3" }, "/priority"],
    ["a priority in hex", { ...validPredict(), priority: "0x10" }, "/priority"],
    ["a drift window as a string", { type: "drift-check", payload: { model: "m", window: "100" } }, "/payload/window"],
    ["epochs as a string", { type: "train", payload: { model: "m", algorithm: "logistic", label: "y", rows: rows(1), options: { epochs: "10" } } }, "/payload/options/epochs"],
    ["a feature of 1e308", { type: "train", payload: { model: "m", algorithm: "linear", label: "y", rows: rows(1e308) } }, "/payload/rows/0/x"],
    ["a feature of -1e308", { type: "predict", payload: { model: "m", input: { x: -1e308 } } }, "/payload/input/x"],
    ["a feature as a numeric string", { type: "predict", payload: { model: "m", input: { x: "1" } } }, "/payload/input/x"],
    ["both a version and an alias", { type: "predict", payload: { model: "m", version: 1, alias: "production", input: { x: 1 } } }, "/payload/alias"],
  ])("%s → 422 naming it", async (_, body, where) => {
    const before = await stack.db.task.count();
    const reply = await submit(body);
    expect([reply.status, reply.body.error?.code]).toEqual([422, "validation_failed"]);
    expect(JSON.stringify(reply.body.error)).toContain(where);
    expect(await stack.db.task.count()).toBe(before);
  });

  test("int32 edges in paths, queries and schedules → 4xx, the largest INTEGER itself accepted where it is valid", async () => {
    const get = (path: string) => stack.http("GET", path, { token: alice.token });
    expect((await get("/models/m/versions/2147483648")).status).toBe(422);
    expect((await get("/models/m/versions/2147483647")).status).toBe(404);
    expect((await get("/models/m/aliases/production/history?limit=2147483648")).status).toBe(422);
    const schedule = (every: unknown) =>
      stack.http("POST", "/schedules", { token: alice.token, body: { name: `s${crypto.randomUUID().slice(0, 8)}`, every, task: templates.train!() } });
    for (const every of [31 * 86_400_000 + 1, 2 ** 53, "60000", 1e308]) expect([every, (await schedule(every)).status]).toEqual([every, 422]);
    // 2³¹ ms and the documented maximum (31 days): more than an INTEGER holds, and stored as they are.
    for (const every of [2 ** 31, 31 * 86_400_000]) {
      const created = await schedule(every);
      expect([created.status, created.body.every]).toEqual([201, every]);
      expect((await stack.http("DELETE", `/schedules/${created.body.id}`, { token: alice.token })).status).toBe(204);
    }
  });
});

describe("body size limit", () => {
  const post = (text: string | ReadableStream, token = alice.token) =>
    fetch(`${stack.api.url}/tasks`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: text });
  const padded = (bytes: number) => {
    const base = JSON.stringify({ type: "predict", payload: { model: "m", input: { x: 1 } }, pad: "" });
    return base.replace('"pad":""', `"pad":"${"x".repeat(bytes - base.length)}"`);
  };

  test("one byte over the limit → 413; at the limit it is read (and judged on content)", async () => {
    expect((await post(padded(BODY_LIMIT + 1))).status).toBe(413);
    expect((await post(padded(BODY_LIMIT))).status).toBe(422); // `pad` is not a field
  });

  test("a chunked body that grows past the limit → 413", async () => {
    const chunk = new TextEncoder().encode("x".repeat(8_192));
    let sent = 0;
    const stream = new ReadableStream({
      pull(controller) {
        if (sent > BODY_LIMIT * 2) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    expect((await post(stream)).status).toBe(413);
  });

  test("a batch over 100 tasks → 422 before anything is stored", async () => {
    const before = await stack.db.task.count();
    const reply = await stack.http("POST", "/tasks/batch", { token: alice.token, body: { tasks: Array.from({ length: 101 }, validPredict) } });
    expect(reply.status).toBe(422);
    expect(await stack.db.task.count()).toBe(before);
  });
});

describe("another user's resources are invisible", () => {
  let owned: { taskId: string; scheduleId: string };
  beforeAll(async () => {
    owned = await ownedBy(alice.token); // fresh: the fuzz may have changed the first ones
  });

  test("task: read, wait, stream and cancel → 404, and it is not in the list", async () => {
    for (const path of [`/tasks/${owned.taskId}`, `/tasks/${owned.taskId}?wait=1`, `/tasks/${owned.taskId}/events`]) {
      const reply = await stack.http("GET", path, { token: bob.token });
      expect([path, reply.status, reply.body.error.code]).toEqual([path, 404, "not_found"]);
    }
    const cancel = await stack.http("POST", `/tasks/${owned.taskId}/cancel`, { token: bob.token });
    expect(cancel.status).toBe(404);
    const list = await stack.http("GET", "/tasks", { token: bob.token });
    expect(list.body.items.map((task: { id: string }) => task.id)).not.toContain(owned.taskId);
    // And Alice still sees it, unchanged by Bob's attempts.
    expect((await stack.http("GET", `/tasks/${owned.taskId}`, { token: alice.token })).body.status).toBe("cancelled");
  });

  test("schedule: read, change and delete → 404, and it is unchanged", async () => {
    const path = `/schedules/${owned.scheduleId}`;
    expect((await stack.http("GET", path, { token: bob.token })).status).toBe(404);
    expect((await stack.http("PATCH", path, { token: bob.token, body: { enabled: false } })).status).toBe(404);
    expect((await stack.http("DELETE", path, { token: bob.token })).status).toBe(404);
    expect((await stack.http("GET", path, { token: alice.token })).body).toMatchObject({ id: owned.scheduleId, enabled: true });
  });
});

describe("tokens beyond the basic cases (test/services/api/auth.test.ts has wrong key, alg none, expired)", () => {
  test.each(["hs512", "noExpiry", "notAUuid", "deletedAccount", "notYetValid"])("%s → 401 on reads and writes", async (name) => {
    const token = forged[name]!;
    for (const [method, path, body] of [
      ["GET", "/tasks"],
      ["POST", "/tasks", validPredict()],
      ["POST", "/tasks/batch", { tasks: [validPredict()] }],
      ["POST", "/schedules", templates.schedule!()],
    ] as const) {
      const reply = await stack.http(method, path, { token, body });
      // A deleted account's token stands for nothing: it neither reads nor writes.
      expect([name, method, path, reply.status]).toEqual([name, method, path, 401]);
    }
  });
});
