import type {
  PolicyConfigSchema,
  PolicyResource,
  ReportViolation,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { hipaaFramework } from "../framework";
import {
  assessApiGatewaySecurityPolicy,
  assessClassicElbSslAttributes,
  assessCloudFrontMinimumProtocolVersion,
  assessElbSecurityPolicy,
  assessOpenSearchTlsPolicy,
  assessTransferSecurityPolicy,
  type TlsPolicyAssessment,
  type TlsVersion,
} from "../rules";
import {
  configWithDefaults,
  dependenciesOf,
  field,
  Findings,
  isTrue,
  listField,
  objectField,
  outputs,
  path,
  rawProps,
  sameText,
  StackIndex,
  UNKNOWN,
  type Unknown,
} from "../policy-kit";
import {
  APIGATEWAY_DOMAIN_NAME,
  APIGATEWAYV2_DOMAIN_NAME,
  CLASSIC_ELB,
  CLASSIC_LISTENER_POLICY,
  CLASSIC_LOAD_BALANCER_POLICY,
  CLASSIC_SSL_NEGOTIATION_POLICY,
  CLOUDFRONT_DISTRIBUTION,
  ELASTICSEARCH_DOMAIN,
  isOneOf,
  LB_LISTENER,
  OPENSEARCH_DOMAIN,
  TRANSFER_SERVER,
} from "../tokens";

export const tlsStrongPolicyConfigSchema = {
  properties: {
    minimumTlsVersion: {
      type: "string",
      enum: ["1.2", "1.3"],
      description: "Lowest TLS version a security policy may accept.",
      default: "1.2",
    },
  },
} satisfies PolicyConfigSchema;

export interface TlsStrongPolicyConfig {
  minimumTlsVersion: TlsVersion;
}

const MAX_LISTED = 6;

function listAlternatives(a: TlsPolicyAssessment): string {
  const shown = a.alternatives.slice(0, MAX_LISTED).join(", ");
  const more = a.alternatives.length - MAX_LISTED;
  return a.alternatives.length === 0
    ? "none in the table meets the floor"
    : more > 0
      ? `${shown} (and ${more} more)`
      : shown;
}

/**
 * Turns an assessment into a message that never repeats the configured name (it may be a secret): only
 * the field path, our verdict and the table's strong alternatives. `assessment.problems` quotes names, so
 * it is not used here.
 */
function judge(
  findings: Findings,
  fieldPath: string,
  service: string,
  a: TlsPolicyAssessment,
  floor: TlsVersion,
): void {
  if (a.strong) return;
  const why = !a.known
    ? `is not a known ${service} security policy (unknown names fail closed)`
    : a.minVersion && rank(a.minVersion) < rank(floor)
      ? `accepts TLS ${a.minVersion}, below the floor of TLS ${floor}`
      : `does not meet the floor (TLS >= ${floor}, forward-secret and AEAD ciphers only)`;
  findings.violation(`${fieldPath} ${why}; use one of: ${listAlternatives(a)}`);
}

function rank(v: TlsVersion): number {
  return ["1.0", "1.1", "1.2", "1.3"].indexOf(v);
}

/** Checks a policy-name field: unknown → re-check at up; unset → `unsetMessage`; set → table verdict. */
function checkName(
  findings: Findings,
  fieldPath: string,
  value: unknown,
  service: string,
  assess: (name: unknown, floor: TlsVersion) => TlsPolicyAssessment,
  floor: TlsVersion,
  unsetMessage: string,
): void {
  if (value === UNKNOWN) return findings.unknown(fieldPath);
  const a = assess(value, floor);
  if (value === undefined || value === null || value === "") {
    return findings.violation(`${fieldPath} is not set; ${unsetMessage}; use one of: ${listAlternatives(a)}`);
  }
  judge(findings, fieldPath, service, a, floor);
}

const DESCRIPTION =
  "TLS endpoints of PHI channels must use a known strong security policy: TLS >= the configured floor, forward-secret AEAD ciphers only.";

/** Named choices that pass at the default floor, taken from the TLS tables so the advice cannot drift. */
function strongChoices(
  assess: (name: unknown, floor: TlsVersion) => TlsPolicyAssessment,
  count: number,
): string {
  const names = assess(undefined, "1.2").alternatives.slice(0, count);
  return names.length > 0 ? names.join(" or ") : "none of the published policies qualifies";
}

const REMEDIATION =
  "Set the security policy explicitly to a strong one. " +
  `ELB listeners: ${strongChoices(assessElbSecurityPolicy, 2)}; ` +
  `CloudFront: ${strongChoices(assessCloudFrontMinimumProtocolVersion, 2)} with an ACM certificate; ` +
  `API Gateway: ${strongChoices(assessApiGatewaySecurityPolicy, 1)}; ` +
  `OpenSearch (with enforceHttps): ${strongChoices(assessOpenSearchTlsPolicy, 1)}; ` +
  `Transfer Family: ${strongChoices(assessTransferSecurityPolicy, 1)} ` +
  "(where none qualifies, put the endpoint behind a TLS load balancer or record an exemption). " +
  "Every https/ssl listener of a classic ELB needs an SSL negotiation policy on its port: an aws.elb.SslNegotiationPolicy (loadBalancer, lbPort) or an aws.elb.ListenerPolicy naming an SSLNegotiationPolicyType aws.elb.LoadBalancerPolicy whose attributes enable only TLS 1.2+ and forward-secret AEAD ciphers (no predefined classic ELB policy does). API defaults are weak and unknown names fail closed.";

export const tlsStrongPolicy: ResourceValidationPolicy & StackValidationPolicy = {
  name: "phi-tls-strong-policy",
  description: DESCRIPTION,
  severity: "critical",
  framework: hipaaFramework("e2ii"),
  tags: ["tls", "encryption-in-transit", "cipher-suites", "hipaa"],
  remediationSteps: REMEDIATION,
  configSchema: tlsStrongPolicyConfigSchema,
  validateResource: (args, reportViolation) => {
    const props = rawProps(args.props);
    const findings = new Findings();
    const floor = () =>
      configWithDefaults<TlsStrongPolicyConfig>(args, tlsStrongPolicyConfigSchema).minimumTlsVersion;
    if (isOneOf(args.type, LB_LISTENER)) {
      const protocol = field(props, "protocol");
      const sslPolicy = field(props, "sslPolicy");
      const terminatesTls = sameText(protocol, "HTTPS") || sameText(protocol, "TLS");
      const unset = sslPolicy === undefined || sslPolicy === null || sslPolicy === "";
      if (unset && !terminatesTls) {
        if (protocol === UNKNOWN) findings.unknown("protocol", "sslPolicy is required if HTTPS or TLS");
        else args.notApplicable("listener does not terminate TLS (see phi-tls-listeners-only)");
      } else {
        checkName(
          findings,
          "sslPolicy",
          sslPolicy,
          "ELB",
          assessElbSecurityPolicy,
          floor(),
          "the API then applies ELBSecurityPolicy-2016-08, which accepts TLS 1.0 and CBC/SHA-1 ciphers",
        );
      }
    } else if (args.type === CLASSIC_SSL_NEGOTIATION_POLICY || args.type === CLASSIC_LOAD_BALANCER_POLICY) {
      const key = args.type === CLASSIC_SSL_NEGOTIATION_POLICY ? "attributes" : "policyAttributes";
      if (args.type === CLASSIC_LOAD_BALANCER_POLICY) {
        const typeName = field(props, "policyTypeName");
        if (typeName === UNKNOWN) findings.unknown("policyTypeName");
        else if (!sameText(typeName, "SSLNegotiationPolicyType"))
          args.notApplicable("classic ELB policy is not an SSL negotiation policy");
      }
      const attrs = listField(props, key);
      const hasUnknown =
        attrs === UNKNOWN ||
        (Array.isArray(attrs) &&
          attrs.some((a) => a === UNKNOWN || field(a, "name") === UNKNOWN || field(a, "value") === UNKNOWN));
      if (hasUnknown) findings.unknown(key);
      else judge(findings, key, "classic ELB", assessClassicElbSslAttributes(attrs, floor()), floor());
    } else if (args.type === CLOUDFRONT_DISTRIBUTION) {
      const vc = objectField(props, "viewerCertificate");
      if (vc === UNKNOWN) findings.unknown("viewerCertificate");
      else {
        const isDefault = field(vc, "cloudfrontDefaultCertificate");
        if (isDefault !== UNKNOWN && (!vc || isTrue(isDefault))) {
          findings.violation(
            `viewerCertificate uses the default CloudFront certificate, which accepts TLSv1; use an ACM certificate with minimumProtocolVersion one of: ${listAlternatives(assessCloudFrontMinimumProtocolVersion(undefined, floor()))}`,
          );
        } else {
          // With the certificate flag unknown, an unset, unknown-named or weak minimumProtocolVersion fails
          // either way (the default certificate accepts TLSv1 whatever it says), so it is judged as for a
          // custom certificate; only a strong or unknown one leaves the decision to the flag.
          const minimumProtocolVersion = field(vc, "minimumProtocolVersion");
          if (
            isDefault === UNKNOWN &&
            (minimumProtocolVersion === UNKNOWN ||
              assessCloudFrontMinimumProtocolVersion(minimumProtocolVersion, floor()).strong)
          )
            findings.unknown("viewerCertificate.cloudfrontDefaultCertificate");
          checkName(
            findings,
            "viewerCertificate.minimumProtocolVersion",
            minimumProtocolVersion,
            "CloudFront",
            assessCloudFrontMinimumProtocolVersion,
            floor(),
            "CloudFront then accepts TLSv1",
          );
        }
      }
    } else if (args.type === APIGATEWAY_DOMAIN_NAME) {
      checkName(
        findings,
        "securityPolicy",
        field(props, "securityPolicy"),
        "API Gateway",
        assessApiGatewaySecurityPolicy,
        floor(),
        "API Gateway then accepts TLS 1.0",
      );
    } else if (args.type === APIGATEWAYV2_DOMAIN_NAME) {
      const conf = objectField(props, "domainNameConfiguration");
      if (conf === UNKNOWN) findings.unknown("domainNameConfiguration");
      else
        checkName(
          findings,
          "domainNameConfiguration.securityPolicy",
          field(conf, "securityPolicy"),
          "API Gateway",
          assessApiGatewaySecurityPolicy,
          floor(),
          "the API then applies TLS_1_2, which allows RSA key exchange and CBC ciphers",
        );
    } else if (args.type === OPENSEARCH_DOMAIN || args.type === ELASTICSEARCH_DOMAIN) {
      const opts = objectField(props, "domainEndpointOptions");
      if (opts === UNKNOWN) findings.unknown("domainEndpointOptions");
      else {
        const enforce = field(opts, "enforceHttps");
        if (enforce === UNKNOWN) findings.unknown("domainEndpointOptions.enforceHttps");
        else if (!isTrue(enforce))
          findings.violation(
            "domainEndpointOptions.enforceHttps is not true, so the domain also answers plain HTTP",
          );
        checkName(
          findings,
          "domainEndpointOptions.tlsSecurityPolicy",
          field(opts, "tlsSecurityPolicy"),
          "OpenSearch",
          assessOpenSearchTlsPolicy,
          floor(),
          "older domains then accept TLS 1.0",
        );
      }
    } else if (args.type === TRANSFER_SERVER) {
      checkName(
        findings,
        "securityPolicyName",
        field(props, "securityPolicyName"),
        "Transfer Family",
        assessTransferSecurityPolicy,
        floor(),
        "the API then applies TransferSecurityPolicy-2018-11, which accepts CBC and SHA-1",
      );
    } else {
      args.notApplicable(`${args.type} sets no TLS security policy this pack knows`);
    }
    findings.report(reportViolation, DESCRIPTION);
  },
  validateStack: (args, reportViolation) => validateClassicListenerPolicies(args, reportViolation),
};

const CLASSIC_TLS_PROTOCOLS = ["HTTPS", "SSL"];
const ELB_TYPES: ReadonlySet<string> = new Set([CLASSIC_ELB]);
const NAMED_POLICY_TYPES: ReadonlySet<string> = new Set([
  CLASSIC_LOAD_BALANCER_POLICY,
  CLASSIC_SSL_NEGOTIATION_POLICY,
]);

/** A listener port: a number, UNKNOWN at preview, or undefined when missing or malformed. */
type Port = number | Unknown | undefined;

function portOf(v: unknown): Port {
  if (v === UNKNOWN) return UNKNOWN;
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^\d{1,5}$/.test(v)) return Number(v);
  return undefined;
}

/**
 * SSL negotiation policies attached to the listeners of one classic ELB. "certain": the ELB, the port and
 * the policy type are known; "possible": the port is known, the policy type or its ELB only at `pulumi up`.
 * `unknownPort`: some attachment's port (or, for the stack-wide record, its load balancer) is unknown.
 */
class Attachments {
  readonly ports = new Map<number, "certain" | "possible">();
  unknownPort = false;

  add(port: Port, certain: boolean): void {
    if (port === UNKNOWN) this.unknownPort = true;
    else if (port !== undefined && this.ports.get(port) !== "certain")
      this.ports.set(port, certain ? "certain" : "possible");
  }

  get empty(): boolean {
    return this.ports.size === 0 && !this.unknownPort;
  }
}

/** The classic ELBs a property names: by name or id output, else by property dependency (preview). */
type ElbRef = PolicyResource[] | Unknown | "outside";

/**
 * Stack part of phi-tls-strong-policy. A classic ELB https/ssl listener without an SSL negotiation policy
 * gets ELBSecurityPolicy-2016-08 (TLS 1.0, CBC/SHA-1), so every such listener needs an
 * `elb.SslNegotiationPolicy` on (loadBalancer, lbPort) or an `elb.ListenerPolicy` on (loadBalancerName,
 * loadBalancerPort) naming an SSLNegotiationPolicyType `elb.LoadBalancerPolicy`. The attached policy's
 * strength is judged per resource (validateResource). Each resource is read once.
 */
function validateClassicListenerPolicies(args: StackValidationArgs, reportViolation: ReportViolation): void {
  const stack = new StackIndex(args.resources);
  const elbs = stack.ofTypes([CLASSIC_ELB]);
  if (elbs.length === 0) args.notApplicable("no classic ELB in this stack");
  const floor = configWithDefaults<TlsStrongPolicyConfig>(
    args,
    tlsStrongPolicyConfigSchema,
  ).minimumTlsVersion;

  const elbByRef = new Map<string, PolicyResource>();
  for (const e of elbs) {
    for (const key of ["name", "id"]) {
      const v = field(outputs(e), key);
      if (typeof v === "string" && v !== "") elbByRef.set(v, e);
    }
  }
  const elbsOf = (r: PolicyResource, prop: string): ElbRef => {
    const v = field(outputs(r), prop);
    if (typeof v === "string" && elbByRef.has(v)) return [elbByRef.get(v)!];
    const deps = dependenciesOf(r, prop, ELB_TYPES);
    if (deps.length) return deps;
    return v === UNKNOWN ? UNKNOWN : "outside";
  };

  // Named policies a ListenerPolicy may attach: whether each is an SSL negotiation policy, and its ELB.
  interface NamedPolicy {
    ssl: boolean | Unknown;
    elb: ElbRef;
  }
  const namedByName = new Map<string, NamedPolicy[]>();
  const namedByUrn = new Map<string, NamedPolicy>();
  const byElb = new Map<string, Attachments>();
  const anywhere = new Attachments(); // attachments whose load balancer is unknown at preview
  const attach = (elb: ElbRef, port: Port, certain: boolean) => {
    if (elb === "outside") return;
    if (elb === UNKNOWN) return anywhere.add(port, false);
    for (const e of elb) {
      const a = byElb.get(e.urn) ?? new Attachments();
      a.add(port, certain);
      byElb.set(e.urn, a);
    }
  };

  for (const p of stack.ofTypes([...NAMED_POLICY_TYPES])) {
    const props = outputs(p);
    const isNegotiation = p.type === CLASSIC_SSL_NEGOTIATION_POLICY;
    const typeName = field(props, "policyTypeName");
    const entry: NamedPolicy = {
      ssl: isNegotiation
        ? true
        : typeName === UNKNOWN
          ? UNKNOWN
          : sameText(typeName, "SSLNegotiationPolicyType"),
      elb: elbsOf(p, isNegotiation ? "loadBalancer" : "loadBalancerName"),
    };
    namedByUrn.set(p.urn, entry);
    const name = field(props, isNegotiation ? "name" : "policyName");
    if (typeof name === "string") namedByName.set(name, [...(namedByName.get(name) ?? []), entry]);
    // An SslNegotiationPolicy attaches itself to (loadBalancer, lbPort).
    if (isNegotiation) attach(entry.elb, portOf(field(props, "lbPort")), true);
  }

  for (const lp of stack.ofTypes([CLASSIC_LISTENER_POLICY])) {
    const props = outputs(lp);
    const elb = elbsOf(lp, "loadBalancerName");
    if (elb === "outside") continue;
    // certain: names an SSL negotiation policy of this very ELB; possible: one decided at `pulumi up`.
    const found = { certain: false, possible: false };
    const consider = (n: NamedPolicy) => {
      // Policy names are per load balancer: one of another ELB does not count.
      if (Array.isArray(n.elb) && Array.isArray(elb) && !n.elb.some((e) => elb.includes(e))) return;
      if (n.elb === "outside" && Array.isArray(elb)) return;
      if (n.ssl === false) return;
      if (n.ssl === true && Array.isArray(n.elb) && Array.isArray(elb)) found.certain = true;
      else found.possible = true;
    };
    const names = listField(props, "policyNames");
    if (names === UNKNOWN || (Array.isArray(names) && names.includes(UNKNOWN))) {
      const deps = dependenciesOf(lp, "policyNames", NAMED_POLICY_TYPES);
      for (const d of deps) consider(namedByUrn.get(d.urn)!);
      if (deps.length === 0) found.possible = true;
    }
    if (Array.isArray(names))
      for (const n of names) if (typeof n === "string") for (const e of namedByName.get(n) ?? []) consider(e);
    if (found.certain || found.possible) attach(elb, portOf(field(props, "loadBalancerPort")), found.certain);
  }

  // From the table: today no predefined classic ELB policy is strong (all keep CBC ciphers).
  const predefined = assessClassicElbSslAttributes(undefined, floor);
  const noPredefined = predefined.alternatives.length
    ? `or Reference-Security-Policy one of: ${listAlternatives(predefined)}`
    : "no predefined classic ELB policy meets the floor";
  for (const e of elbs) {
    const own = byElb.get(e.urn);
    /** "attached", "unknown" (decided at `pulumi up`) or "missing". */
    const coverage = (port: Port): "attached" | "unknown" | "missing" => {
      if (typeof port === "number" && own?.ports.get(port) === "certain") return "attached";
      if (port === UNKNOWN) return own?.empty === false || !anywhere.empty ? "unknown" : "missing";
      const maybe = (a: Attachments | undefined) =>
        !!a && (a.unknownPort || (port !== undefined && a.ports.has(port)));
      return maybe(own) || maybe(anywhere) ? "unknown" : "missing";
    };
    const f = new Findings();
    const listeners = listField(outputs(e), "listeners");
    if (listeners === UNKNOWN)
      f.unknown("listeners", "whether every https/ssl listener has an SSL negotiation policy");
    else if (Array.isArray(listeners))
      listeners.forEach((l, i) => {
        if (l === UNKNOWN)
          return f.unknown(
            path("listeners", i),
            "whether it is an https/ssl listener with an SSL negotiation policy",
          );
        const protocol = field(l, "lbProtocol");
        if (protocol !== UNKNOWN && !CLASSIC_TLS_PROTOCOLS.some((t) => sameText(protocol, t))) return;
        const port = portOf(field(l, "lbPort"));
        const verdict = coverage(port);
        if (verdict === "attached") return;
        if (protocol === UNKNOWN)
          f.unknown(
            path("listeners", i, "lbProtocol"),
            "an https or ssl listener needs an SSL negotiation policy on its port",
          );
        else if (verdict === "unknown")
          f.unknown(
            path("listeners", i, "lbPort"),
            "whether an SSL negotiation policy is attached on this listener's port",
          );
        else
          f.violation(
            `${path("listeners", i)} is an https/ssl listener with no SSL negotiation policy on its port (${path("listeners", i, "lbPort")}); AWS then applies ELBSecurityPolicy-2016-08, which accepts TLS 1.0 and CBC/SHA-1 ciphers. Attach an aws.elb.SslNegotiationPolicy (loadBalancer, lbPort) or an aws.elb.ListenerPolicy naming an SSLNegotiationPolicyType aws.elb.LoadBalancerPolicy, whose attributes enable only TLS >= ${floor} and forward-secret AEAD ciphers (e.g. Protocol-TLSv1.2 with ECDHE-RSA-AES128-GCM-SHA256); ${noPredefined}`,
          );
      });
    f.report(reportViolation, DESCRIPTION, e.urn);
  }
}
