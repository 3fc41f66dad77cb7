import { expect, test } from "bun:test";
import { awsEcrLifecyclePolicyRequireReleaseRetention as policy } from "../../../infra/policy/policies/aws-ecr-lifecyclepolicy-require-release-retention.ts";
import { LIFECYCLE_POLICY } from "../../../infra/registry.ts";
import { check, resource } from "../harness.ts";

type Selection = Record<string, unknown>;
const rule = (rulePriority: number, description: string, selection: Selection) => ({ rulePriority, description, selection, action: { type: "expire" } });
const lifecyclePolicy = (...rules: ReturnType<typeof rule>[]) =>
  resource("aws:ecr/lifecyclePolicy:LifecyclePolicy", { repository: "mlts-api", policy: JSON.stringify({ rules }) });

const keepLast50 = { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 50 };
const releases = { tagStatus: "tagged", tagPatternList: ["release-*"], countType: "imageCountMoreThan", countNumber: 1000 };

test("passes our lifecycle policy (infra/registry.ts), in either the JSON or the object form", async () => {
  expect(await check(policy, resource("aws:ecr/lifecyclePolicy:LifecyclePolicy", { repository: "mlts-api", policy: LIFECYCLE_POLICY }))).toEqual([]);
  expect(await check(policy, resource("aws:ecr/lifecyclePolicy:LifecyclePolicy", { repository: "mlts-api", policy: JSON.parse(LIFECYCLE_POLICY) }))).toEqual([]);
});

test("passes a release rule written with tagPrefixList", async () => {
  const prefix = { tagStatus: "tagged", tagPrefixList: ["release-"], countType: "imageCountMoreThan", countNumber: 100 };
  expect(await check(policy, lifecyclePolicy(rule(1, "releases", prefix), rule(2, "history", keepLast50)))).toEqual([]);
});

test("rejects a count rule with nothing keeping releases, naming the rule", async () => {
  expect(await check(policy, lifecyclePolicy(rule(1, "keep last 50", keepLast50)))).toEqual([
    'Rule 1 ("keep last 50") expires the image tagged "release-prod" once it is 730 days and 2000 builds old, while a downstream stack may still run it: ' +
      'keep tags matching release-* with a rule of lower rulePriority than any rule that selects them (tagStatus tagged, tagPatternList ["release-*"], imageCountMoreThan more than the stacks that promote).',
  ]);
});

test("rejects a release rule placed after the count rule, which expires the image first", async () => {
  const taggedLast50 = { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: 50 };
  expect(await check(policy, lifecyclePolicy(rule(1, "tagged history", taggedLast50), rule(2, "releases", releases)))).toEqual([
    expect.stringContaining('Rule 1 ("tagged history") expires the image tagged "release-prod"'),
  ]);
});

test("rejects an age rule over every image, and a release rule that selects too little", async () => {
  const olderThan90Days = { tagStatus: "any", countType: "sinceImagePushed", countUnit: "days", countNumber: 90 };
  expect(await check(policy, lifecyclePolicy(rule(1, "untagged", { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 }), rule(2, "older than 90 days", olderThan90Days)))).toEqual([
    expect.stringContaining('Rule 2 ("older than 90 days") expires the image tagged "release-prod"'),
  ]);
  // Several patterns in one rule select only images carrying all of them: release images alone slip through to the count rule.
  const both = { ...releases, tagPatternList: ["release-*", "stable-*"] };
  expect(await check(policy, lifecyclePolicy(rule(1, "releases", both), rule(2, "history", keepLast50)))).toEqual([expect.stringContaining('Rule 2 ("history")')]);
  // A release rule that itself expires releases by age; a rule that archives them (an archived image cannot be pulled).
  expect(await check(policy, lifecyclePolicy(rule(1, "releases", { ...releases, countType: "sinceImagePushed", countUnit: "days", countNumber: 365 })))).toHaveLength(1);
  const archive = { ...rule(1, "archive", olderThan90Days), action: { type: "transition", targetStorageClass: "archive" } };
  expect(await check(policy, lifecyclePolicy(archive))).toEqual([expect.stringContaining('Rule 1 ("archive") archives the image')]);
});

test("checks the release tags the stack config names", async () => {
  const config = { [policy.name]: { releaseTagPatterns: ["release-*", "stable-*"] } };
  const ours = resource("aws:ecr/lifecyclePolicy:LifecyclePolicy", { repository: "mlts-api", policy: LIFECYCLE_POLICY });
  expect(await check(policy, ours, { config })).toEqual([expect.stringContaining('Rule 3 ("history") expires the image tagged "stable-prod"')]);
});

test("rejects a policy that is not JSON", async () => {
  expect(await check(policy, resource("aws:ecr/lifecyclePolicy:LifecyclePolicy", { repository: "mlts-api", policy: "{rules:" }))).toEqual([expect.stringContaining("not valid JSON")]);
});
