// The CRD validator: each feature with an object the API server accepts and one it rejects, on small
// CRDs written here that copy real rules (each names where the real one lives); then every CEL rule
// of the real CRDs under infra/upstream/charts/*/crds (when that folder exists) must compile and evaluate.
import { describe, expect, test } from "bun:test";
import { isCelError } from "@bufbuild/cel";
import { Glob } from "bun";
import { existsSync, readFileSync } from "node:fs";
import { celSelf, compileRule, type Crd, type Json, loadCrd, loadCrds, type Schema, tryRegex, UNSUPPORTED_RULES, validateAgainstCrd } from "./crd-validator.ts";

/** A one-version CRD manifest around a `spec` schema. */
function crd(group: string, kind: string, spec: Schema, extra: { scope?: "Namespaced" | "Cluster"; versions?: { name: string; served: boolean }[]; root?: Schema } = {}): Crd {
  const versions = extra.versions ?? [{ name: "v1", served: true }];
  return loadCrd({
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${kind.toLowerCase()}s.${group}` },
    spec: {
      group,
      scope: extra.scope ?? "Namespaced",
      names: { kind, plural: `${kind.toLowerCase()}s` },
      versions: versions.map((v) => ({ ...v, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec, ...extra.root?.properties }, ...extra.root } } })),
    },
  });
}
const obj = (apiVersion: string, kind: string, spec: Record<string, unknown>, name = "x") => ({ apiVersion, kind, metadata: { name, namespace: "mlts" }, spec });
const problems = (c: Crd, o: Record<string, unknown>) => validateAgainstCrd(c, o).problems;

// Istio 1.29.2, manifests/charts/base/files/crd-all.gen.yaml, VirtualService spec.http[].timeout and
// .route[].destination (host required, port.number with the port rule every Istio port carries).
const virtualService = crd("networking.istio.io", "VirtualService", {
  type: "object",
  properties: {
    hosts: { type: "array", items: { type: "string" } },
    http: {
      type: "array",
      items: {
        type: "object",
        properties: {
          timeout: { type: "string", "x-kubernetes-validations": [{ message: "must be a valid duration greater than 1ms", rule: "duration(self) >= duration('1ms')" }] },
          route: {
            type: "array",
            items: {
              type: "object",
              properties: {
                destination: {
                  type: "object",
                  required: ["host"],
                  properties: {
                    host: { type: "string" },
                    port: { type: "object", properties: { number: { type: "integer", minimum: 0, maximum: 4294967295, "x-kubernetes-validations": [{ message: "port must be between 1-65535", rule: "0 < self && self <= 65535" }] } } },
                  },
                },
                weight: { type: "integer", format: "int32" },
              },
            },
          },
        },
      },
    },
  },
});
const vs = (http: unknown[]) => obj("networking.istio.io/v1", "VirtualService", { hosts: ["api"], http });

describe("versions, kind and metadata", () => {
  const versioned = crd("example.com", "Widget", { type: "object" }, { versions: [{ name: "v1", served: true }, { name: "v1beta1", served: false }] });
  test("the served version of the CRD's group and kind is accepted", () => {
    expect(problems(versioned, obj("example.com/v1", "Widget", {}))).toEqual([]);
  });
  test("a version not served, an unknown version, another group or kind are problems", () => {
    expect(problems(versioned, obj("example.com/v1beta1", "Widget", {}))).toEqual(["Widget/x apiVersion: version v1beta1 of Widget.example.com is not served"]);
    expect(problems(versioned, obj("example.com/v2", "Widget", {}))).toEqual(["Widget/x apiVersion: version v2 of Widget.example.com is not defined"]);
    expect(problems(versioned, obj("other.com/v1", "Widget", {}))[0]).toContain("is not example.com, Kind=Widget");
    expect(problems(versioned, obj("example.com/v1", "Gadget", {}))[0]).toContain("is not example.com, Kind=Widget");
  });
  test("metadata is an ObjectMeta: name required (unless Pulumi auto-names), DNS-1123, labels, no unknown keys", () => {
    expect(problems(versioned, { apiVersion: "example.com/v1", kind: "Widget", metadata: {} })).toEqual(["Widget/(generated name) metadata.name: Required value: name or generateName is required"]);
    expect(validateAgainstCrd(versioned, { apiVersion: "example.com/v1", kind: "Widget", metadata: {} }, { autonamed: true }).problems).toEqual([]);
    const bad = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "Bad_Name", namespace: "Mlts", labels: { "app.kubernetes.io/name": "ok", "-x": "v", y: "a b" }, lables: {} } };
    expect(problems(versioned, bad).map((p) => p.split(":")[0])).toEqual([
      "Widget/Bad_Name metadata.name",
      "Widget/Bad_Name metadata.namespace",
      "Widget/Bad_Name metadata.labels[-x]",
      "Widget/Bad_Name metadata.labels[y]",
      "Widget/Bad_Name metadata.lables",
    ]);
  });
  test("status is dropped on create when the status subresource is on", () => {
    const manifest = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", spec: { group: "example.com", scope: "Namespaced", names: { kind: "Widget" }, versions: [{ name: "v1", served: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object" } } } } }] } };
    expect(problems(loadCrd(manifest), { ...obj("example.com/v1", "Widget", {}), status: { anything: 1 } })).toEqual([]);
    expect(() => loadCrd("kind: ConfigMap\n")).toThrow("expected one CustomResourceDefinition, found 0");
  });
});

describe("structural schema", () => {
  test("a valid VirtualService has no problem", () => {
    expect(problems(virtualService, vs([{ timeout: "30s", route: [{ destination: { host: "api", port: { number: 8080 } }, weight: 100 }] }]))).toEqual([]);
  });
  test("wrong type, missing required field and an unknown field deep down", () => {
    const route = { destination: { port: { number: "8080", nubmer: 1 } }, weight: 1.5 };
    expect(problems(virtualService, vs([{ route: [route] }, { timout: "1s" }]))).toEqual([
      'VirtualService/x spec.http[0].route[0].destination.host: Required value',
      'VirtualService/x spec.http[0].route[0].destination.port.number: Invalid value: "8080": must be of type integer',
      "VirtualService/x spec.http[0].route[0].destination.port.nubmer: unknown field (not declared in the CRD schema; the API server would drop it)",
      "VirtualService/x spec.http[0].route[0].weight: Invalid value: 1.5: must be of type integer",
      "VirtualService/x spec.http[1].timout: unknown field (not declared in the CRD schema; the API server would drop it)",
    ]);
  });
  // Karpenter v1.14.1 pkg/apis/crds/karpenter.sh_nodepools.yaml: requirements[].operator enum, key pattern and maxLength.
  const requirements = crd("karpenter.sh", "NodePool", {
    type: "object",
    properties: {
      requirements: {
        type: "array",
        maxItems: 2,
        items: {
          type: "object",
          required: ["key", "operator"],
          properties: {
            key: { type: "string", maxLength: 316, pattern: "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(\\/))?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$" },
            operator: { type: "string", enum: ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Gte", "Lte"] },
            minValues: { type: "integer", minimum: 1, maximum: 50 },
          },
        },
      },
    },
  });
  const np = (requirements: unknown[]) => obj("karpenter.sh/v1", "NodePool", { requirements }, "default");
  test("enum, pattern, minimum and maxItems", () => {
    expect(problems(requirements, np([{ key: "karpenter.sh/capacity-type", operator: "In", minValues: 1 }]))).toEqual([]);
    expect(problems(requirements, np([{ key: "-bad", operator: "Equals", minValues: 0 }, { key: "a", operator: "In" }, { key: "b", operator: "In" }]))).toEqual([
      "NodePool/default spec.requirements: Too many: 3: must have at most 2 items",
      `NodePool/default spec.requirements[0].key: Invalid value: "-bad": should match '${(requirements.versions[0]!.schema.properties!.spec!.properties!.requirements!.items!.properties!.key!.pattern)}'`,
      'NodePool/default spec.requirements[0].operator: Unsupported value: "Equals": supported values: "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Gte", "Lte"',
      "NodePool/default spec.requirements[0].minValues: Invalid value: 0: should be greater than or equal to 1",
    ]);
  });
  // Istio DestinationRule trafficPolicy.connectionPool.tcp... maxConnections-like int-or-string: KEDA ScaledObject
  // (kedacore/keda v2.18.0 config/crd/bases/keda.sh_scaledobjects.yaml) advanced.horizontalPodAutoscalerConfig uses the same shape.
  const intOrString = crd("example.com", "Widget", { type: "object", properties: { maxUnavailable: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] } } });
  test("x-kubernetes-int-or-string takes an integer or a string, nothing else", () => {
    expect(problems(intOrString, obj("example.com/v1", "Widget", { maxUnavailable: 1 }))).toEqual([]);
    expect(problems(intOrString, obj("example.com/v1", "Widget", { maxUnavailable: "25%" }))).toEqual([]);
    expect(problems(intOrString, obj("example.com/v1", "Widget", { maxUnavailable: true }))).toEqual(["Widget/x spec.maxUnavailable: Invalid value: true: must be of type integer or string"]);
  });
  // Argo Rollouts v1.9.1 manifests/crds/analysis-template-crd.yaml: metrics[].provider.plugin is preserve-unknown-fields.
  const preserve = crd("argoproj.io", "AnalysisTemplate", {
    type: "object",
    properties: { plugin: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { name: { type: "string" } } }, strict: { type: "object", properties: {} } },
  });
  test("under x-kubernetes-preserve-unknown-fields anything goes, declared fields are still checked", () => {
    const at = (spec: Record<string, unknown>) => obj("argoproj.io/v1", "AnalysisTemplate", spec);
    expect(problems(preserve, at({ plugin: { anything: { deep: [1] } } }))).toEqual([]);
    expect(problems(preserve, at({ plugin: { name: 3 }, strict: { anything: 1 } }))).toEqual([
      "AnalysisTemplate/x spec.plugin.name: Invalid value: 3: must be of type string",
      "AnalysisTemplate/x spec.strict.anything: unknown field (not declared in the CRD schema; the API server would drop it)",
    ]);
  });
  // prometheus-operator (kube-prometheus-stack 87.14.0) crd-servicemonitors.yaml: endpoints[].relabelings is atomic;
  // Istio and core kinds use list-type map, e.g. ports keyed by containerPort+protocol.
  const lists = crd("example.com", "Widget", {
    type: "object",
    properties: {
      ports: { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["containerPort", "protocol"], items: { type: "object", properties: { containerPort: { type: "integer" }, protocol: { type: "string", default: "TCP" } } } },
      hosts: { type: "array", "x-kubernetes-list-type": "set", items: { type: "string" } },
      labels: { type: "object", additionalProperties: { type: "string" } },
    },
  });
  test("list-type map keys and set items are unique (defaults applied first), maps check their values", () => {
    const w = (spec: Record<string, unknown>) => obj("example.com/v1", "Widget", spec);
    expect(problems(lists, w({ ports: [{ containerPort: 80 }, { containerPort: 80, protocol: "UDP" }], hosts: ["a", "b"], labels: { a: "b" } }))).toEqual([]);
    expect(problems(lists, w({ ports: [{ containerPort: 80 }, { containerPort: 80, protocol: "TCP" }, { containerPort: 80 }], hosts: ["a", "a"], labels: { a: 1 } }))).toEqual([
      'Widget/x spec.ports[1]: Duplicate value: {"containerPort":80,"protocol":"TCP"}',
      'Widget/x spec.hosts[1]: Duplicate value: "a"',
      "Widget/x spec.labels[a]: Invalid value: 1: must be of type string",
    ]);
  });
  // No CRD we use embeds a resource; the shape is the usual one (a templated object of any kind).
  const embedding = crd("example.com", "Widget", { type: "object", properties: { template: { type: "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true } } });
  test("x-kubernetes-embedded-resource needs apiVersion and kind, and its metadata is an ObjectMeta", () => {
    const w = (template: Record<string, unknown>) => obj("example.com/v1", "Widget", { template });
    expect(problems(embedding, w({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "b" } }))).toEqual([]);
    expect(problems(embedding, w({ apiVersion: "v1", metadata: { name: "C", nmae: "x" } }))).toEqual([
      "Widget/x spec.template.kind: Required value: must not be empty",
      'Widget/x spec.template.metadata.name: Invalid value: "C": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character',
      "Widget/x spec.template.metadata.nmae: unknown field (not in ObjectMeta)",
    ]);
  });
  test("nullable, null pruning, oneOf and formats", () => {
    const c = crd("example.com", "Widget", {
      type: "object",
      properties: {
        maybe: { type: "string", nullable: true },
        dropped: { type: "string" },
        at: { type: "string", format: "date-time" },
        data: { type: "string", format: "byte" },
        source: { type: "object", properties: { a: { type: "string" }, b: { type: "string" } }, oneOf: [{ required: ["a"] }, { required: ["b"] }] },
      },
    });
    const w = (spec: Record<string, unknown>) => obj("example.com/v1", "Widget", spec);
    expect(problems(c, w({ maybe: null, dropped: null, at: "2026-12-03T10:00:00Z", data: "aGk=", source: { a: "x" } }))).toEqual([]);
    expect(problems(c, w({ at: "2026-12-03 10:00", data: "not base64!", source: { a: "x", b: "y" } }))).toEqual([
      'Widget/x spec.at: Invalid value: "2026-12-03 10:00": must be of format date-time',
      'Widget/x spec.data: Invalid value: "not base64!": must be of format byte',
      "Widget/x spec.source: Invalid value: must validate one and only one schema (oneOf)",
    ]);
  });
});

describe("CEL rules (x-kubernetes-validations)", () => {
  test("Istio: timeout 0s is rejected, 1ms accepted; port rules see integers", () => {
    expect(problems(virtualService, vs([{ timeout: "1ms" }]))).toEqual([]);
    expect(problems(virtualService, vs([{ timeout: "0s" }]))).toEqual(['VirtualService/x spec.http[0].timeout: Invalid value: "0s": must be a valid duration greater than 1ms']);
    expect(problems(virtualService, vs([{ timeout: "soon" }]))[0]).toContain("evaluating rule: must be a valid duration greater than 1ms");
    expect(problems(virtualService, vs([{ route: [{ destination: { host: "a", port: { number: 0 } } }] }]))).toEqual([
      "VirtualService/x spec.http[0].route[0].destination.port.number: Invalid value: 0: port must be between 1-65535",
    ]);
  });
  // Karpenter v1.14.1 karpenter.sh_nodepools.yaml: rules on requirements (self.all) and on each key (find, endsWith).
  const nodePool = crd("karpenter.sh", "NodePool", {
    type: "object",
    properties: {
      requirements: {
        type: "array",
        items: {
          type: "object",
          properties: {
            key: { type: "string", "x-kubernetes-validations": [{ message: 'label domain "karpenter.sh" is restricted', rule: 'self in ["karpenter.sh/capacity-type", "karpenter.sh/nodepool"] || !self.find("^([^/]+)").endsWith("karpenter.sh")' }] },
            operator: { type: "string" },
            values: { type: "array", items: { type: "string" } },
            minValues: { type: "integer" },
          },
        },
        "x-kubernetes-validations": [
          { message: "requirements with operator 'In' must have a value defined", rule: "self.all(x, x.operator == 'In' ? x.values.size() != 0 : true)" },
          { message: "requirements with 'minValues' must have at least that many values specified in the 'values' field", rule: "self.all(x, (x.operator == 'In' && has(x.minValues)) ? x.values.size() >= x.minValues : true)" },
        ],
      },
    },
  });
  const np = (requirements: unknown[]) => obj("karpenter.sh/v1", "NodePool", { requirements }, "default");
  test("Karpenter: self.all over requirements, has(), find() on a label key", () => {
    expect(problems(nodePool, np([{ key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"], minValues: 2 }, { key: "kubernetes.io/arch", operator: "Exists" }]))).toEqual([]);
    expect(problems(nodePool, np([{ key: "karpenter.sh/zone", operator: "In", values: [] }, { key: "x", operator: "In", values: ["a"], minValues: 2 }]))).toEqual([
      'NodePool/default spec.requirements[0].key: Invalid value: "karpenter.sh/zone": label domain "karpenter.sh" is restricted',
      "NodePool/default spec.requirements: Invalid value: requirements with operator 'In' must have a value defined",
      "NodePool/default spec.requirements: Invalid value: requirements with 'minValues' must have at least that many values specified in the 'values' field",
    ]);
  });
  // Karpenter v1.14.1 karpenter.k8s.aws_ec2nodeclasses.yaml: spec-level rules with has(), a default, and an escaped property name.
  const nodeClass = crd("karpenter.k8s.aws", "EC2NodeClass", {
    type: "object",
    properties: {
      role: { type: "string" },
      instanceProfile: { type: "string" },
      amiFamily: { type: "string" },
      amiSelectorTerms: { type: "array", items: { type: "object", properties: { alias: { type: "string" }, id: { type: "string" } } } },
      metadataOptions: { type: "object", default: { "http-tokens": "required" }, properties: { "http-tokens": { type: "string" } } },
    },
    "x-kubernetes-validations": [
      { message: "must specify exactly one of ['role', 'instanceProfile']", rule: "(has(self.role) && !has(self.instanceProfile)) || (!has(self.role) && has(self.instanceProfile))" },
      { message: "amiFamily is required if amiSelectorTerms does not contain an alias", rule: "self.amiSelectorTerms.exists(x, has(x.alias)) ? true : has(self.amiFamily)" },
      { message: "IMDSv2 must stay required", rule: "self.metadataOptions.http__dash__tokens == 'required'", fieldPath: ".metadataOptions['http-tokens']", reason: "FieldValueForbidden" },
    ],
  });
  const nc = (spec: Record<string, unknown>) => obj("karpenter.k8s.aws/v1", "EC2NodeClass", spec, "default");
  test("Karpenter: has() on absent fields, defaults seen by rules, fieldPath and reason", () => {
    expect(problems(nodeClass, nc({ role: "KarpenterNodeRole", amiSelectorTerms: [{ alias: "al2023@latest" }] }))).toEqual([]);
    expect(problems(nodeClass, nc({ role: "r", instanceProfile: "p", amiSelectorTerms: [{ id: "ami-1" }], metadataOptions: { "http-tokens": "optional" } }))).toEqual([
      "EC2NodeClass/default spec: Invalid value: must specify exactly one of ['role', 'instanceProfile']",
      "EC2NodeClass/default spec: Invalid value: amiFamily is required if amiSelectorTerms does not contain an alias",
      "EC2NodeClass/default spec.metadataOptions[http-tokens]: Forbidden: IMDSv2 must stay required",
    ]);
  });
  test("messageExpression is evaluated, and falls back to message when it does not give a string", () => {
    const c = crd("example.com", "Widget", {
      type: "object",
      properties: { replicas: { type: "integer" }, max: { type: "integer" } },
      "x-kubernetes-validations": [
        { rule: "self.replicas <= self.max", message: "too many", messageExpression: "'replicas ' + string(self.replicas) + ' exceeds max ' + string(self.max)" },
        { rule: "self.replicas != 7", message: "no sevens", messageExpression: "self.replicas" },
        { rule: "self.replicas != 5" },
      ],
    });
    const w = (replicas: number) => obj("example.com/v1", "Widget", { replicas, max: 6 });
    expect(problems(c, w(3))).toEqual([]);
    expect(problems(c, w(9))).toEqual(["Widget/x spec: Invalid value: replicas 9 exceeds max 6"]);
    expect(problems(c, w(7))).toEqual(["Widget/x spec: Invalid value: replicas 7 exceeds max 6", "Widget/x spec: Invalid value: no sevens"]);
    expect(problems(c, w(5))).toEqual(["Widget/x spec: Invalid value: failed rule: self.replicas != 5"]);
  });
  // Argo Rollouts v1.9.1 rollout-crd.yaml spec.selector and Karpenter nodeClassRef: immutability rules read oldSelf.
  const transition = crd("argoproj.io", "Rollout", {
    type: "object",
    properties: {
      selector: { type: "object", properties: { app: { type: "string" } }, "x-kubernetes-validations": [{ message: ".spec.selector is immutable", rule: "self == oldSelf" }] },
      mode: { type: "string", "x-kubernetes-validations": [{ rule: "!oldSelf.hasValue() || oldSelf.value() == self", optionalOldSelf: true, message: "mode is immutable" }, { rule: "oldSelf.orValue('canary') == self", optionalOldSelf: true, message: "new rollouts start as canary" }] },
    },
  });
  test("transition rules are skipped on create and reported; optionalOldSelf rules run with no old value", () => {
    const result = validateAgainstCrd(transition, obj("argoproj.io/v1", "Rollout", { selector: { app: "api" }, mode: "canary" }, "api"));
    expect(result.problems).toEqual([]);
    expect(result.skipped).toEqual(["Rollout/api spec.selector: self == oldSelf (transition rule: needs oldSelf, not evaluated on create)"]);
    expect(problems(transition, obj("argoproj.io/v1", "Rollout", { mode: "blueGreen" }, "api"))).toEqual(['Rollout/api spec.mode: Invalid value: "blueGreen": new rollouts start as canary']);
    expect(compileRule("oldSelf.value() == self").ok).toBe(false); // without optionalOldSelf, value() is optional-library only
  });
  test("a rule using a function this environment lacks is not evaluated, and fails unless listed with a reason", () => {
    const rule = "quantity(self).isGreaterThan(quantity('1Gi'))";
    const c = crd("example.com", "Widget", { type: "object", properties: { size: { type: "string", "x-kubernetes-validations": [{ rule }] } } });
    const o = obj("example.com/v1", "Widget", { size: "2Gi" });
    const expected = "Widget/x spec.size: not evaluated: function .isGreaterThan/1 is not implemented here; function quantity/1 is not implemented here: " + rule;
    expect(validateAgainstCrd(c, o)).toEqual({ problems: [expected], skipped: [], notEvaluated: [expected] });
    expect(validateAgainstCrd(c, o, { unsupportedRules: { [rule]: "quantity library not implemented" } }).problems).toEqual([]);
  });
  test("Kubernetes libraries we implement: url(), isURL(), find(), findAll(); properties escaped like the API server", () => {
    const run = (rule: string, self: Json, schema: Schema = { type: "string" }, root = false) => {
      const c = compileRule(rule);
      if (!c.ok) throw new Error(c.reason);
      return c.run(celSelf(schema, self, root));
    };
    // Istio RequestAuthentication jwtRules[].jwksUri: url(self).getScheme() in ["http", "https"].
    expect(run('url(self).getScheme() in ["http", "https"]', "HTTPS://issuer.example.com/keys")).toBe(true);
    expect(run('url(self).getScheme() in ["http", "https"]', "ftp://x/y")).toBe(false);
    expect(isCelError(run("url(self).getScheme() == 'http'", "issuer.example.com/keys"))).toBe(true); // not absolute: Go ParseRequestURI fails
    expect(run("isURL(self)", "https://a:8443/p?q=1")).toBe(true);
    expect(run("isURL(self)", "https://a:port/")).toBe(false);
    expect(run("url(self).getHostname() + '|' + url(self).getPort() + '|' + url(self).getHost()", "https://[::1]:8443/x")).toBe("::1|8443|[::1]:8443");
    expect(run("self.findAll('[0-9]+')", "a1b22c333")).toEqual(expect.objectContaining({ size: 3 }));
    expect(run("self.findAll('[0-9]+', 1).size() == 1 && self.find('x') == ''", "a1b22")).toBe(true);
    // The root: apiVersion, kind, metadata.name/generateName only (model.WithTypeAndObjectMeta); `x-y` spelled x__dash__y.
    const root: Schema = { type: "object", properties: { spec: { type: "object", properties: { "x-y": { type: "integer" }, namespace: { type: "string" } } } } };
    const resource = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "n", namespace: "ns" }, spec: { "x-y": 1, namespace: "a" } };
    expect(run("self.kind == 'Widget' && self.metadata.name == 'n' && self.spec.x__dash__y == 1 && self.spec.__namespace__ == 'a'", resource, root, true)).toBe(true);
    expect(isCelError(run("self.metadata.namespace == 'ns'", resource, root, true))).toBe(true);
    expect(run("self < timestamp('2027-01-01T00:00:00Z')", "2026-12-03T10:00:00Z", { type: "string", format: "date-time" })).toBe(true);
    // int() and duration() of a string as cel-go does them (strconv.ParseInt base 10, time.ParseDuration).
    expect(run("int(self) == 7", "007")).toBe(true);
    for (const bad of ["", " 5", "0x1F", "1e3"]) expect(isCelError(run("int(self) >= 0", bad))).toBe(true);
    expect(run("duration(self) == duration('90m')", "1.5h")).toBe(true);
    for (const bad of ["", "1", "1d"]) expect(isCelError(run("duration(self) >= duration('1ms')", bad))).toBe(true);
  });
  test("regular expressions follow Go: inline flags scoped, RE2-invalid patterns refused", () => {
    expect(tryRegex("^(?i)(abort|warn)?$")).toBeInstanceOf(RegExp); // prometheus-operator crd-prometheusrules.yaml
    expect((tryRegex("^(?i)(abort|warn)?$") as RegExp).test("WARN")).toBe(true);
    expect(typeof tryRegex("(?<=a)b")).toBe("string"); // lookbehind: JS has it, RE2 does not
  });
});

// ---------------------------------------------------------------------------------------------
// The real CRDs (fixtures committed under infra/upstream/charts/<chart>/crds/): every rule compiles
// here or is listed in UNSUPPORTED_RULES with its reason, and evaluates on a value built from its schema.

const UPSTREAM = "infra/upstream/charts";
const crdFiles = existsSync(UPSTREAM) ? [...new Glob("*/crds/**/*.{yaml,yml}").scanSync(UPSTREAM)].sort() : [];

/** Helm chart CRD templates (e.g. KEDA's) wrap the manifest in `{{ }}` lines and template metadata values. */
function untemplate(text: string): string {
  return text.split("\n").filter((line) => !/^\s*\{\{.*\}\}\s*$/.test(line)).join("\n").replace(/\{\{.*?\}\}/g, "templated");
}

interface RuleSite {
  path: string;
  schema: Schema;
  rule: string;
  messageExpression?: string;
  optionalOldSelf?: boolean;
}
function* ruleSites(s: Schema | undefined, path = ""): Generator<RuleSite> {
  if (!s) return;
  for (const r of s["x-kubernetes-validations"] ?? []) yield { path, schema: s, ...r };
  for (const [k, p] of Object.entries(s.properties ?? {})) yield* ruleSites(p, `${path}.${k}`);
  if (typeof s.additionalProperties === "object") yield* ruleSites(s.additionalProperties, `${path}[*]`);
  yield* ruleSites(s.items, `${path}[*]`);
  for (const sub of [...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])]) yield* ruleSites(sub, path);
}

/** A value of the schema's shape: every declared field, one item per list, one key per map. */
function sample(s: Schema, depth = 0): Json {
  if (s.enum?.length) return s.enum[0]!;
  if (s["x-kubernetes-int-or-string"]) return 1;
  switch (s.type) {
    case "object":
      if (depth > 12) return {};
      if (s.properties) return Object.fromEntries(Object.entries(s.properties).map(([k, p]) => [k, sample(p, depth + 1)]));
      return typeof s.additionalProperties === "object" ? { key: sample(s.additionalProperties, depth + 1) } : {};
    case "array":
      return s.items && depth <= 12 ? [sample(s.items, depth + 1)] : [];
    case "integer":
      return 1;
    case "number":
      return 1.5;
    case "boolean":
      return true;
    case "string":
      return s.format === "date-time" ? "2026-12-03T10:00:00Z" : s.format === "byte" ? "aGk=" : "10s";
    default:
      return {};
  }
}

/** Errors that mean the environment, not the value, is wrong. */
const ENVIRONMENT_ERROR = /unbound|no matching overload|not implemented|unsupported|cannot be compiled here/i;

describe.skipIf(crdFiles.length === 0)("real CRDs under infra/upstream", () => {
  test.each(crdFiles)("%s: every CEL rule compiles and evaluates; every pattern compiles", (file) => {
    const failures: string[] = [];
    for (const c of loadCrds(untemplate(readFileSync(`${UPSTREAM}/${file}`, "utf8")))) {
      for (const version of c.versions) {
        const where = `${c.kind}.${c.group}/${version.name}`;
        for (const site of ruleSites(version.schema)) {
          const program = compileRule(site.rule, site.optionalOldSelf === true);
          if (!program.ok) {
            if (!(site.rule in UNSUPPORTED_RULES)) failures.push(`${where} ${site.path}: ${program.reason}: ${site.rule}`);
            continue;
          }
          if (site.messageExpression && !compileRule(site.messageExpression).ok) failures.push(`${where} ${site.path}: messageExpression ${site.messageExpression}`);
          if (program.usesOldSelf && !site.optionalOldSelf) continue; // never evaluated on create
          const result = program.run(celSelf(site.schema, sample(site.schema), site.path === ""));
          if (isCelError(result) ? ENVIRONMENT_ERROR.test(result.message) : typeof result !== "boolean") {
            failures.push(`${where} ${site.path}: ${site.rule} gave ${isCelError(result) ? result.message : String(result)}`);
          }
        }
        for (const pattern of patterns(version.schema)) {
          const re = tryRegex(pattern);
          if (typeof re === "string") failures.push(`${where}: ${re}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

function* patterns(s: Schema | undefined): Generator<string> {
  if (!s) return;
  if (s.pattern) yield s.pattern;
  for (const p of Object.values(s.properties ?? {})) yield* patterns(p);
  if (typeof s.additionalProperties === "object") yield* patterns(s.additionalProperties);
  yield* patterns(s.items);
  for (const sub of [...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])]) yield* patterns(sub);
}
