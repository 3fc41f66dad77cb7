import type { StackValidationPolicy } from "@pulumi/policy";
import { attachedVia } from "../lib/aws.ts";
import { describe } from "../lib/resources.ts";

export const awsEc2VpcRequireFlowLogs: StackValidationPolicy = {
  name: "aws-ec2-vpc-require-flow-logs",
  description: "Every VPC the stack creates records its traffic in flow logs (accepted and rejected), for investigations and for spotting scans.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateStack: (args, reportViolation) => {
    const flowLogs = args.resources.filter((r) => r.type === "aws:ec2/flowLog:FlowLog");
    for (const vpc of args.resources.filter((r) => r.type === "aws:ec2/vpc:Vpc")) {
      const covered = flowLogs.some((log) => (log.props.trafficType ?? "ALL") === "ALL" && attachedVia(log, "vpcId", vpc));
      if (!covered) reportViolation(`${describe(vpc)} has no flow log of all its traffic.`, vpc.urn);
    }
  },
};
