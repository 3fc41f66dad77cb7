import type { PolicyProviderResource, PolicyResource } from "@pulumi/policy";

/**
 * The tags AWS will put on a resource: the provider's `defaultTags` merged with the resource's own.
 * Provider inputs reach the engine JSON-encoded (the SDK stringifies object-valued provider config).
 */
export function effectiveTags(
  props: Record<string, unknown>,
  provider: PolicyProviderResource | undefined,
): Record<string, string> {
  const own = asStringMap(props.tags);
  const raw = provider?.props.defaultTags;
  const defaults = typeof raw === "string" ? (JSON.parse(raw) as unknown) : raw;
  const defaultTags = asStringMap((defaults as { tags?: unknown } | undefined)?.tags);
  return { ...defaultTags, ...own };
}

function asStringMap(value: unknown): Record<string, string> {
  if (!value || typeof value !== "object") return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}

const worldCidrs = new Set(["0.0.0.0/0", "::/0"]);

/** True for a CIDR that admits the whole Internet. */
export function isWorldCidr(cidr: unknown): boolean {
  return typeof cidr === "string" && worldCidrs.has(cidr.trim());
}

export const s3BucketTypes = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];

/**
 * True when a bucket-scoped resource (public access block, ACL, encryption configuration) is
 * attached to `bucket`: by the engine's property dependency on `bucket`, by an explicit
 * dependency, or by the bucket name (stack analysis sees outputs, where both carry it).
 */
export function isAttachedToBucket(attachment: PolicyResource, bucket: PolicyResource): boolean {
  const name = bucket.props.bucket ?? bucket.props.id;
  return (
    (attachment.propertyDependencies.bucket ?? []).some((dependency) => dependency.urn === bucket.urn) ||
    attachment.dependencies.some((dependency) => dependency.urn === bucket.urn) ||
    (name !== undefined && attachment.props.bucket === name)
  );
}

/** What a CloudWatch log group lacks of what each of ours needs: a KMS key of ours, and an expiry. */
export function logGroupGaps(props: Record<string, unknown>): { unencrypted: boolean; neverExpires: boolean } {
  return { unencrypted: !props.kmsKeyId, neverExpires: !(Number(props.retentionInDays) > 0) };
}

/**
 * True when `attachment` (a flow log, a rotation) names `target` through its input `property`: by
 * the engine's property dependency (or, without one, any dependency) on it, or by the target's id.
 */
export function attachedVia(attachment: PolicyResource, property: string, target: PolicyResource): boolean {
  return (
    (attachment.propertyDependencies[property] ?? attachment.dependencies).some((dependency) => dependency.urn === target.urn) ||
    (target.props.id !== undefined && attachment.props[property] === target.props.id)
  );
}
