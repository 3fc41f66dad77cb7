import type { StackValidationPolicy } from "@pulumi/policy";
import { helmReleases, releaseServices } from "../lib/charts.ts";
import { kubernetesObjects } from "../lib/kubernetes.ts";
import { describe } from "../lib/resources.ts";

/** `<service>.<namespace>.svc[.cluster.local][:port]` anywhere in a string (URLs, host:port, bare hosts). */
const SERVICE_DNS = /(?<![\w.-])([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)\.([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)\.svc(?:\.cluster\.local)?(?::(\d+))?(?![\w-])/g;

interface Found { host: string; service: string; namespace: string; port?: number }

/** Every in-cluster Service address written anywhere in a value. */
export function serviceAddresses(value: unknown): Found[] {
  if (typeof value === "string") {
    return [...value.matchAll(SERVICE_DNS)].map(([host, service = "", namespace = "", port]) => ({ host, service, namespace, ...(port ? { port: Number(port) } : {}) }));
  }
  if (Array.isArray(value)) return value.flatMap(serviceAddresses);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(serviceAddresses);
  return [];
}

export const kubernetesServiceReferenceRequireService: StackValidationPolicy = {
  name: "kubernetes-service-reference-require-service",
  description:
    "Every in-cluster address (`<service>.<namespace>.svc…`) written in a Kubernetes object or a Helm release's values names a Service the stack creates, " +
    "itself or through a chart (per the chart's upstream templates), on a port that Service has: a wrong name fails silently at run time (spans dropped, scaling blind).",
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, reportViolation) => {
    const services = new Map<string, number[] | undefined>();
    for (const object of kubernetesObjects(args.resources).filter((o) => o.kind === "Service" && o.group === "")) {
      const ports = (object.resource.props.spec as { ports?: { port?: number }[] } | undefined)?.ports?.map((p) => p.port ?? 0);
      services.set(`${object.name}.${object.namespace}`, ports);
    }
    const releases = helmReleases(args.resources);
    for (const release of releases) {
      for (const service of releaseServices(release)) services.set(`${service.name}.${service.namespace}`, service.ports.length > 0 ? service.ports : undefined);
    }
    const referrers = [
      ...kubernetesObjects(args.resources).map((o) => ({ resource: o.resource, value: o.resource.props })),
      ...releases.map((r) => ({ resource: r.resource, value: r.values })),
    ];
    for (const { resource, value } of referrers) {
      for (const found of serviceAddresses(value)) {
        const key = `${found.service}.${found.namespace}`;
        if (!services.has(key)) {
          reportViolation(`${describe(resource)} refers to ${found.host}, but the stack creates no Service ${found.service} in namespace ${found.namespace}.`, resource.urn);
          continue;
        }
        const ports = services.get(key);
        if (found.port !== undefined && ports && !ports.includes(found.port)) {
          reportViolation(`${describe(resource)} refers to ${found.host}, but Service ${key} serves port(s) ${ports.join(", ")}.`, resource.urn);
        }
      }
    }
  },
};
