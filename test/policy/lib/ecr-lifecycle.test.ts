import { expect, test } from "bun:test";
import { evaluateLifecyclePolicy, type Image, type LifecycleRule } from "../../../infra/policy/lib/ecr-lifecycle.ts";

// The worked examples of https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html
const count = (rulePriority: number, tags: { tagPrefixList?: string[]; tagPatternList?: string[] }, countNumber = 1) =>
  ({ rulePriority, description: `Rule ${rulePriority}`, selection: { tagStatus: "tagged", ...tags, countType: "imageCountMoreThan", countNumber }, action: { type: "expire" } });
const expired = (result: Map<Image, unknown>, images: Record<string, Image>) =>
  Object.entries(images).filter(([, image]) => result.has(image)).map(([name]) => name);

const multipleRules = () => ({
  A: { tags: ["beta-1", "prod-1"], pushedDaysAgo: 10 },
  B: { tags: ["beta-2", "prod-2"], pushedDaysAgo: 9 },
  C: { tags: ["beta-3"], pushedDaysAgo: 8 },
});

test("example A: a lower rule counts images a higher rule selected, but cannot expire them", () => {
  const images = multipleRules();
  const result = evaluateLifecyclePolicy([count(1, { tagPatternList: ["prod*"] }), count(2, { tagPatternList: ["beta*"] })], Object.values(images));
  expect(expired(result, images)).toEqual(["A"]);
});

test("example B: the same rules in the other order expire A and B", () => {
  const images = multipleRules();
  const result = evaluateLifecyclePolicy([count(2, { tagPrefixList: ["prod"] }), count(1, { tagPrefixList: ["beta"] })], Object.values(images));
  expect(expired(result, images)).toEqual(["A", "B"]);
  expect(result.get(images.B)?.rulePriority).toBe(1);
});

test("several prefixes in one rule select only images carrying all of them; sinceImagePushed expires by age", () => {
  const images = {
    A: { tags: ["alpha-1"], pushedDaysAgo: 12 },
    B: { tags: ["beta-1"], pushedDaysAgo: 11 },
    C: { tags: ["alpha-2", "beta-2"], pushedDaysAgo: 10 },
    D: { tags: ["alpha-3"], pushedDaysAgo: 4 },
    E: { tags: ["beta-3"], pushedDaysAgo: 3 },
    F: { tags: ["alpha-4", "beta-4"], pushedDaysAgo: 2 },
  };
  const olderThan5Days = { rulePriority: 1, selection: { tagStatus: "tagged", tagPrefixList: ["alpha", "beta"], countType: "sinceImagePushed", countUnit: "days", countNumber: 5 }, action: { type: "expire" } };
  expect(expired(evaluateLifecyclePolicy([olderThan5Days], Object.values(images)), images)).toEqual(["C"]);
});

test("wildcards match the whole tag; untagged rules select only untagged images", () => {
  const images = { tagged: { tags: ["v1-release"], pushedDaysAgo: 3 }, untagged: { tags: [], pushedDaysAgo: 2 }, newest: { tags: ["v2-release"], pushedDaysAgo: 1 } };
  const olderThanADay = (selection: { tagStatus: string; tagPatternList?: string[] }): LifecycleRule[] =>
    [{ rulePriority: 1, selection: { ...selection, countType: "sinceImagePushed", countUnit: "days", countNumber: 1 }, action: { type: "expire" } }];
  const expiredOlderThanADay = (selection: Parameters<typeof olderThanADay>[0]) => expired(evaluateLifecyclePolicy(olderThanADay(selection), Object.values(images)), images);
  expect(expiredOlderThanADay({ tagStatus: "tagged", tagPatternList: ["v*-release"] })).toEqual(["tagged"]);
  expect(expiredOlderThanADay({ tagStatus: "tagged", tagPatternList: ["*release"] })).toEqual(["tagged"]);
  expect(expiredOlderThanADay({ tagStatus: "tagged", tagPatternList: ["release"] })).toEqual([]);
  expect(expiredOlderThanADay({ tagStatus: "untagged" })).toEqual(["untagged"]);
  expect(expiredOlderThanADay({ tagStatus: "any" })).toEqual(["tagged", "untagged"]);
});
