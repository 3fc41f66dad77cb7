import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "./config.ts";

/**
 * Detection for the whole account and region: GuardDuty with EKS audit-log and runtime monitoring
 * (its agent managed by GuardDuty as an EKS add-on), and ECR enhanced scanning, which rescans every
 * image continuously as new vulnerabilities are published. Both exist once per account and region:
 * each is a toggle, on in the one stack that owns it (prod).
 */
export class AccountSecurity extends pulumi.ComponentResource {
  constructor(name: string, args: StackConfig["security"], opts?: pulumi.ComponentResourceOptions) {
    super("mlts:security:AccountSecurity", name, {}, opts);
    const parent = { parent: this };
    if (args.guardDuty) {
      const detector = new aws.guardduty.Detector(name, { enable: true, findingPublishingFrequency: "FIFTEEN_MINUTES" }, parent);
      new aws.guardduty.DetectorFeature(`${name}-eks-audit-logs`, { detectorId: detector.id, name: "EKS_AUDIT_LOGS", status: "ENABLED" }, parent);
      new aws.guardduty.DetectorFeature(`${name}-runtime`, {
        detectorId: detector.id,
        name: "RUNTIME_MONITORING",
        status: "ENABLED",
        additionalConfigurations: [{ name: "EKS_ADDON_MANAGEMENT", status: "ENABLED" }],
      }, parent);
    }
    if (args.ecrEnhancedScanning) {
      new aws.ecr.RegistryScanningConfiguration(name, {
        scanType: "ENHANCED",
        rules: [{ scanFrequency: "CONTINUOUS_SCAN", repositoryFilters: [{ filter: "*", filterType: "WILDCARD" }] }],
      }, parent);
    }
    this.registerOutputs({});
  }
}
