import { describe, expect, test } from "bun:test";
import { InputError } from "../../../services/shared/errors.ts";
import { featureNames, toMatrix, type Row } from "../../../services/shared/ml/index.ts";

describe("featureNames", () => {
  test("returns the sorted union of keys without the label", () => {
    const rows = [
      { b: 1, a: 2, y: 0 },
      { a: 3, b: 4, y: 1 },
    ];
    expect(featureNames(rows, "y")).toEqual(["a", "b"]);
  });

  test("names the row and key that is missing, non-numeric or non-finite", () => {
    const base = { a: 1, b: 2, y: 0 };
    const cases: [Row, RegExp][] = [
      [{ a: 1, y: 1 }, /rows\[1\]: "b" is missing/],
      [{ a: 1, b: 2 }, /rows\[1\]: "y" is missing/],
      [{ a: 1, b: "7" as unknown as number, y: 1 }, /"b" must be a finite number, got "7"/],
      [{ a: Number.NaN, b: 2, y: 1 }, /"a" must be a finite number, got NaN/],
      [{ a: Infinity, b: 2, y: 1 }, /"a" must be a finite number, got Infinity/],
      [{ a: null as unknown as number, b: 2, y: 1 }, /"a" must be a finite number, got null/],
    ];
    for (const [bad, message] of cases) {
      expect(() => featureNames([base, bad], "y")).toThrow(InputError);
      expect(() => featureNames([base, bad], "y")).toThrow(message);
    }
  });

  test("needs at least two rows and one feature", () => {
    expect(() => featureNames([{ a: 1, y: 0 }], "y")).toThrow(/at least 2 rows/);
    expect(() => featureNames([{ y: 0 }, { y: 1 }], "y")).toThrow(/no features/);
  });
});

describe("toMatrix", () => {
  test("lays out columns in the given feature order", () => {
    expect(toMatrix([{ a: 1, b: 2 }, { a: 3, b: 4 }], ["b", "a"])).toEqual([
      [2, 1],
      [4, 3],
    ]);
  });

  test("rejects a row without a requested feature", () => {
    expect(() => toMatrix([{ a: 1 }], ["a", "b"])).toThrow(InputError);
  });
});
