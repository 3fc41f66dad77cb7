import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { isAttachedToBucket, s3BucketTypes } from "../lib/aws.ts";
import { describe } from "../lib/resources.ts";

const publicAcls = ["public-read", "public-read-write", "authenticated-read"];

function blocksAllPublicAccess(resource: PolicyResource): boolean {
  const block = resource.props as Unwrap<aws.s3.BucketPublicAccessBlockArgs>;
  return block.blockPublicAcls === true && block.blockPublicPolicy === true && block.ignorePublicAcls === true && block.restrictPublicBuckets === true;
}

export const awsS3BucketDisallowPublicAccess: StackValidationPolicy = {
  name: "aws-s3-bucket-disallow-public-access",
  description: "S3 buckets are private: no public canned ACL, and all four public access blocks on (per bucket or account-wide).",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateStack: (args, reportViolation) => {
    const buckets = args.resources.filter((resource) => s3BucketTypes.includes(resource.type));
    const accountBlocked = args.resources.some(
      (resource) => resource.type === "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock" && blocksAllPublicAccess(resource),
    );
    for (const bucket of buckets) {
      const attached = args.resources.filter((resource) => isAttachedToBucket(resource, bucket));
      const acls = [bucket, ...attached.filter((resource) => resource.type.startsWith("aws:s3/bucketAcl"))]
        .map((resource) => resource.props.acl)
        .filter((acl): acl is string => typeof acl === "string" && publicAcls.includes(acl));
      if (acls.length > 0) {
        reportViolation(`${describe(bucket)} has a public ACL (${acls.join(", ")}).`, bucket.urn);
      }
      const blocked = attached.some(
        (resource) => resource.type === "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock" && blocksAllPublicAccess(resource),
      );
      if (!blocked && !accountBlocked) {
        reportViolation(`${describe(bucket)} has no BucketPublicAccessBlock with all four settings true.`, bucket.urn);
      }
    }
  },
};
