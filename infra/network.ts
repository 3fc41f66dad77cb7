import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { NetworkConfig } from "./config.ts";
import type { LogStorage } from "./logs.ts";
import unsupportedZones from "./upstream/facts/eks-unsupported-zones.json" with { type: "json" };

export interface NetworkArgs extends NetworkConfig {
  /** Tag that lets EKS and its load balancers discover the subnets. */
  clusterName: string;
  /** Where the VPC's flow logs go. */
  logs: LogStorage;
}

/** Interface endpoints the nodes and pods call: image pulls, IRSA token exchange, secrets, logs. */
const INTERFACE_ENDPOINTS = ["ecr.api", "ecr.dkr", "sts", "secretsmanager", "logs"];

/**
 * VPC over N AZs: private subnets (/19, room for VPC-CNI pod IPs) for nodes, databases and internal
 * load balancers; small public subnets (/22) only for NAT gateways and the internet-facing API balancer.
 */
export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly cidrBlock: string;
  readonly privateSubnetIds: pulumi.Output<string>[];
  readonly publicSubnetIds: pulumi.Output<string>[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:network:Network", name, {}, opts);
    const parent = { parent: this };
    // By zone ID: a zone's name maps to a different physical zone in each account, and EKS refuses
    // some zone IDs outright (its control plane ENIs go in these subnets).
    const zones = aws.getAvailabilityZonesOutput({
      state: "available",
      filters: [{ name: "zone-type", values: ["availability-zone"] }],
    }, parent).zoneIds.apply((ids) => eksZoneIds(ids, args.availabilityZones));
    const region = aws.getRegionOutput({}, parent).region;
    const clusterTag = { [`kubernetes.io/cluster/${args.clusterName}`]: "shared" };

    const vpc = new aws.ec2.Vpc(name, {
      cidrBlock: args.cidrBlock,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: name },
    }, parent);
    // Every accepted and rejected connection, for investigations and for spotting scans.
    const flowLogRole = new aws.iam.Role(`${name}-flow-logs`, {
      assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "vpc-flow-logs.amazonaws.com" }),
    }, parent);
    const flowLogGroup = args.logs.group(`${name}-flow-logs`, undefined, parent);
    new aws.iam.RolePolicy(`${name}-flow-logs`, {
      role: flowLogRole.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
          Resource: [flowLogGroup.arn, pulumi.interpolate`${flowLogGroup.arn}:*`],
        }],
      }),
    }, parent);
    new aws.ec2.FlowLog(name, {
      vpcId: vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: flowLogGroup.arn,
      iamRoleArn: flowLogRole.arn,
      maxAggregationInterval: 60,
    }, parent);

    // The default security group is the fallback for anything created without one: make it deny all.
    new aws.ec2.DefaultSecurityGroup(name, { vpcId: vpc.id, tags: { Name: `${name}-default-deny` } }, parent);
    const igw = new aws.ec2.InternetGateway(name, { vpcId: vpc.id, tags: { Name: name } }, parent);

    const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, {
      vpcId: vpc.id,
      routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
      tags: { Name: `${name}-public` },
    }, parent);

    const azs = Array.from({ length: args.availabilityZones }, (_, i) => i);
    const publicSubnets = azs.map((i) => {
      const subnet = new aws.ec2.Subnet(`${name}-public-${i}`, {
        vpcId: vpc.id,
        availabilityZoneId: zones.apply((z) => z[i]!),
        cidrBlock: subnetCidr(args.cidrBlock, 22, 56 + i),
        mapPublicIpOnLaunch: false,
        tags: { Name: `${name}-public-${i}`, "kubernetes.io/role/elb": "1", ...clusterTag },
      }, parent);
      new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: subnet.id, routeTableId: publicRoutes.id }, parent);
      return subnet;
    });

    const nats = azs.slice(0, args.natGateways).map((i) => {
      const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: { Name: `${name}-nat-${i}` } }, parent);
      return new aws.ec2.NatGateway(`${name}-nat-${i}`, {
        allocationId: eip.id,
        subnetId: publicSubnets[i]!.id,
        tags: { Name: `${name}-nat-${i}` },
      }, { parent: this, dependsOn: [igw] });
    });

    const privateRouteTables = azs.map((i) => {
      const table = new aws.ec2.RouteTable(`${name}-private-${i}`, {
        vpcId: vpc.id,
        // With fewer NATs than AZs, AZs share them round-robin (cheaper, but an AZ outage can cut egress).
        routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nats[i % nats.length]!.id }],
        tags: { Name: `${name}-private-${i}` },
      }, parent);
      return table;
    });
    const privateSubnets = azs.map((i) => {
      const subnet = new aws.ec2.Subnet(`${name}-private-${i}`, {
        vpcId: vpc.id,
        availabilityZoneId: zones.apply((z) => z[i]!),
        cidrBlock: subnetCidr(args.cidrBlock, 19, i),
        tags: { Name: `${name}-private-${i}`, "kubernetes.io/role/internal-elb": "1", ...clusterTag },
      }, parent);
      new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: subnet.id, routeTableId: privateRouteTables[i]!.id }, parent);
      return subnet;
    });

    // S3 is where ECR keeps image layers: a free gateway endpoint keeps pulls off the NAT.
    new aws.ec2.VpcEndpoint(`${name}-s3`, {
      vpcId: vpc.id,
      serviceName: pulumi.interpolate`com.amazonaws.${region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: privateRouteTables.map((t) => t.id),
      tags: { Name: `${name}-s3` },
    }, parent);

    if (args.interfaceEndpoints) {
      const endpointSg = new aws.ec2.SecurityGroup(`${name}-endpoints`, {
        vpcId: vpc.id,
        description: "HTTPS from inside the VPC to AWS interface endpoints",
        ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [args.cidrBlock], description: "VPC" }],
        tags: { Name: `${name}-endpoints` },
      }, parent);
      for (const service of INTERFACE_ENDPOINTS) {
        new aws.ec2.VpcEndpoint(`${name}-${service.replace(".", "-")}`, {
          vpcId: vpc.id,
          serviceName: pulumi.interpolate`com.amazonaws.${region}.${service}`,
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: privateSubnets.map((s) => s.id),
          securityGroupIds: [endpointSg.id],
          tags: { Name: `${name}-${service}` },
        }, parent);
      }
    }

    this.vpcId = vpc.id;
    this.cidrBlock = args.cidrBlock;
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds, publicSubnetIds: this.publicSubnetIds });
  }
}

/**
 * The first `count` zone IDs (sorted, so a stack keeps its zones) that EKS accepts for cluster
 * subnets; fails with the zones it found when the region has too few.
 */
export function eksZoneIds(zoneIds: string[], count: number): string[] {
  const unsupported = new Set(unsupportedZones.zones.map((zone) => zone.zoneId));
  const usable = [...zoneIds].sort().filter((id) => !unsupported.has(id));
  if (usable.length < count) {
    throw new Error(`mlts:network.availabilityZones is ${count}, but the region has ${usable.length} zones EKS supports (${usable.join(", ")}; excluded: ${zoneIds.filter((id) => unsupported.has(id)).join(", ") || "none"})`);
  }
  return usable.slice(0, count);
}

/** The `index`-th block of prefix length `prefix` inside `cidr`, e.g. ("10.0.0.0/16", 19, 1) → "10.0.32.0/19". */
export function subnetCidr(cidr: string, prefix: number, index: number): string {
  const [address = "", bits = ""] = cidr.split("/");
  if (prefix < Number(bits) || index >= 2 ** (prefix - Number(bits))) {
    throw new Error(`Block #${index} of size /${prefix} does not fit in ${cidr}`);
  }
  const base = address.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
  const start = base + index * 2 ** (32 - prefix);
  return `${[24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256).join(".")}/${prefix}`;
}
