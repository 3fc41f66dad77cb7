// Pulumi mocks that answer like AWS where the program depends on how AWS answers: ids, ARNs,
// endpoints, image digests, the EKS kubeconfig, and zones whose names map to zone IDs per account
// (one of them a zone EKS refuses).
import type * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";

export const ACCOUNT = "123456789012";

const hex = (seed: string, length: number) => createHash("sha256").update(seed).digest("hex").slice(0, length);

/** The address the mocks give an ALB Ingress (resource `name`), shaped like the controller's ALB names. */
export function mockLoadBalancerHostname(name: string, stack: string, region = "us-east-1"): string {
  return `k8s-mltsapi-${hex(name, 10)}-${hex(stack, 10)}.${region}.elb.amazonaws.com`;
}

/**
 * This account's zones: names in order, but zone IDs shuffled, as AWS maps them per account
 * (`us-east-1a` is not `use1-az1`), and `use1-az3`, which EKS does not support, among them.
 */
export const MOCK_ZONES = {
  names: ["a", "b", "c", "d", "e", "f"],
  zoneIds: ["az3", "az6", "az1", "az5", "az2", "az4"],
};

/**
 * An instance type's memory in MiB as EC2 DescribeInstanceTypes reports it, for the usual families:
 * burstable t-classes by size (t4g.micro 1 GiB, t4g.medium 4 GiB), others by vCPUs (large = 2,
 * xlarge = 4, 2xlarge = 8, ...) times the family's GiB per vCPU (c 2, m 4, r 8, x 16).
 */
function instanceMemoryMiB(instanceType: string): number {
  const [family = "", size = ""] = instanceType.split(".");
  const burstable: Record<string, number> = { nano: 0.5, micro: 1, small: 2, medium: 4, large: 8, xlarge: 16, "2xlarge": 32 };
  if (family.startsWith("t") && burstable[size] !== undefined) return burstable[size] * 1024;
  const vcpus = size === "large" ? 2 : 4 * Number(size.replace(/xlarge$/, "") || 1);
  const perVcpu = ({ c: 2, m: 4, r: 8, x: 16 } as Record<string, number>)[family[0] ?? ""];
  if (perVcpu === undefined || Number.isNaN(vcpus)) throw new Error(`the mocks cannot size instance type ${instanceType}`);
  return vcpus * perVcpu * 1024;
}

/** Resource types whose AWS ids have a recognisable shape (`subnet-0a1b...`). */
const ID_PREFIXES: Record<string, string> = {
  "aws:ec2/subnet:Subnet": "subnet",
  "aws:ec2/vpc:Vpc": "vpc",
  "aws:ec2/securityGroup:SecurityGroup": "sg",
};

/** Mocks for one stack's run in `region`. */
export function mocks(region: string, stack: string): pulumi.runtime.Mocks {
  const registry = `${ACCOUNT}.dkr.ecr.${region}.amazonaws.com`;
  const zonePrefix = region.replace(/^([a-z]{2})-([a-z])[a-z]*-(\d+)$/, "$1$2$3"); // us-east-1 → use1
  return {
    call({ token, inputs }) {
      switch (token) {
        case "aws:index/getAvailabilityZones:getAvailabilityZones":
          return {
            names: MOCK_ZONES.names.map((z) => `${region}${z}`),
            zoneIds: MOCK_ZONES.zoneIds.map((id) => `${zonePrefix}-${id}`),
            state: "available",
          };
        case "aws:index/getRegion:getRegion":
          return { name: region, region, endpoint: `ec2.${region}.amazonaws.com` };
        case "aws:index/getPartition:getPartition":
          return { partition: "aws", dnsSuffix: "amazonaws.com" };
        case "aws:index/getCallerIdentity:getCallerIdentity":
          return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/ci`, userId: "AIDAMOCK" };
        case "aws:route53/getZone:getZone":
          return { zoneId: `Z${hex(String(inputs.name), 20).toUpperCase()}`, name: inputs.name };
        case "aws:lb/getHostedZoneId:getHostedZoneId":
          return { id: "Z35SXDOTRQ7X7K" }; // the ALB zone of us-east-1
        case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
          return { userName: "AWS", password: "mock-ecr-token", proxyEndpoint: `https://${registry}` };
        case "aws:ec2/getInstanceType:getInstanceType": {
          return { instanceType: inputs.instanceType, memorySize: instanceMemoryMiB(String(inputs.instanceType)) };
        }
        case "aws:lb/getLoadBalancer:getLoadBalancer": {
          const lbName = String(inputs.name);
          return { name: lbName, loadBalancerType: "application", arnSuffix: `app/${lbName}/${hex(lbName, 16)}`, arn: `arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:loadbalancer/app/${lbName}/${hex(lbName, 16)}` };
        }
        default:
          return {};
      }
    },
    newResource({ type, name, inputs }) {
      const id = ID_PREFIXES[type] ? `${ID_PREFIXES[type]}-${hex(name, 17)}` : `${name}-${hex(type + name, 8)}`;
      const [pkg = "", module = ""] = type.split(":");
      const state: Record<string, unknown> = { ...inputs };
      if (pkg === "aws") {
        const service = module.split("/")[0];
        state.arn = `arn:aws:${service}:${region}:${ACCOUNT}:${id}`;
        state.name = inputs.name ?? id;
      }
      return { id, state: { ...state, ...stateFor(type, name, id, inputs as Record<string, unknown>) } };
    },
  };

  function stateFor(type: string, name: string, id: string, inputs: Record<string, unknown>): Record<string, unknown> {
    switch (type) {
      case "eks:index:Cluster": {
        const issuer = `oidc.eks.${region}.amazonaws.com/id/${hex(name, 32).toUpperCase()}`;
        const kubeconfig = kubeconfigFor(String(inputs.name ?? name), `https://${hex(name, 32).toUpperCase()}.gr7.${region}.eks.amazonaws.com`);
        return {
          kubeconfig,
          kubeconfigJson: JSON.stringify(kubeconfig),
          oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}`,
          oidcProviderUrl: issuer,
          oidcIssuer: issuer,
          clusterSecurityGroupId: `sg-${hex(`${name}cluster`, 17)}`,
          nodeSecurityGroupId: `sg-${hex(`${name}cluster`, 17)}`,
        };
      }
      case "aws:kms/key:Key":
        return { keyId: hex(name, 32), arn: `arn:aws:kms:${region}:${ACCOUNT}:key/${hex(name, 32)}` };
      case "aws:iam/role:Role":
        return { arn: `arn:aws:iam::${ACCOUNT}:role/${id}`, name: inputs.name ?? id };
      case "aws:iam/policy:Policy":
        return { arn: `arn:aws:iam::${ACCOUNT}:policy/${id}` };
      case "aws:sqs/queue:Queue":
        return { arn: `arn:aws:sqs:${region}:${ACCOUNT}:${id}`, url: `https://sqs.${region}.amazonaws.com/${ACCOUNT}/${id}`, name: id };
      case "aws:sns/topic:Topic":
        return { arn: `arn:aws:sns:${region}:${ACCOUNT}:${id}` };
      case "aws:secretsmanager/secret:Secret":
        return { arn: `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${id}` };
      case "aws:ec2/launchTemplate:LaunchTemplate":
        return { latestVersion: 1 };
      case "aws:rds/instance:Instance":
        return {
          identifier: id,
          address: `${id}.c${hex(name, 10)}.${region}.rds.amazonaws.com`,
          endpoint: `${id}.c${hex(name, 10)}.${region}.rds.amazonaws.com:5432`,
          // With manageMasterUserPassword, RDS names the secret it keeps the password in.
          masterUserSecrets: inputs.manageMasterUserPassword
            ? [{ secretArn: `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:rds!db-${hex(name, 8)}`, kmsKeyId: inputs.masterUserSecretKmsKeyId, secretStatus: "active" }]
            : [],
        };
      case "aws:elasticache/replicationGroup:ReplicationGroup":
        return { primaryEndpointAddress: `master.${id}.${hex(name, 6)}.use1.cache.amazonaws.com` };
      case "aws:ecr/repository:Repository":
        return { repositoryUrl: `${registry}/${id}`, registryId: ACCOUNT };
      case "docker-build:index:Image": {
        const tag = String((inputs.tags as string[] | undefined)?.[0] ?? name);
        return { ref: `${tag.replace(/:[^:/]+$/, "")}@sha256:${hex(tag, 64)}`, digest: `sha256:${hex(tag, 64)}` };
      }
      case "docker-build:index:Index": {
        // `imagetools create` from one image re-tags its manifest: the digest stays the source's.
        const source = String((inputs.sources as string[] | undefined)?.[0] ?? "");
        const tag = String(inputs.tag);
        return { ref: `${tag.replace(/:[^:/]+$/, "")}@${source.split("@")[1]}` };
      }
      case "pulumi:pulumi:StackReference": {
        const upstream = String(inputs.name).split("/").pop();
        const image = (service: string) => `${registry}/mlts-dev-${service}@sha256:${hex(`${upstream}${service}`, 64)}`;
        return { outputs: { apiImage: image("api"), workerImage: image("worker") }, secretOutputNames: [] };
      }
      case "random:index/randomPassword:RandomPassword":
        return { result: hex(name, Number(inputs.length ?? 32)) };
      case "kubernetes:networking.k8s.io/v1:Ingress":
        return { status: { loadBalancer: { ingress: [{ hostname: mockLoadBalancerHostname(name, stack, region) }] } } };
      case "aws:acm/certificate:Certificate": {
        const record = `_${hex(name, 32)}.${String(inputs.domainName)}.`;
        return { domainValidationOptions: [{ domainName: inputs.domainName, resourceRecordName: record, resourceRecordType: "CNAME", resourceRecordValue: `_${hex(record, 32)}.acm-validations.aws.` }] };
      }
      case "aws:acm/certificateValidation:CertificateValidation":
        return { certificateArn: inputs.certificateArn };
      case "aws:route53/record:Record":
        return { fqdn: String(inputs.name).replace(/\.$/, "") };
      default:
        return {};
    }
  }
}

function kubeconfigFor(cluster: string, server: string) {
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: cluster, cluster: { server, "certificate-authority-data": Buffer.from("mock-ca").toString("base64") } }],
    contexts: [{ name: "aws", context: { cluster, user: "aws" } }],
    "current-context": "aws",
    users: [{ name: "aws", user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", cluster] } } }],
  };
}
