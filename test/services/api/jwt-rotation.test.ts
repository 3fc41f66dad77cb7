// Rotating the JWT key with no interruption: tokens name their key (`kid`), so while the old key is
// JWT_PREVIOUS_SECRET its tokens keep working beside the new key's; once it is removed they get
// 401. A token whose kid is missing, malformed, unknown or does not match its signature gets 401,
// never 500. Three API processes in turn over one database: before, during and after the overlap.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SignJWT } from "jose";
import { keyId } from "../../../services/api/modules/auth/keys.ts";
import { type ApiServer, startApi } from "../../../services/api/server.ts";
import { parseConfig } from "../../../services/shared/config.ts";
import { createLogger } from "../../../services/shared/logger.ts";
import { httpClient, registerAndLogin } from "../../../testing/http.ts";
import { startStores, userIdOf } from "../harness.ts";

const OLD = "old-signing-key-0123456789abcdef0123456789abcdef";
const NEW = "new-signing-key-fedcba9876543210fedcba9876543210";

const stores = await startStores();
const started: ApiServer[] = [];
afterAll(async () => {
  await Promise.all(started.map((api) => api.stop()));
  await stores.stop();
});

/** An API process with these keys, over the file's database and Redis prefix. */
async function apiWith(keys: { JWT_SECRET: string; JWT_PREVIOUS_SECRET?: string }) {
  const api = await startApi(parseConfig({ ...stores.env, ...keys }), createLogger("test", "error"));
  started.push(api);
  return httpClient(api.url);
}
const kidOf = (token: string) => JSON.parse(atob(token.split(".")[0]!)).kid as string;
const reads = async (http: Awaited<ReturnType<typeof apiWith>>, token: string) => (await http("GET", "/tasks", { token })).status;

describe("rotation", () => {
  let oldToken: string;
  let newToken: string;

  test("before: tokens are signed with the current key and carry its kid (16 hex digits of its SHA-256)", async () => {
    const before = await apiWith({ JWT_SECRET: OLD });
    ({ token: oldToken } = await registerAndLogin(before));
    expect(kidOf(oldToken)).toBe(new Bun.CryptoHasher("sha256").update(OLD).digest("hex").slice(0, 16));
    expect(await reads(before, oldToken)).toBe(200);
  });

  test("during the overlap (previous = old): old tokens keep working, new ones are signed with the new key", async () => {
    const during = await apiWith({ JWT_SECRET: NEW, JWT_PREVIOUS_SECRET: OLD });
    expect(await reads(during, oldToken)).toBe(200);
    ({ token: newToken } = await registerAndLogin(during));
    expect(kidOf(newToken)).toBe(keyId(NEW));
    expect(await reads(during, newToken)).toBe(200);
  });

  test("after (previous removed): old tokens get 401, new ones work", async () => {
    const after = await apiWith({ JWT_SECRET: NEW });
    const refused = await after("GET", "/tasks", { token: oldToken });
    expect([refused.status, refused.body.error.code]).toEqual([401, "unauthorized"]);
    expect(await reads(after, newToken)).toBe(200);
  });
});

describe("kid values that are not ours → 401, never 500", () => {
  // One API and one account for every case: only the forged token differs.
  let http: Awaited<ReturnType<typeof apiWith>>;
  let sub: string;
  beforeAll(async () => {
    http = await apiWith({ JWT_SECRET: NEW });
    sub = userIdOf((await registerAndLogin(http)).token);
  });

  test.each([
    ["no kid", (claims: SignJWT) => claims.setProtectedHeader({ alg: "HS256" }), NEW],
    ["an unknown kid", (claims: SignJWT) => claims.setProtectedHeader({ alg: "HS256", kid: "0123456789abcdef" }), NEW],
    ["a malformed kid", (claims: SignJWT) => claims.setProtectedHeader({ alg: "HS256", kid: "../../etc/passwd" }), NEW],
    ["a kid that is not a string", (claims: SignJWT) => claims.setProtectedHeader({ alg: "HS256", kid: 42 as unknown as string }), NEW],
    ["a huge kid", (claims: SignJWT) => claims.setProtectedHeader({ alg: "HS256", kid: "a".repeat(10_000) }), NEW],
    ["the current kid on the retired key's signature", (claims: SignJWT) => claims.setProtectedHeader({ alg: "HS256", kid: keyId(NEW) }), OLD],
    ["the retired key's kid and signature", (claims: SignJWT) => claims.setProtectedHeader({ alg: "HS256", kid: keyId(OLD) }), OLD],
  ])("%s", async (_, header, key) => {
    const forged = await header(new SignJWT({ sub }).setExpirationTime("1h")).sign(new TextEncoder().encode(key));
    const reply = await http("GET", "/tasks", { token: forged });
    expect([reply.status, reply.body.error.code]).toEqual([401, "unauthorized"]);
  });
});
