// The JSON depth guard: bodies nested deeper than the limit are refused before they are parsed
// (400 in the one error shape); anything within it, and any bracket inside a string, is let through.
import { describe, expect, test } from "bun:test";
import { Elysia } from "elysia";
import { errors } from "../../../services/api/plugins/errors.ts";
import { jsonDepthLimit, nestedDeeperThan } from "../../../services/api/plugins/json-depth.ts";
import { createLogger } from "../../../services/shared/logger.ts";

const arrays = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
const objects = (depth: number) => '{"a":'.repeat(depth) + "1" + "}".repeat(depth);

describe("nestedDeeperThan", () => {
  test("counts arrays and objects alike, and only while they are open", () => {
    expect(nestedDeeperThan(arrays(3), 3)).toBe(false);
    expect(nestedDeeperThan(arrays(4), 3)).toBe(true);
    expect(nestedDeeperThan(objects(3), 3)).toBe(false);
    expect(nestedDeeperThan(objects(4), 3)).toBe(true);
    expect(nestedDeeperThan('[{"a":[1]},{"b":[2]},[[3]]]', 3)).toBe(false); // siblings do not add up
    expect(nestedDeeperThan("", 0)).toBe(false);
  });

  test("brackets inside strings do not count, escaped quotes included", () => {
    expect(nestedDeeperThan(JSON.stringify({ a: "[[[[[[{{{{" }), 1)).toBe(false);
    expect(nestedDeeperThan(JSON.stringify({ a: 'say \\"[[[[\\" and "{{{{"' }), 1)).toBe(false);
    expect(nestedDeeperThan(JSON.stringify({ a: "\\", b: [[1]] }), 2)).toBe(true); // a string ending in a backslash
  });

  test("30,000 levels are judged in one pass", () => {
    const started = performance.now();
    expect(nestedDeeperThan(arrays(30_000), 32)).toBe(true);
    expect(performance.now() - started).toBeLessThan(100);
  });
});

describe("the plugin", () => {
  const app = new Elysia()
    .use(errors(createLogger("test", "error")))
    .use(jsonDepthLimit(4))
    .post("/echo", ({ body }) => ({ body }));
  const post = (text: string, contentType = "application/json") =>
    app.handle(new Request("http://localhost/echo", { method: "POST", headers: { "content-type": contentType }, body: text }));

  test("too deep → 400 in the error shape, naming the limit", async () => {
    const reply = await post(JSON.stringify({ a: [[[[1]]]] }));
    expect(reply.status).toBe(400);
    expect(await reply.json()).toEqual({ error: { code: "bad_request", message: "the request body is nested deeper than 4 levels" } });
  });

  test("within the limit → parsed as JSON", async () => {
    const reply = await post(JSON.stringify({ a: [[[1]]] }));
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ body: { a: [[[1]]] } });
  });

  test("not JSON → 400; another content type is left to Elysia's own parsers", async () => {
    expect((await post("{")).status).toBe(400);
    const text = await post(arrays(10), "text/plain");
    expect(await text.json()).toEqual({ body: arrays(10) });
  });
});
