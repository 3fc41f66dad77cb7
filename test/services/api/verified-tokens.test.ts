// The cache of recently verified bearer tokens: a verdict is reused only while the token itself is
// still valid, for a minute at most, and the cache never grows past its bound.
import { describe, expect, test } from "bun:test";
import { VerifiedTokens } from "../../../services/api/modules/auth/index.ts";

const alice = { id: "0193a0c4-7b5e-7000-8000-000000000001" };
const bob = { id: "0193a0c4-7b5e-7000-8000-000000000002" };
const NOW = 1_800_000_000_000;
const inSeconds = (s: number) => Math.floor(NOW / 1000) + s;

describe("VerifiedTokens", () => {
  test("a verified token's user comes back for the same token only", () => {
    const cache = new VerifiedTokens();
    cache.set("token-a", alice, inSeconds(3600), NOW);
    cache.set("token-b", bob, inSeconds(3600), NOW);
    expect(cache.get("token-a", NOW + 1_000)).toEqual(alice);
    expect(cache.get("token-b", NOW + 1_000)).toEqual(bob);
    expect(cache.get("token-c", NOW + 1_000)).toBeUndefined();
  });

  test("kept for the cache's ttl at most, even when the token lives longer", () => {
    const cache = new VerifiedTokens(10, 60_000);
    cache.set("token", alice, inSeconds(3600), NOW);
    expect(cache.get("token", NOW + 59_999)).toEqual(alice);
    expect(cache.get("token", NOW + 60_000)).toBeUndefined();
  });

  test("never past the token's own expiry", () => {
    const cache = new VerifiedTokens(10, 60_000);
    cache.set("token", alice, inSeconds(5), NOW);
    expect(cache.get("token", NOW + 4_999)).toEqual(alice);
    expect(cache.get("token", NOW + 5_000)).toBeUndefined();
  });

  test("a token already expired is not kept", () => {
    const cache = new VerifiedTokens();
    cache.set("token", alice, inSeconds(-1), NOW);
    cache.set("now", alice, inSeconds(0), NOW);
    expect(cache.get("token", NOW)).toBeUndefined();
    expect(cache.get("now", NOW)).toBeUndefined();
  });

  test("bounded: at its size, the oldest entry makes room", () => {
    const cache = new VerifiedTokens(3);
    for (const token of ["t1", "t2", "t3", "t4"]) cache.set(token, alice, inSeconds(3600), NOW);
    expect(["t1", "t2", "t3", "t4"].map((token) => cache.get(token, NOW) !== undefined)).toEqual([false, true, true, true]);
  });
});
