import type { IAnalysisTemplate } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AppConfig } from "../config.ts";
import { customResource } from "./custom-resource.ts";
import { type ChartSource, helmRelease, podSecurityNamespace, THIRD_PARTY } from "./helm.ts";
import { SLOS, sli } from "./slo.ts";

export const ARGO_ROLLOUTS_CHART: ChartSource = {
  chart: "argo-rollouts",
  repository: "https://argoproj.github.io/argo-helm",
  version: "2.41.0",
  namespace: "argo-rollouts",
};

/** The Rollout passes its canary's pod-template hash; the analyses read only that canary's requests. */
export const CANARY_HASH_ARG = "canary-hash";
/** The blue/green smoke test's arguments: where the preview answers, and the image to test it with. */
export const PREVIEW_URL_ARG = "preview-url";
export const SMOKE_IMAGE_ARG = "image";
export const CANARY_TEMPLATE = "api-canary-slo";
export const SMOKE_TEMPLATE = "api-preview-smoke";

/** How often a check runs on the canary, and the window it reads: short enough to catch a step in time. */
const INTERVAL = "1m";
const WINDOW = "2m";

type Metric = NonNullable<NonNullable<IAnalysisTemplate["spec"]>["metrics"]>[number];
type Analysis = AppConfig["api"]["delivery"]["analysis"][number];

export interface ProgressiveDeliveryArgs {
  provider: k8s.Provider;
  /** The application's namespace: the AnalysisTemplates live beside the Rollout. */
  namespace: string;
  prometheusUrl: string;
  delivery: AppConfig["api"]["delivery"];
  /** The smoke test's pod: a hardened pod spec running the api image's smoke script. */
  smokePod: (image: string) => k8s.types.input.core.v1.PodSpec;
  smokeLabels: Record<string, string>;
}

const objective = (alert: string) => SLOS.find((slo) => slo.alert === alert)!.objective;

/**
 * A check on the canary's own requests, from Prometheus, with the SLO query the alerts use. With
 * too few requests in the window the query returns nothing and the check is inconclusive: a
 * healthy canary nobody calls is neither aborted nor promoted, its rollout pauses for a person.
 */
function check(name: Analysis, minimumRequests: number, prometheusUrl: string): Metric {
  const canary = sli(`pod_template_hash="{{args.${CANARY_HASH_ARG}}}"`, WINDOW);
  const enoughTraffic = `on() (${canary.requestCount} >= ${minimumRequests})`;
  const queries: Record<Analysis, { query: string; passes: string; fails: string }> = {
    "success-rate": {
      query: `(${canary.availability}) and ${enoughTraffic}`,
      passes: `result[0] >= ${1 - objective("ApiHighErrorRate")}`,
      fails: `result[0] < ${1 - objective("ApiHighErrorRate")}`,
    },
    latency: {
      query: `(${canary.apiLatencyP95}) and ${enoughTraffic}`,
      passes: `result[0] < ${objective("ApiHighLatency")}`,
      fails: `result[0] >= ${objective("ApiHighLatency")}`,
    },
    // Tasks are the worker's, but a bad api can submit bad ones: their failure share must not rise
    // above what it was before the rollout by more than the error budget. No tasks: nothing rose.
    "task-failures": {
      query: `((${canary.taskFailureRatio}) or on() vector(0)) - ((${canary.taskFailureRatio.replaceAll(`[${WINDOW}]`, `[${WINDOW}] offset 30m`)}) or on() vector(0))`,
      passes: `result[0] <= ${objective("ApiHighErrorRate")}`,
      fails: `result[0] > ${objective("ApiHighErrorRate")}`,
    },
  };
  const { query, passes, fails } = queries[name];
  return {
    name,
    interval: INTERVAL,
    // Explicit limits: one failed check aborts; three checks without enough traffic pause.
    failureLimit: 0,
    inconclusiveLimit: 2,
    successCondition: `len(result) > 0 && ${passes}`,
    failureCondition: `len(result) > 0 && ${fails}`,
    provider: { prometheus: { address: prometheusUrl, query } },
  };
}

/**
 * Progressive delivery with Argo Rollouts: the controller, which rolls the api Rollout, and the
 * AnalysisTemplates it runs: SLO checks on a canary's requests (success rate, p95 latency, no rise
 * in task failures) and, for blue/green, a smoke test of the preview (readiness and a real task
 * round trip). A failed check aborts the rollout, and Rollouts sends every request back to stable.
 */
export class ProgressiveDelivery extends pulumi.ComponentResource {
  /** Installs the Rollout and AnalysisTemplate CRDs and the controller: create Rollouts after it. */
  readonly release: k8s.helm.v3.Release;
  /** The AnalysisTemplates: a Rollout that names one must not exist before it. */
  readonly templates: pulumi.Resource[];

  constructor(name: string, args: ProgressiveDeliveryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:addons:ProgressiveDelivery", name, {}, opts);
    const childOpts = { parent: this, provider: args.provider };
    const namespace = podSecurityNamespace(ARGO_ROLLOUTS_CHART.namespace, THIRD_PARTY, childOpts);
    this.release = helmRelease("argo-rollouts", ARGO_ROLLOUTS_CHART, { dashboard: { enabled: false } }, { ...childOpts, dependsOn: [namespace] });
    const afterCrds = { ...childOpts, dependsOn: [this.release] };

    const canary: IAnalysisTemplate = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "AnalysisTemplate",
      metadata: { name: CANARY_TEMPLATE, namespace: args.namespace },
      spec: {
        args: [{ name: CANARY_HASH_ARG }],
        metrics: args.delivery.analysis.map((analysis) => check(analysis, args.delivery.minimumRequests, args.prometheusUrl)),
      },
    };
    const smoke: IAnalysisTemplate = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "AnalysisTemplate",
      metadata: { name: SMOKE_TEMPLATE, namespace: args.namespace },
      spec: {
        args: [{ name: PREVIEW_URL_ARG }, { name: SMOKE_IMAGE_ARG }],
        metrics: [{
          name: "smoke",
          failureLimit: 0,
          provider: {
            job: {
              spec: {
                backoffLimit: 0,
                activeDeadlineSeconds: 300,
                template: {
                  metadata: { labels: args.smokeLabels },
                  spec: args.smokePod(`{{args.${SMOKE_IMAGE_ARG}}}`) as never,
                },
              },
            },
          },
        }],
      },
    };
    this.templates = [customResource(`${name}-canary`, canary, afterCrds), customResource(`${name}-smoke`, smoke, afterCrds)];
    this.registerOutputs({});
  }
}

const SECONDS = { s: 1, m: 60, h: 3600 } as const;
const seconds = (duration: string) => Number(duration.slice(0, -1)) * SECONDS[duration.slice(-1) as keyof typeof SECONDS];

export interface ApiRolloutTargets {
  /** The Services Rollouts steers: stable (blue/green's active), canary, blue/green's preview. */
  stableService: string;
  canaryService: string;
  previewService: string;
  /** The gateway's VirtualService and every one of its routes: an unlisted route would stay on stable. */
  virtualService: { name: string; routes: string[] };
  /** The preview's in-cluster URL, and the image its smoke test runs (the new version's own). */
  previewUrl: string;
  image: pulumi.Input<string>;
}

/**
 * The api Rollout's strategy from the stack's delivery config, and how long `pulumi up` may wait
 * for it: every canary pause plus time to scale, or an hour for a person to promote a blue/green.
 */
export function apiRolloutStrategy(delivery: AppConfig["api"]["delivery"], targets: ApiRolloutTargets): { strategy: Record<string, unknown>; timeoutSeconds: number } {
  if (delivery.strategy === "blueGreen") {
    return {
      strategy: {
        blueGreen: {
          activeService: targets.stableService,
          previewService: targets.previewService,
          autoPromotionEnabled: delivery.autoPromotion,
          prePromotionAnalysis: {
            templates: [{ templateName: SMOKE_TEMPLATE }],
            args: [{ name: PREVIEW_URL_ARG, value: targets.previewUrl }, { name: SMOKE_IMAGE_ARG, value: targets.image }],
          },
          scaleDownDelaySeconds: 30,
        },
      },
      timeoutSeconds: 3600,
    };
  }
  return {
    strategy: {
      canary: {
        stableService: targets.stableService,
        canaryService: targets.canaryService,
        trafficRouting: { istio: { virtualService: targets.virtualService } },
        // From the first step on, in the background: a failed check aborts at any step.
        analysis: {
          templates: [{ templateName: CANARY_TEMPLATE }],
          args: [{ name: CANARY_HASH_ARG, valueFrom: { podTemplateHashValue: "Latest" } }],
        },
        steps: delivery.steps.flatMap(({ weight, pause }) => [{ setWeight: weight }, { pause: { duration: pause } }]),
      },
    },
    timeoutSeconds: delivery.steps.reduce((sum, step) => sum + seconds(step.pause), 0) + 900,
  };
}
