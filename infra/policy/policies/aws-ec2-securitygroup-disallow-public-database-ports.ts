import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { isWorldCidr } from "../lib/aws.ts";
import { configOf } from "../lib/config.ts";

interface Config {
  ports: number[];
}

const configSchema = {
  properties: {
    ports: {
      type: "array" as const,
      items: { type: "integer" as const, minimum: 0, maximum: 65535 },
      default: [5432, 6379],
      description: "Ports that must never be reachable from 0.0.0.0/0 or ::/0 (PostgreSQL, Redis).",
    },
  },
};

/** One ingress rule in the fields all three rule shapes share. */
interface Ingress {
  protocol: string | undefined;
  fromPort: number | undefined;
  toPort: number | undefined;
  cidrs: (string | undefined)[];
}

/** Inline `ingress` blocks, `SecurityGroupRule` of type ingress, and `vpc.SecurityGroupIngressRule`. */
function ingressRulesOf(args: ResourceValidationArgs): Ingress[] {
  switch (args.type) {
    case "aws:ec2/securityGroup:SecurityGroup":
      return ((args.props as Unwrap<aws.ec2.SecurityGroupArgs>).ingress ?? []).map((rule) => ({
        protocol: rule.protocol,
        fromPort: rule.fromPort,
        toPort: rule.toPort,
        cidrs: [...(rule.cidrBlocks ?? []), ...(rule.ipv6CidrBlocks ?? [])],
      }));
    case "aws:ec2/securityGroupRule:SecurityGroupRule": {
      const rule = args.props as Unwrap<aws.ec2.SecurityGroupRuleArgs>;
      if (rule.type !== "ingress") return [];
      return [{ protocol: rule.protocol, fromPort: rule.fromPort, toPort: rule.toPort, cidrs: [...(rule.cidrBlocks ?? []), ...(rule.ipv6CidrBlocks ?? [])] }];
    }
    case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
      const rule = args.props as Unwrap<aws.vpc.SecurityGroupIngressRuleArgs>;
      return [{ protocol: rule.ipProtocol, fromPort: rule.fromPort, toPort: rule.toPort, cidrs: [rule.cidrIpv4, rule.cidrIpv6] }];
    }
    default:
      return [];
  }
}

// Protocol "-1" (or "all") opens every port whatever fromPort/toPort say.
function coversPort(rule: Ingress, port: number): boolean {
  if (rule.protocol === "-1" || rule.protocol === "all") return true;
  if (rule.protocol !== undefined && !["tcp", "6"].includes(String(rule.protocol).toLowerCase())) return false;
  return (rule.fromPort ?? 0) <= port && port <= (rule.toPort ?? rule.fromPort ?? 65535);
}

export const awsEc2SecurityGroupDisallowPublicDatabasePorts: ResourceValidationPolicy = {
  name: "aws-ec2-securitygroup-disallow-public-database-ports",
  description: "Security groups never open database or Redis ports (5432, 6379) to 0.0.0.0/0 or ::/0.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema,
  validateResource: (args, reportViolation) => {
    const { ports } = configOf<Config>(configSchema, args);
    for (const rule of ingressRulesOf(args)) {
      const world = rule.cidrs.filter(isWorldCidr);
      const exposed = ports.filter((port) => coversPort(rule, port));
      if (world.length > 0 && exposed.length > 0) {
        reportViolation(`Ingress opens port(s) ${exposed.join(", ")} to ${world.join(", ")}: allow only the VPC or a security group.`);
      }
    }
  },
};
