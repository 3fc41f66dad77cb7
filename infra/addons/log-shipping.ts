import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Cluster } from "../cluster.ts";
import { attachUpstreamPolicies } from "../controller-iam.ts";
import type { LogStorage } from "../logs.ts";
import { type ChartSource, helmRelease, podSecurityNamespace } from "./helm.ts";

/** AWS's own Fluent Bit chart: its image carries the CloudWatch Logs output (Fluent Bit 4.2). */
export const FLUENT_BIT_CHART: ChartSource = {
  chart: "aws-for-fluent-bit",
  repository: "https://aws.github.io/eks-charts",
  version: "0.2.0",
  namespace: "logging",
};
const RELEASE = "aws-for-fluent-bit";
/** The chart's service account, named so the IRSA role can trust exactly this one. */
const SERVICE_ACCOUNT = "aws-for-fluent-bit";
/** The group of records Fluent Bit cannot attribute to a namespace (no Kubernetes metadata). */
export const UNATTRIBUTED = "unattributed";
/** Fluent Bit's record accessor for the namespace the kubernetes filter adds to each record. */
const NAMESPACE_FIELD = "$kubernetes['namespace_name']";

export interface LogShippingArgs {
  provider: k8s.Provider;
  cluster: Cluster;
  clusterName: string;
  /** Every namespace that runs containers: each gets its log group, and no other group is ever created. */
  namespaces: string[];
  /** The stack's log key and retention. */
  logs: LogStorage;
}

/**
 * Container logs in CloudWatch Logs: Fluent Bit on every node tails each container's output,
 * parses its JSON lines (the services write one JSON object per line, with the trace id of a
 * traced request) and sends them to one log group per namespace, `/aws/eks/<cluster>/containers/<ns>`.
 * The groups are the program's, created before Fluent Bit runs, encrypted with the stack's log key
 * and kept for its retention (../logs.ts); Fluent Bit may not create any (a group it made would have
 * neither), and its role may write only to them (IRSA, the plugin's own policy scoped to them).
 */
export class LogShipping extends pulumi.ComponentResource {
  constructor(name: string, args: LogShippingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:addons:LogShipping", name, {}, opts);
    const parent = { parent: this };
    const prefix = `/aws/eks/${args.clusterName}/containers`;
    const groups = [...new Set([...args.namespaces, UNATTRIBUTED])].map((namespace) =>
      args.logs.group(`${name}-${namespace}`, `${prefix}/${namespace}`));

    const region = aws.getRegionOutput({}, parent).region;
    const scope = pulumi.all([aws.getCallerIdentityOutput({}, parent).accountId, region, aws.getPartitionOutput({}, parent).partition])
      .apply(([account, region, partition]) => {
        const groupsArn = `arn:${partition}:logs:${region}:${account}:log-group:${prefix}/*`;
        return [groupsArn, `${groupsArn}:log-stream:*`];
      });
    const namespace = podSecurityNamespace(FLUENT_BIT_CHART.namespace, {
      level: "privileged",
      reason: "Fluent Bit reads every container's log files from the node (hostPath volumes)",
    }, { parent: this, provider: args.provider });
    const role = args.cluster.serviceAccountRole(`${name}-fluent-bit`, FLUENT_BIT_CHART.namespace, SERVICE_ACCOUNT, parent);
    const policies = attachUpstreamPolicies(role, name, "aws-for-fluent-bit", { scope, inline: true }, parent);

    helmRelease(RELEASE, FLUENT_BIT_CHART, {
      serviceAccount: { create: true, name: SERVICE_ACCOUNT, annotations: { "eks.amazonaws.com/role-arn": role.arn } },
      cloudWatchLogs: {
        enabled: true,
        region,
        logGroupTemplate: `${prefix}/${NAMESPACE_FIELD}`,
        // Where a record goes when the template cannot be resolved (no Kubernetes metadata).
        logGroupName: `${prefix}/${UNATTRIBUTED}`,
        logStreamTemplate: "$kubernetes['pod_name'].$kubernetes['container_name']",
        autoCreateGroup: false,
      },
      // A JSON line becomes the record's `data` field (queryable in Logs Insights as data.traceId);
      // keeping the raw line too would pay for every byte twice. Pod annotations add only bulk.
      filter: { keepLog: "Off", extraFilters: "Annotations Off" },
      // Every node's containers, whatever its taints; and never evicted before what it logs.
      tolerations: [{ operator: "Exists" }],
      priorityClassName: "system-node-critical",
      // Root is needed to read the host's log files (owned by root); nothing more is.
      containerSecurityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
    }, { parent: this, provider: args.provider, dependsOn: [namespace, ...policies, ...groups] });
    this.registerOutputs({});
  }
}
