import { expect, test } from "bun:test";
import { subnetCidr } from "../../infra/network.ts";

test("subnet blocks are carved from the VPC range without overlap", () => {
  expect(subnetCidr("10.30.0.0/16", 19, 0)).toBe("10.30.0.0/19");
  expect(subnetCidr("10.30.0.0/16", 19, 5)).toBe("10.30.160.0/19");
  // Public /22s live in the last /19, which private subnets (at most 6 AZs) never reach.
  expect(subnetCidr("10.30.0.0/16", 22, 56)).toBe("10.30.224.0/22");
  expect(() => subnetCidr("10.30.0.0/16", 22, 64)).toThrow("does not fit in 10.30.0.0/16");
});
