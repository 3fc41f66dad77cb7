import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { configOf } from "../lib/config.ts";
import { helmChartOf, namespaceOf } from "../lib/kubernetes.ts";
import { describe } from "../lib/resources.ts";

interface Config {
  rootNamespace: string;
  requireMesh: boolean;
}

const configSchema = {
  properties: {
    rootNamespace: { type: "string" as const, default: "istio-system", description: "Istio's root namespace, where a mesh-wide policy lives." },
    requireMesh: { type: "boolean" as const, default: false, description: "Fail a stack that does not install Istio at all." },
  },
};

interface PeerAuthentication {
  selector?: unknown;
  mtls?: { mode?: string };
  portLevelMtls?: Record<string, { mode?: string }>;
}

function isIstio(resource: PolicyResource): boolean {
  const chart = helmChartOf(resource);
  return chart !== undefined && (chart.chart === "istiod" || chart.repository.includes("istio-release"));
}

export const kubernetesIstioPeerAuthenticationRequireStrictMtls: StackValidationPolicy = {
  name: "kubernetes-istio-peerauthentication-require-strict-mtls",
  description: "A stack that installs Istio has a mesh-wide STRICT mTLS PeerAuthentication and no policy that relaxes it.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema,
  validateStack: (args, reportViolation) => {
    const { rootNamespace, requireMesh } = configOf<Config>(configSchema, args);
    if (!args.resources.some(isIstio)) {
      if (requireMesh) reportViolation("Istio is not installed in this stack, but requireMesh is set.");
      return;
    }
    const peerAuthentications = args.resources.filter((resource) => /^kubernetes:security\.istio\.io\/v1(beta1)?:PeerAuthentication$/.test(resource.type));
    const meshWideStrict = peerAuthentications.some((resource) => {
      const spec = resource.props.spec as PeerAuthentication | undefined;
      return namespaceOf(resource.props) === rootNamespace && spec?.selector === undefined && spec?.mtls?.mode === "STRICT";
    });
    if (!meshWideStrict) {
      reportViolation(`No mesh-wide PeerAuthentication with mtls.mode STRICT (no selector) in namespace "${rootNamespace}".`);
    }
    for (const resource of peerAuthentications) {
      const spec = resource.props.spec as PeerAuthentication | undefined;
      const relaxed = [spec?.mtls?.mode, ...Object.values(spec?.portLevelMtls ?? {}).map((port) => port.mode)].filter(
        (mode) => mode === "PERMISSIVE" || mode === "DISABLE",
      );
      if (relaxed.length > 0) reportViolation(`${describe(resource)} relaxes mTLS to ${relaxed.join(", ")}.`, resource.urn);
    }
  },
};
