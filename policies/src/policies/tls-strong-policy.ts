import type { PolicyConfigSchema, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { validateClassicListenerPolicies } from "../classic-elb-listeners";
import { hipaaFramework } from "../framework";
import {
  assessClassicElbSslAttributes,
  assessTlsPolicy,
  listStrongAlternatives,
  TLS_SERVICES,
  tlsVersionRank,
  type TlsEndpoint,
  type TlsPolicyAssessment,
  type TlsServiceName,
  type TlsVersion,
} from "../rules";
import {
  configWithDefaults,
  field,
  Findings,
  isTrue,
  listField,
  objectField,
  rawProps,
  sameText,
  UNKNOWN,
} from "../policy-kit";

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
    : a.minVersion && tlsVersionRank(a.minVersion) < tlsVersionRank(floor)
      ? `accepts TLS ${a.minVersion}, below the floor of TLS ${floor}`
      : `does not meet the floor (TLS >= ${floor}, forward-secret and AEAD ciphers only)`;
  findings.violation(`${fieldPath} ${why}; use one of: ${listStrongAlternatives(a)}`);
}

function isUnset(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

/** Checks a policy-name field: unknown → re-check at up; unset → the API default; set → table verdict. */
function checkName(
  findings: Findings,
  fieldPath: string,
  value: unknown,
  service: TlsServiceName,
  label: string,
  floor: TlsVersion,
  unsetEffect: string,
): void {
  if (value === UNKNOWN) return findings.unknown(fieldPath);
  const a = assessTlsPolicy(service, value, floor);
  if (isUnset(value)) {
    return findings.violation(
      `${fieldPath} is not set; ${unsetEffect}; use one of: ${listStrongAlternatives(a)}`,
    );
  }
  judge(findings, fieldPath, label, a, floor);
}

const DESCRIPTION =
  "TLS endpoints of PHI channels must use a known strong security policy: TLS >= the configured floor, forward-secret AEAD ciphers only.";

/** Named choices that pass at the default floor, taken from the TLS tables so the advice cannot drift. */
function strongChoices(service: TlsServiceName, count: number): string {
  const names = assessTlsPolicy(service, undefined, "1.2").alternatives.slice(0, count);
  return names.length > 0 ? names.join(" or ") : "none of the published policies qualifies";
}

const REMEDIATION =
  "Set the security policy explicitly to a strong one. " +
  (Object.keys(TLS_SERVICES) as TlsServiceName[])
    .flatMap((name) => {
      const r = TLS_SERVICES[name].remediation;
      return r ? [`${r.heading}: ${strongChoices(name, r.choices)}${r.suffix ?? ""}`] : [];
    })
    .join("; ") +
  " (where none qualifies, put the endpoint behind a TLS load balancer or record an exemption). " +
  "Every https/ssl listener of a classic ELB needs an SSL negotiation policy on its port: an aws.elb.SslNegotiationPolicy (loadBalancer, lbPort) or an aws.elb.ListenerPolicy naming an SSLNegotiationPolicyType aws.elb.LoadBalancerPolicy whose attributes enable only TLS 1.2+ and forward-secret AEAD ciphers (no predefined classic ELB policy does). API defaults are weak and unknown names fail closed.";

interface EndpointOf {
  service: TlsServiceName;
  endpoint: TlsEndpoint;
}

/** Every resource type that carries a TLS policy (current, deprecated and alias tokens), from the table. */
const ENDPOINTS: ReadonlyMap<string, EndpointOf> = new Map(
  (Object.keys(TLS_SERVICES) as TlsServiceName[]).flatMap((service) =>
    TLS_SERVICES[service].endpoints.flatMap((endpoint) =>
      [endpoint.tokens.current, ...(endpoint.tokens.deprecated ?? []), ...(endpoint.tokens.alias ?? [])].map(
        (token): [string, EndpointOf] => [token, { service, endpoint }],
      ),
    ),
  ),
);

/** The resource types phi-tls-strong-policy judges, for tests and docs. */
export const TLS_ENDPOINT_TYPES: readonly string[] = [...ENDPOINTS.keys()];

/** The last segment of a property path (`enforceHttps` of `domainEndpointOptions.enforceHttps`). */
function leaf(fieldPath: string): string {
  return fieldPath.slice(fieldPath.lastIndexOf(".") + 1);
}

/**
 * Judges one resource against its endpoint entry. Order matters for the messages: the type gate, the
 * block that holds the policy, the flags beside it, the listener protocol, then the policy itself.
 */
function checkEndpoint(
  findings: Findings,
  props: Record<string, unknown>,
  { service, endpoint: e }: EndpointOf,
  floor: () => TlsVersion,
  notApplicable: (reason: string) => never,
): void {
  const label = e.label ?? TLS_SERVICES[service].label;
  if (e.appliesWhen) {
    const value = field(props, e.appliesWhen.field);
    if (value === UNKNOWN) findings.unknown(e.appliesWhen.field);
    else if (!sameText(value, e.appliesWhen.equals)) notApplicable(e.appliesWhen.notApplicable);
  }
  // The block holding the policy (the resource itself for a top-level field); its flags live beside it.
  const segments = e.policyField.split(".");
  let block: Record<string, unknown> | undefined = props;
  for (let i = 0; i < segments.length - 1; i++) {
    const next = objectField(block, segments[i]);
    if (next === UNKNOWN) return findings.unknown(segments.slice(0, i + 1).join("."));
    block = next;
  }
  const key = leaf(e.policyField);

  if (e.kind === "negotiationAttributes") {
    const attrs = listField(block, key);
    const hasUnknown =
      attrs === UNKNOWN ||
      (Array.isArray(attrs) &&
        attrs.some((a) => a === UNKNOWN || field(a, "name") === UNKNOWN || field(a, "value") === UNKNOWN));
    if (hasUnknown) findings.unknown(e.policyField);
    else judge(findings, e.policyField, label, assessClassicElbSslAttributes(attrs, floor()), floor());
    return;
  }

  const policy = field(block, key);
  if (e.weakWhenTrue) {
    const flag = field(block, leaf(e.weakWhenTrue.field));
    if (flag !== UNKNOWN && (!block || isTrue(flag))) {
      const alternatives = assessTlsPolicy(service, undefined, floor());
      return findings.violation(`${e.weakWhenTrue.problem} one of: ${listStrongAlternatives(alternatives)}`);
    }
    // With the flag unknown, an unset, unknown-named or weak policy fails either way (the built-in one is
    // weak whatever the policy says), so it is judged as when the flag is false; only a strong or unknown
    // policy leaves the decision to the flag.
    if (flag === UNKNOWN && (policy === UNKNOWN || assessTlsPolicy(service, policy, floor()).strong))
      findings.unknown(e.weakWhenTrue.field);
  }
  if (e.mustBeTrue) {
    const flag = field(block, leaf(e.mustBeTrue.field));
    if (flag === UNKNOWN) findings.unknown(e.mustBeTrue.field);
    else if (!isTrue(flag)) findings.violation(`${e.mustBeTrue.field} ${e.mustBeTrue.problem}`);
  }
  if (e.terminatesTls && isUnset(policy)) {
    const gate = e.terminatesTls;
    const protocol = field(block, gate.field);
    if (!gate.protocols.some((p) => sameText(protocol, p))) {
      if (protocol === UNKNOWN) return findings.unknown(gate.field, gate.unknownNote);
      return notApplicable(gate.notApplicable);
    }
  }
  checkName(findings, e.policyField, policy, service, label, floor(), e.apiDefault?.effect ?? "");
}

export const tlsStrongPolicy: ResourceValidationPolicy & StackValidationPolicy = {
  name: "phi-tls-strong-policy",
  description: DESCRIPTION,
  severity: "critical",
  framework: hipaaFramework("e2ii"),
  tags: ["tls", "encryption-in-transit", "cipher-suites", "hipaa"],
  remediationSteps: REMEDIATION,
  configSchema: tlsStrongPolicyConfigSchema,
  validateResource: (args, reportViolation) => {
    const endpoint = ENDPOINTS.get(args.type);
    if (!endpoint) return args.notApplicable(`${args.type} sets no TLS security policy this pack knows`);
    const findings = new Findings();
    const floor = () =>
      configWithDefaults<TlsStrongPolicyConfig>(args, tlsStrongPolicyConfigSchema).minimumTlsVersion;
    checkEndpoint(findings, rawProps(args.props), endpoint, floor, args.notApplicable);
    findings.report(reportViolation, DESCRIPTION);
  },
  validateStack: (args, reportViolation) =>
    validateClassicListenerPolicies(
      args,
      reportViolation,
      () => configWithDefaults<TlsStrongPolicyConfig>(args, tlsStrongPolicyConfigSchema).minimumTlsVersion,
      DESCRIPTION,
    ),
};
