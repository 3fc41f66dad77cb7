import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SignJWT } from "jose";
import { keyId } from "../../../services/api/modules/auth/keys.ts";
import { startStack, type TestStack, userIdOf } from "../harness.ts";

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

const credentials = { email: "grace@example.com", password: "correct-horse-battery" };

describe("register and login", () => {
  test("register → 201 without the password; login → a JWT", async () => {
    const registered = await stack.http("POST", "/auth/register", { body: credentials });
    expect(registered.status).toBe(201);
    expect(registered.body).toEqual({ id: expect.any(String), email: credentials.email });

    const login = await stack.http("POST", "/auth/login", { body: credentials });
    expect(login.status).toBe(200);
    expect(login.body.token.split(".")).toHaveLength(3);
  });

  test("the same email twice → 409", async () => {
    const again = await stack.http("POST", "/auth/register", { body: { ...credentials, email: "GRACE@example.com" } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("conflict");
  });

  test("passwords are stored as a slow hash, never as given", async () => {
    const user = await stack.db.user.findUniqueOrThrow({ where: { email: credentials.email } });
    expect(user.passwordHash).toStartWith("$argon2id$");
    expect(user.passwordHash).not.toContain(credentials.password);
  });

  test("wrong password and unknown email → the same 401", async () => {
    const wrong = await stack.http("POST", "/auth/login", { body: { ...credentials, password: "wrong-password" } });
    const unknown = await stack.http("POST", "/auth/login", { body: { ...credentials, email: "nobody@example.com" } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });

  test.each([
    ["a malformed email", { email: "not-an-email", password: "correct-horse-battery" }],
    ["a short password", { email: "x@example.com", password: "short" }],
    ["a missing field", { email: "x@example.com" }],
    ["an unknown field", { ...credentials, role: "admin" }],
  ])("%s → 422", async (_, body) => {
    const reply = await stack.http("POST", "/auth/register", { body });
    expect(reply.status).toBe(422);
    expect(reply.body.error.code).toBe("validation_failed");
  });
});

describe("bearer tokens", () => {
  const secret = () => new TextEncoder().encode(stack.config.jwtSecret);
  const tasks = (token?: string, raw?: string) =>
    stack.http("GET", "/tasks", { headers: raw ? { authorization: raw } : {}, token });

  test("no token, a malformed header, garbage → 401", async () => {
    for (const reply of [await tasks(), await tasks(undefined, "Basic abc"), await tasks("garbage")]) {
      expect(reply.status).toBe(401);
      expect(reply.body.error.code).toBe("unauthorized");
    }
  });

  test("wrong signature, alg none and expired → 401", async () => {
    const { token } = await stack.user();
    const sub = userIdOf(token);
    // Each names the API's own key (kid), so what fails is what the case is about.
    const kid = keyId(stack.config.jwtSecret);
    const wrongKey = await new SignJWT({ sub }).setProtectedHeader({ alg: "HS256", kid }).setExpirationTime("1h").sign(new TextEncoder().encode("another-secret"));
    const none = `${btoa(JSON.stringify({ alg: "none", typ: "JWT", kid }))}.${btoa(JSON.stringify({ sub, exp: 9999999999 }))}.`.replaceAll("=", "");
    const expired = await new SignJWT({ sub }).setProtectedHeader({ alg: "HS256", kid }).setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(secret());
    for (const bad of [wrongKey, none, expired]) expect((await tasks(bad)).status).toBe(401);
    expect((await tasks(token)).status).toBe(200);
  });
});
