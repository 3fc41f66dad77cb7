// A strict schema for the one Chaos Mesh kind the program creates (Chaos Mesh publishes no schema
// package): the fields of chaos-mesh.org/v1alpha1 Schedule we use, nothing else allowed.
import Ajv from "ajv";
import { registerSchema } from "../k8s-schema.ts";

const strict = (properties: Record<string, object>, required: string[]) => ({ type: "object", additionalProperties: false, properties, required });
const duration = { type: "string", pattern: "^([0-9]+(ms|s|m|h))+$" };
const selector = strict({
  namespaces: { type: "array", items: { type: "string" }, minItems: 1 },
  labelSelectors: { type: "object", additionalProperties: { type: "string" } },
}, ["namespaces", "labelSelectors"]);
const targeted = {
  mode: { enum: ["one", "all", "fixed", "fixed-percent", "random-max-percent"] },
  value: { type: "string" },
  selector,
  duration,
};

const schedule = strict({
  apiVersion: { const: "chaos-mesh.org/v1alpha1" },
  kind: { const: "Schedule" },
  metadata: strict({ name: { type: "string" }, namespace: { type: "string" } }, ["name", "namespace"]),
  spec: strict({
    schedule: { type: "string", pattern: "^(\\S+\\s+){4}\\S+$" },
    concurrencyPolicy: { enum: ["Forbid", "Allow"] },
    historyLimit: { type: "integer", minimum: 1 },
    startingDeadlineSeconds: { type: "integer", minimum: 0 },
    type: { enum: ["PodChaos", "NetworkChaos", "StressChaos"] },
    podChaos: strict({ ...targeted, action: { enum: ["pod-failure", "pod-kill", "container-kill"] }, gracePeriod: { type: "integer" } }, ["action", "mode", "selector"]),
    networkChaos: strict({
      ...targeted,
      action: { enum: ["delay", "partition", "loss", "duplicate", "corrupt", "bandwidth"] },
      direction: { enum: ["to", "from", "both"] },
      externalTargets: { type: "array", items: { type: "string", minLength: 1 }, minItems: 1 },
      delay: strict({ latency: duration, jitter: duration, correlation: { type: "string", pattern: "^[0-9]+$" } }, ["latency"]),
    }, ["action", "mode", "selector"]),
    stressChaos: strict({
      ...targeted,
      stressors: strict({
        cpu: strict({ workers: { type: "integer", minimum: 1 }, load: { type: "integer", minimum: 0, maximum: 100 } }, ["workers"]),
        memory: strict({ workers: { type: "integer", minimum: 1 }, size: { type: "string" } }, ["workers"]),
      }, []),
    }, ["mode", "selector", "stressors"]),
  }, ["schedule", "type"]),
}, ["apiVersion", "kind", "metadata", "spec"]);

const validate = new Ajv({ allErrors: true }).compile(schedule);

registerSchema("chaos-mesh.org/v1alpha1", "Schedule", (object) =>
  validate(object) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"}: ${e.message} ${JSON.stringify(e.params)}`),
);
