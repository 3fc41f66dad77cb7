import type { IProbe } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Probe";
import type { IPrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import type { IServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ALERT_RULE_GROUPS } from "./alert-rules.ts";
import { customResource } from "./custom-resource.ts";
import { CLOUDWATCH, type Dashboard } from "./dashboards/grafana.ts";
import { DASHBOARDS } from "./dashboards/index.ts";
import { type ChartSource, helmRelease, podSecurityNamespace } from "./helm.ts";
import { JOBS } from "./slo.ts";

const PROMETHEUS_COMMUNITY = "https://prometheus-community.github.io/helm-charts";

export const KUBE_PROMETHEUS_STACK_CHART: ChartSource = {
  chart: "kube-prometheus-stack",
  repository: PROMETHEUS_COMMUNITY,
  version: "87.14.0",
  namespace: "monitoring",
};

/** Probes PostgreSQL and Redis (outside the cluster) over TCP, for the database/Redis-down alerts. */
export const BLACKBOX_EXPORTER_CHART: ChartSource = {
  chart: "prometheus-blackbox-exporter",
  repository: PROMETHEUS_COMMUNITY,
  version: "11.17.2",
  namespace: KUBE_PROMETHEUS_STACK_CHART.namespace,
};

const STACK = "kube-prometheus-stack";
/** In-cluster Prometheus API (the chart's `<fullname>-prometheus` Service), for KEDA's trigger and canary analyses. */
export const PROMETHEUS_URL = `http://${STACK}-prometheus.${KUBE_PROMETHEUS_STACK_CHART.namespace}.svc.cluster.local:9090`;
const BLACKBOX = "blackbox-exporter";
/** The blackbox module the Probes use; the chart's default configuration defines only `http_2xx`. */
const TCP_MODULE = "tcp_connect";
export const ALERTMANAGER_SERVICE_ACCOUNT = "alertmanager";
/** The grafana subchart's service account (`<release>-grafana`): it reads CloudWatch as this identity. */
export const GRAFANA_SERVICE_ACCOUNT = `${STACK}-grafana`;
/** Where Prometheus's sidecar writes the mesh certificates it scrapes mTLS-only pods with. */
const MESH_CERTS = "/etc/prom-certs";

export interface ObservabilityArgs {
  provider: k8s.Provider;
  /**
   * The application's namespace, and the labels of the Services each job scrapes: one per
   * component, covering every pod of it (the api's stable and canary alike, so the SLOs and alerts
   * count the canary's requests too), and the name of their port that serves /metrics.
   */
  appNamespace: string;
  metricsServices: { api: Record<string, string>; worker: Record<string, string> };
  metricsPort: string;
  /** `host:port` of PostgreSQL and Redis. */
  databaseAddress: pulumi.Input<string>;
  redisAddress: pulumi.Input<string>;
  retention: string;
  storageGiB: number;
  /** The StorageClass of Prometheus's volume, and what creates it (the CSI driver must run first). */
  storageClass: { name: string; resource: pulumi.Resource };
  /** Alertmanager's receivers and identity (addons/alerting.ts). */
  alertmanager: pulumi.Input<object>;
  /** Istio's release: the Prometheus pod carries a sidecar (for certificates only). */
  istioReady: pulumi.Resource;
  /** Grafana's CloudWatch data source: the role it reads as, the stack's region, and the dashboards on it (aws-monitoring.ts). */
  cloudWatch: { roleArn: pulumi.Input<string>; region: pulumi.Input<string>; dashboards: { uid: string; dashboard: pulumi.Output<Dashboard> }[] };
}

/**
 * Metrics and alerting: kube-prometheus-stack (Prometheus, Alertmanager, Grafana), ServiceMonitors
 * for the api and worker, TCP probes of PostgreSQL and Redis, the alert rules and the dashboards.
 */
export class Observability extends pulumi.ComponentResource {
  readonly namespace = KUBE_PROMETHEUS_STACK_CHART.namespace;
  /** In-cluster Prometheus API, for KEDA's trigger. */
  readonly prometheusUrl = PROMETHEUS_URL;
  readonly prometheusStack: k8s.helm.v3.Release;
  readonly grafanaAdminPassword: pulumi.Output<string>;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:addons:Observability", name, {}, opts);
    const childOpts = { parent: this, provider: args.provider };
    const ns = this.namespace;

    this.grafanaAdminPassword = new random.RandomPassword(`${name}-grafana-admin`, { length: 32, special: false }, { parent: this }).result;
    const namespace = podSecurityNamespace(ns, { level: "privileged", reason: "the node exporter reads each node's host network, PID namespace and filesystem" }, childOpts);
    this.prometheusStack = helmRelease(STACK, KUBE_PROMETHEUS_STACK_CHART, {
      prometheus: {
        prometheusSpec: {
          // Select every ServiceMonitor, Probe and PrometheusRule, not only those labelled for the release.
          serviceMonitorSelectorNilUsesHelmValues: false,
          probeSelectorNilUsesHelmValues: false,
          ruleSelectorNilUsesHelmValues: false,
          retention: args.retention,
          storageSpec: {
            volumeClaimTemplate: {
              spec: { storageClassName: args.storageClass.name, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: `${args.storageGiB}Gi` } } },
            },
          },
          // Uninstalling deletes the volume too, while the CSI driver still runs (nothing left on destroy).
          persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Retain" },
          // Istio's documented way to scrape strict-mTLS pods: a sidecar that intercepts nothing and
          // only writes the workload certificates to a volume Prometheus reads.
          podMetadata: {
            labels: { "sidecar.istio.io/inject": "true" },
            annotations: {
              "traffic.sidecar.istio.io/includeInboundPorts": "",
              "traffic.sidecar.istio.io/includeOutboundIPRanges": "",
              "proxy.istio.io/config": JSON.stringify({ proxyMetadata: { OUTPUT_CERTS: "/etc/istio-output-certs" } }),
              "sidecar.istio.io/userVolumeMount": JSON.stringify([{ name: "istio-certs", mountPath: "/etc/istio-output-certs" }]),
            },
          },
          volumes: [{ name: "istio-certs", emptyDir: { medium: "Memory" } }],
          volumeMounts: [{ name: "istio-certs", mountPath: MESH_CERTS }],
        },
      },
      alertmanager: args.alertmanager,
      // EKS runs these on its managed control plane (or binds kube-proxy's metrics to localhost):
      // scrape targets that are never up would fire their Down alerts forever.
      kubeControllerManager: { enabled: false },
      kubeScheduler: { enabled: false },
      kubeEtcd: { enabled: false },
      kubeProxy: { enabled: false },
      grafana: {
        adminPassword: this.grafanaAdminPassword,
        sidecar: { dashboards: { enabled: true, label: "grafana_dashboard", searchNamespace: ns } },
        serviceAccount: { annotations: { "eks.amazonaws.com/role-arn": args.cloudWatch.roleArn } },
        // RDS and ElastiCache metrics as CloudWatch has them: what the alarms judge, no database
        // credentials or exporter in the cluster. authType default = the pod's IRSA credentials.
        additionalDataSources: [{
          name: "CloudWatch",
          type: CLOUDWATCH.type,
          uid: CLOUDWATCH.uid,
          access: "proxy",
          jsonData: { authType: "default", defaultRegion: args.cloudWatch.region },
        }],
      },
    }, { ...childOpts, dependsOn: [namespace, args.istioReady, args.storageClass.resource] });
    const afterCrds = { ...childOpts, dependsOn: [this.prometheusStack] };

    const serviceMonitor = (job: keyof ObservabilityArgs["metricsServices"]) => {
      const monitor: IServiceMonitor = {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: job, namespace: args.appNamespace },
        spec: {
          selector: { matchLabels: args.metricsServices[job] },
          endpoints: [{
            port: args.metricsPort,
            path: "/metrics",
            interval: "15s",
            // The alert rules select on the job; the `service` label still tells api from api-canary.
            relabelings: [
              { action: "replace", targetLabel: "job", replacement: job },
              // Which revision served the request: a canary analysis reads only its own pods'.
              { action: "replace", sourceLabels: ["__meta_kubernetes_pod_label_rollouts_pod_template_hash"], targetLabel: "pod_template_hash" },
            ],
            scheme: "https",
            tlsConfig: { caFile: `${MESH_CERTS}/root-cert.pem`, certFile: `${MESH_CERTS}/cert-chain.pem`, keyFile: `${MESH_CERTS}/key.pem`, insecureSkipVerify: true },
          }],
        },
      };
      customResource(`${name}-${job}`, monitor, afterCrds);
    };
    serviceMonitor(JOBS.api);
    serviceMonitor(JOBS.worker);

    const blackbox = helmRelease(BLACKBOX, BLACKBOX_EXPORTER_CHART, {
      fullnameOverride: BLACKBOX,
      config: { modules: { [TCP_MODULE]: { prober: "tcp", timeout: "5s" } } },
    }, { ...childOpts, dependsOn: [namespace] });
    const tcpProbe = (job: string, address: pulumi.Input<string>) =>
      new k8s.apiextensions.CustomResource(`${name}-${job}`, {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "Probe",
        metadata: { name: job, namespace: ns },
        spec: pulumi.output(address).apply((target): IProbe["spec"] => ({
          jobName: job,
          interval: "30s",
          module: TCP_MODULE,
          prober: { url: `${BLACKBOX}.${ns}.svc:9115` },
          targets: { staticConfig: { static: [target] } },
        })),
      }, { ...childOpts, dependsOn: [this.prometheusStack, blackbox] });
    tcpProbe(JOBS.postgres, args.databaseAddress);
    tcpProbe(JOBS.redis, args.redisAddress);

    const rules: IPrometheusRule = {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      metadata: { name: "mlts-alerts", namespace: ns },
      spec: { groups: ALERT_RULE_GROUPS },
    };
    customResource(`${name}-alerts`, rules, afterCrds);

    const dashboards = [...DASHBOARDS.map((d) => ({ uid: d.uid, dashboard: pulumi.output(d) })), ...args.cloudWatch.dashboards];
    for (const { uid, dashboard } of dashboards) {
      new k8s.core.v1.ConfigMap(`${name}-${uid}`, {
        metadata: { name: `dashboard-${uid}`, namespace: ns, labels: { grafana_dashboard: "1" } },
        data: { [`${uid}.json`]: dashboard.apply((d) => JSON.stringify(d)) },
      }, afterCrds);
    }

    this.registerOutputs({ prometheusUrl: this.prometheusUrl });
  }
}
