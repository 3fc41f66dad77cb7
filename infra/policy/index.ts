// The CrossGuard entry point. Constructing a PolicyPack starts the analyzer's gRPC server for the
// Pulumi engine, so nothing but `pulumi preview/up --policy-pack infra/policy` may import this file.
import { PolicyPack } from "@pulumi/policy";
import { packEnforcementLevel, packName, policies } from "./policies/index.ts";

new PolicyPack(packName, { policies, enforcementLevel: packEnforcementLevel });
