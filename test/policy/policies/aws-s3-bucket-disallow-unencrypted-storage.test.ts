import { expect, test } from "bun:test";
import { awsS3BucketDisallowUnencryptedStorage as policy } from "../../../infra/policy/policies/aws-s3-bucket-disallow-unencrypted-storage.ts";
import { check, resource } from "../harness.ts";

const kms = { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] };

test("passes a bucket with an encryption configuration, attached or inline", async () => {
  const bucket = resource("aws:s3/bucket:Bucket", {});
  const sse = resource("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", { bucket: "x", ...kms }, {
    dependsOn: [bucket],
  });
  expect(await check(policy, [bucket, sse])).toEqual([]);
  const inline = resource("aws:s3/bucketV2:BucketV2", { serverSideEncryptionConfiguration: { rule: kms.rules[0] } });
  expect(await check(policy, [inline], { config: { [policy.name]: { requireKms: true } } })).toEqual([]);
});

test("rejects a bucket with no declared encryption, or SSE-S3 when KMS is required", async () => {
  expect(await check(policy, [resource("aws:s3/bucket:Bucket", {})])).toEqual([expect.stringContaining("no default encryption")]);
  const aes = resource("aws:s3/bucket:Bucket", { serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } } } });
  expect(await check(policy, [aes], { config: { [policy.name]: { requireKms: true } } })).toEqual([expect.stringContaining("SSE-KMS")]);
});
