// An evaluator of ECR lifecycle policies, so a policy can say which images a rule set would remove
// before ECR does. It follows "Lifecycle policy evaluation rules" in
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html (with the selection
// parameters of .../lifecycle_policy_parameters.html and the worked examples A and B of
// .../lifecycle_policy_examples.html):
// - every rule identifies its images; rules then apply in ascending rulePriority;
// - an image whose tags a rule selects cannot be expired by a lower-priority rule, but lower rules
//   still count it (examples A and B), and an image is expired by one rule at most;
// - tagStatus any / tagged / untagged; with several tagPrefixList or tagPatternList entries, an
//   image is selected only if every entry matches one of its tags; `*` in a pattern is a wildcard;
// - imageCountMoreThan keeps the countNumber most recently pushed of the images the rule selects
//   and expires the rest; sinceImagePushed expires those pushed more than countNumber days ago.

export interface LifecycleRule {
  rulePriority: number;
  description?: string;
  selection: {
    tagStatus: string;
    tagPrefixList?: string[];
    tagPatternList?: string[];
    storageClass?: string;
    countType: string;
    countUnit?: string;
    countNumber: number;
  };
  action: { type: string };
}

/** An image in a repository's history: its tags and how long ago it was pushed. */
export interface Image {
  tags: string[];
  pushedDaysAgo: number;
}

/** `*` matches any run of characters; everything else literally, the whole tag. */
function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}

/** Whether `rule`'s tagging requirements select `image`. */
function selector(rule: LifecycleRule): (image: Image) => boolean {
  const { tagStatus, tagPrefixList = [], tagPatternList = [], storageClass = "standard" } = rule.selection;
  const patterns = tagPatternList.map(wildcard);
  // Rules on archived images select none of ours: a pushed image stays in standard storage until a rule archives it.
  if (storageClass !== "standard") return () => false;
  if (tagStatus === "any") return () => true;
  if (tagStatus === "untagged") return (image) => image.tags.length === 0;
  return (image) =>
    image.tags.length > 0 &&
    tagPrefixList.every((prefix) => image.tags.some((tag) => tag.startsWith(prefix))) &&
    patterns.every((pattern) => image.tags.some((tag) => pattern.test(tag)));
}

/** The images among `selected` that `rule` would act on, before priorities are applied. */
function marked(rule: LifecycleRule, selected: Image[]): Image[] {
  const { countType, countNumber } = rule.selection;
  if (countType === "imageCountMoreThan") return [...selected].sort((a, b) => a.pushedDaysAgo - b.pushedDaysAgo).slice(countNumber);
  if (countType === "sinceImagePushed") return selected.filter((image) => image.pushedDaysAgo > countNumber);
  // sinceImagePulled and the like depend on pulls, which are not simulated. An image a stack runs is
  // pulled only when a node that lacks it starts a pod, so nothing bounds that time: assume the worst.
  return selected;
}

/**
 * The rule that removes each image the policy removes: expires it or, with a `transition` action,
 * archives it, and an archived image cannot be pulled until restored
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/archive-image.html). Kept images are absent.
 */
export function evaluateLifecyclePolicy(rules: LifecycleRule[], images: Image[]): Map<Image, LifecycleRule> {
  const removedBy = new Map<Image, LifecycleRule>();
  const claimed = new Set<Image>(); // selected by a rule of higher priority
  for (const rule of [...rules].sort((a, b) => a.rulePriority - b.rulePriority)) {
    const selected = images.filter(selector(rule));
    for (const image of marked(rule, selected)) if (!claimed.has(image)) removedBy.set(image, rule);
    for (const image of selected) claimed.add(image);
  }
  return removedBy;
}
