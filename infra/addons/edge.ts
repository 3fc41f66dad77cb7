import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { parseRateLimit } from "../../services/shared/config.ts";
import type { AddonsConfig } from "../config.ts";
import type { LogStorage } from "../logs.ts";
import { ALB_INGRESS_CLASS } from "./load-balancer-controller.ts";

/** AWS managed rule groups: common exploits, inputs known to be malicious, addresses with a bad reputation. */
const MANAGED_RULE_GROUPS = ["AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"];
/**
 * The common rule set blocks request bodies over 8 KB; the API takes batches up to its own body
 * limit (1 MB) and answers 413 itself, so that one rule only counts.
 */
const COUNTED_RULES: Record<string, string[]> = { AWSManagedRulesCommonRuleSet: ["SizeRestrictions_BODY"] };
/** TLS 1.3 and 1.2 with forward secrecy only. */
const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/** The windows a WAF rate-based rule can count over, in seconds, and its smallest limit. */
const WAF_WINDOWS = [60, 120, 300, 600];
const WAF_MINIMUM_LIMIT = 10;
/** Longer than the API's longest request (`GET /tasks/{id}?wait=60`); event streams send a heartbeat every 15 s. */
const IDLE_TIMEOUT_SECONDS = 120;

/**
 * The API's per-client limit (the app's `perIp`, e.g. "200/min") as a WAF rate-based rule, which
 * counts over 1, 2, 5 or 10 minutes: the shortest window that holds the API's, at the same rate.
 */
export function wafRateLimit(perIp: string): { limit: number; evaluationWindowSec: number } {
  const { max, windowMs } = parseRateLimit(perIp);
  const seconds = windowMs / 1000;
  const evaluationWindowSec = WAF_WINDOWS.find((window) => window >= seconds) ?? WAF_WINDOWS.at(-1)!;
  return { limit: Math.max(WAF_MINIMUM_LIMIT, Math.ceil((max * evaluationWindowSec) / seconds)), evaluationWindowSec };
}

export interface EdgeArgs extends Pick<AddonsConfig["edge"], "allowedCidrs" | "domain" | "hostedZone"> {
  provider: k8s.Provider;
  /** The Istio ingress gateway's Service: the ALB's targets are its pods. */
  gateway: { service: string; namespace: string; port: number; healthPort: number; healthPath: string; release: pulumi.Resource };
  /** The load balancer controller: its webhook must answer before the Ingress is created. */
  controller: pulumi.Resource;
  /** The API's per-client limit, in its own notation: the WAF enforces it first. */
  perIpLimit: string;
  /** Where the WAF logs go. */
  logs: LogStorage;
  /** The ALB's name (at most 32 characters): the controller names it so, and alarms find it by it. */
  loadBalancerName: string;
}

/**
 * The API's front door: an internet-facing ALB (made by the AWS Load Balancer Controller from an
 * Ingress) in front of the Istio ingress gateway, with a WAFv2 web ACL (AWS managed rules and a
 * per-client rate limit that agrees with the API's, logged to CloudWatch) and, with a domain,
 * HTTPS only: an ACM certificate validated in Route 53, HTTP answered with a redirect, a modern TLS
 * policy and an alias record. The certificate and the web ACL are named on the Ingress, so the
 * controller, which owns the ALB, keeps them attached.
 */
export class Edge extends pulumi.ComponentResource {
  /** `https://<domain>`, or `http://<ALB name>` for a stack that runs plain HTTP. */
  readonly url: pulumi.Output<string>;
  /** The ALB's name, known once the controller has made it. */
  readonly loadBalancerName: pulumi.Output<string>;

  constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:addons:Edge", name, {}, opts);
    const parent = { parent: this };
    const visibility = (metric: string) => ({ cloudwatchMetricsEnabled: true, metricName: metric, sampledRequestsEnabled: true });

    const acl = new aws.wafv2.WebAcl(name, {
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`${name}-web-acl`),
      rules: [
        ...MANAGED_RULE_GROUPS.map((group, priority) => ({
          name: group,
          priority,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: "AWS",
              name: group,
              ruleActionOverrides: (COUNTED_RULES[group] ?? []).map((rule) => ({ name: rule, actionToUse: { count: {} } })),
            },
          },
          visibilityConfig: visibility(group),
        })),
        {
          name: "per-client-rate-limit",
          priority: MANAGED_RULE_GROUPS.length,
          action: { block: { customResponse: { responseCode: 429 } } },
          statement: { rateBasedStatement: { aggregateKeyType: "IP", ...wafRateLimit(args.perIpLimit) } },
          visibilityConfig: visibility("per-client-rate-limit"),
        },
      ],
    }, parent);
    // WAF writes only to log groups whose name starts with aws-waf-logs-.
    const wafLogs = args.logs.group(`${name}-waf`, `aws-waf-logs-${name}-${pulumi.getStack()}`, parent);
    new aws.wafv2.WebAclLoggingConfiguration(name, { resourceArn: acl.arn, logDestinationConfigs: [wafLogs.arn] }, parent);

    const https = args.domain !== undefined && args.hostedZone !== undefined;
    const zone = https ? aws.route53.getZoneOutput({ name: args.hostedZone, privateZone: false }, parent) : undefined;
    let certificateArn: pulumi.Output<string> | undefined;
    if (https && zone) {
      const certificate = new aws.acm.Certificate(name, { domainName: args.domain!, validationMethod: "DNS" }, parent);
      const option = certificate.domainValidationOptions[0]!;
      const record = new aws.route53.Record(`${name}-validation`, {
        zoneId: zone.zoneId,
        name: option.resourceRecordName,
        type: option.resourceRecordType,
        records: [option.resourceRecordValue],
        ttl: 300,
        allowOverwrite: true,
      }, parent);
      certificateArn = new aws.acm.CertificateValidation(name, { certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn] }, parent).certificateArn;
    }

    const alb = "alb.ingress.kubernetes.io";
    const ingress = new k8s.networking.v1.Ingress(name, {
      metadata: {
        name: "api",
        namespace: args.gateway.namespace,
        annotations: pulumi.all([acl.arn, certificateArn]).apply(([aclArn, certArn]) => ({
          [`${alb}/load-balancer-name`]: args.loadBalancerName,
          [`${alb}/scheme`]: "internet-facing",
          // Straight to the gateway's pods: no node hop, and the client's address stays in X-Forwarded-For.
          [`${alb}/target-type`]: "ip",
          [`${alb}/group.name`]: "mlts-api",
          [`${alb}/inbound-cidrs`]: args.allowedCidrs.join(","),
          [`${alb}/wafv2-acl-arn`]: aclArn,
          [`${alb}/healthcheck-port`]: String(args.gateway.healthPort),
          [`${alb}/healthcheck-path`]: args.gateway.healthPath,
          [`${alb}/load-balancer-attributes`]: `idle_timeout.timeout_seconds=${IDLE_TIMEOUT_SECONDS},routing.http.drop_invalid_header_fields.enabled=true`,
          ...(certArn
            ? {
              [`${alb}/listen-ports`]: '[{"HTTP": 80}, {"HTTPS": 443}]',
              [`${alb}/ssl-redirect`]: "443",
              [`${alb}/certificate-arn`]: certArn,
              [`${alb}/ssl-policy`]: TLS_POLICY,
            }
            : { [`${alb}/listen-ports`]: '[{"HTTP": 80}]' }),
        })),
      },
      spec: {
        ingressClassName: ALB_INGRESS_CLASS,
        rules: [{
          ...(https ? { host: args.domain } : {}),
          http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: args.gateway.service, port: { number: args.gateway.port } } } }] },
        }],
      },
    }, { parent: this, provider: args.provider, dependsOn: [args.controller, args.gateway.release] });
    // Pulumi waits for an Ingress's address before it reports the Ingress created.
    const hostname = ingress.status.loadBalancer.ingress.apply((addresses) => {
      const host = addresses?.[0]?.hostname;
      if (!host) throw new Error("The api Ingress has no load balancer address");
      return host;
    });

    if (https && zone) {
      new aws.route53.Record(`${name}-alias`, {
        zoneId: zone.zoneId,
        name: args.domain!,
        type: "A",
        aliases: [{ name: hostname, zoneId: aws.lb.getHostedZoneIdOutput({ loadBalancerType: "application" }, parent).id, evaluateTargetHealth: true }],
      }, parent);
    }
    this.loadBalancerName = hostname.apply(() => args.loadBalancerName);
    this.url = https ? pulumi.output(`https://${args.domain}`) : pulumi.interpolate`http://${hostname}`;
    this.registerOutputs({ url: this.url });
  }
}
