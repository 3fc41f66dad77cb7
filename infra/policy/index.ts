// The CrossGuard entry point. Constructing a PolicyPack starts the analyzer's gRPC server for the
// Pulumi engine, so nothing but `pulumi preview/up --policy-pack infra/policy` may import this file.
import { PolicyPack } from "@pulumi/policy";
import { packEnforcementLevel, packName, policies } from "./policies/index.ts";

// PolicyPack reads its version from `${cwd}/package.json`; language hosts such as bun's may start
// the pack in the project root (whose package.json has no version), so point it at the pack's own.
process.chdir(import.meta.dir);

new PolicyPack(packName, { policies, enforcementLevel: packEnforcementLevel });
