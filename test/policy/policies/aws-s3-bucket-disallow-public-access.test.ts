import { expect, test } from "bun:test";
import { awsS3BucketDisallowPublicAccess as policy } from "../../../infra/policy/policies/aws-s3-bucket-disallow-public-access.ts";
import { check, resource } from "../harness.ts";

const allBlocked = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };

test("passes a bucket with a full public access block (by dependency or by name) or an account-wide block", async () => {
  const bucket = resource("aws:s3/bucket:Bucket", { bucket: "mlts-artifacts" });
  const byDependency = resource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", { ...allBlocked, bucket: "unknown" }, {
    propertyDependencies: { bucket: [bucket] },
  });
  expect(await check(policy, [bucket, byDependency])).toEqual([]);
  const byName = resource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", { ...allBlocked, bucket: "mlts-artifacts" });
  expect(await check(policy, [bucket, byName])).toEqual([]);
  const account = resource("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", allBlocked);
  expect(await check(policy, [bucket, account])).toEqual([]);
});

test("rejects a bucket without a block, with a partial block, or with a public ACL", async () => {
  const bucket = resource("aws:s3/bucket:Bucket", { bucket: "mlts-artifacts" });
  expect(await check(policy, [bucket])).toEqual([expect.stringContaining("no BucketPublicAccessBlock")]);
  const partial = resource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", { ...allBlocked, ignorePublicAcls: false, bucket: "mlts-artifacts" });
  expect(await check(policy, [bucket, partial])).toHaveLength(1);
  const publicBucket = resource("aws:s3/bucket:Bucket", { bucket: "site", acl: "public-read" });
  const block = resource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", { ...allBlocked, bucket: "site" });
  expect(await check(policy, [publicBucket, block])).toEqual([expect.stringContaining("public ACL (public-read)")]);
});
