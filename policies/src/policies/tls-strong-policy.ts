import type { PolicyConfigSchema, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { validateClassicListenerPolicies } from "../classic-elb-listeners";
import { hipaaFramework } from "../framework";
import {
  assessClassicElbSslAttributes,
  assessTlsPolicy,
  CONFIGURABLE_TLS_FLOORS,
  DEFAULT_TLS_PROFILE,
  listStrongAlternatives,
  TLS_PROFILES,
  TLS_SERVICES,
  tlsVersionRank,
  type TlsApiDefault,
  type TlsEndpoint,
  type TlsEndpointVariants,
  type TlsPolicyAssessment,
  type TlsProfileName,
  type TlsServiceName,
  type TlsVersion,
} from "../rules";
import {
  configWithDefaults,
  field,
  Findings,
  isTrue,
  isUnknown,
  listField,
  objectField,
  rawProps,
  sameText,
  UNKNOWN,
  type Unknown,
} from "../policy-kit";

export const tlsStrongPolicyConfigSchema = {
  properties: {
    minimumTlsVersion: {
      type: "string",
      enum: [...CONFIGURABLE_TLS_FLOORS],
      description: "Lowest TLS version a security policy may accept.",
      default: "1.2",
    },
    tlsProfile: {
      type: "string",
      enum: Object.keys(TLS_PROFILES),
      description:
        "Strength rule: strict (forward secrecy, AEAD ciphers only) or nist-800-52r2 (forward secrecy, AEAD ciphers and the ECDHE CBC-SHA256/SHA384 suites NIST SP 800-52 Rev. 2 lists); both keep TLS >= minimumTlsVersion. Profiles: policies/src/data/tls-profiles.json.",
      default: DEFAULT_TLS_PROFILE,
    },
  },
} satisfies PolicyConfigSchema;

export interface TlsStrongPolicyConfig {
  minimumTlsVersion: TlsVersion;
  tlsProfile: TlsProfileName;
}

/** The active floor and profile, read once per resource. */
interface Rule {
  floor: TlsVersion;
  profile: TlsProfileName;
}

/** What the profile demands, for messages: "TLS >= 1.2, forward-secret and AEAD ciphers only". */
function demands({ floor, profile }: Rule): string {
  const p = TLS_PROFILES[profile];
  const ciphers =
    p.nonAeadCiphers.length === 0
      ? "AEAD ciphers only"
      : `AEAD ciphers or ECDHE CBC-SHA256/SHA384 (${p.nonAeadCiphers.join(", ")})`;
  return `TLS >= ${floor}, ${p.forwardSecrecy ? "forward-secret " : ""}${ciphers}`;
}

/** The choices a message offers: the accepted strong names, or what to do when there are none. */
function choices(a: TlsPolicyAssessment, rule: Rule, noneQualifies: string | undefined, note = ""): string {
  if (a.alternatives.length > 0) return `use one of: ${listStrongAlternatives(a)}${note}`;
  return `no policy AWS accepts here meets the ${rule.profile} profile: ${noneQualifies ?? "put the endpoint behind a TLS load balancer whose policy passes, or record an exemption"}`;
}

/**
 * Turns an assessment into a message that never repeats the configured name (it may be a secret): only
 * the field path, our verdict and the table's strong alternatives. `assessment.problems` quotes names, so
 * it is not used here.
 */
function judge(
  findings: Findings,
  fieldPath: string,
  label: string,
  a: TlsPolicyAssessment,
  rule: Rule,
  context: Context,
): void {
  if (a.strong) return;
  const why = !a.known
    ? `is not a known ${label} security policy (unknown names fail closed)`
    : context.accepts && !context.accepts.includes(context.value as string)
      ? `is not a policy AWS accepts for ${article(label)} ${label} (accepted: ${context.accepts.join(", ")})`
      : a.minVersion && tlsVersionRank(a.minVersion) < tlsVersionRank(rule.floor)
        ? `accepts TLS ${a.minVersion}, below the floor of TLS ${rule.floor}`
        : `does not meet the ${rule.profile} profile (${demands(rule)})`;
  findings.violation(
    `${context.lead}${fieldPath}${context.where} ${why}; ${choices(a, rule, context.noneQualifies, context.choicesNote)}`,
  );
}

function article(label: string): string {
  return /^[AEIOU]/i.test(label) ? "an" : "a";
}

function isUnset(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

/** What a message needs besides the assessment: the endpoint's accepted names and the wording around it. */
interface Context {
  value: unknown;
  accepts?: readonly string[];
  /** Names the deciding context fields: " (endpointConfiguration.types REGIONAL)". */
  where: string;
  /** Opens the message with the gating field: "protocols include FTPS and ". */
  lead: string;
  noneQualifies?: string;
  choicesNote?: string;
  apiDefault?: TlsApiDefault;
}

/** Checks a policy-name field: unknown → re-check at up; unset → the API default; set → table verdict. */
function checkName(
  findings: Findings,
  fieldPath: string,
  service: TlsServiceName,
  label: string,
  rule: Rule,
  context: Context,
): void {
  const { value } = context;
  if (value === UNKNOWN) return findings.unknown(fieldPath);
  const a = assessTlsPolicy(service, value, rule.floor, { profile: rule.profile, accepted: context.accepts });
  if (isUnset(value)) {
    return findings.violation(
      `${context.lead}${fieldPath} is not set${context.where}; ${context.apiDefault?.effect ?? "the API then applies its default"}; ${choices(a, rule, context.noneQualifies, context.choicesNote)}`,
    );
  }
  judge(findings, fieldPath, label, a, rule, context);
}

const DESCRIPTION =
  "TLS endpoints of PHI channels must use a known strong security policy: TLS >= the configured floor, forward-secret ciphers, AEAD only (tlsProfile strict) or also the ECDHE CBC-SHA256/SHA384 suites (nist-800-52r2).";

/** Named choices that pass at the default floor and profile, taken from the TLS tables so the advice cannot drift. */
function strongChoices(service: TlsServiceName): string {
  const r = TLS_SERVICES[service].remediation!;
  const names = assessTlsPolicy(service, undefined, "1.2", { accepted: r.accepts }).alternatives.slice(
    0,
    r.choices,
  );
  return names.length > 0
    ? `${names.join(" or ")}${r.suffix ?? ""}`
    : (r.none ?? "none of the published policies qualifies");
}

const REMEDIATION =
  "Set the security policy explicitly to a strong one. " +
  (Object.keys(TLS_SERVICES) as TlsServiceName[])
    .flatMap((name) => {
      const r = TLS_SERVICES[name].remediation;
      return r ? [`${r.heading}: ${strongChoices(name)}`] : [];
    })
    .join("; ") +
  " (where none qualifies, put the endpoint behind a TLS load balancer whose policy passes or record an exemption). " +
  "Every https/ssl listener of a classic ELB needs an SSL negotiation policy on its port: an aws.elb.SslNegotiationPolicy (loadBalancer, lbPort) or an aws.elb.ListenerPolicy naming an SSLNegotiationPolicyType aws.elb.LoadBalancerPolicy whose attributes enable only TLS 1.2+ and forward-secret AEAD ciphers (no predefined classic ELB policy does). API defaults are weak and unknown names fail closed. These choices pass under both profiles; tlsProfile nist-800-52r2 also accepts policies with ECDHE CBC-SHA256/SHA384 suites (e.g. TransferSecurityPolicy-2024-01, ELBSecurityPolicy-TLS13-1-2-2021-06).";

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

/** A dotted path read through nested objects; UNKNOWN as soon as a step is unknown. */
function fieldAt(props: Record<string, unknown>, fieldPath: string): unknown {
  let v: unknown = props;
  for (const segment of fieldPath.split(".")) {
    v = field(v, segment);
    if (v === UNKNOWN) return UNKNOWN;
  }
  return v;
}

type VariantKey = string | Unknown | { invalid: true };

/** The endpoint type: a key of `byValue` (any case, a one-element list read as its element), or unknown / invalid. */
function variantOf(props: Record<string, unknown>, v: TlsEndpointVariants): VariantKey {
  let value = fieldAt(props, v.field);
  if (Array.isArray(value)) {
    if (value.some(isUnknown)) return UNKNOWN;
    value = value.length === 1 ? value[0] : { invalid: true };
  }
  if (value === UNKNOWN) return UNKNOWN;
  if (isUnset(value)) return v.default;
  const key = Object.keys(v.byValue).find((k) => sameText(value, k));
  return key ?? { invalid: true };
}

/** Whether the list in `field` includes `includes`: true / false / UNKNOWN / "invalid". */
function listIncludes(
  props: Record<string, unknown>,
  gate: NonNullable<TlsEndpoint["appliesWhenListIncludes"]>,
): boolean | Unknown | "invalid" {
  const list = listField(props, gate.field);
  if (list === UNKNOWN || list === "invalid") return list;
  const values =
    field(props, gate.field) === undefined || field(props, gate.field) === null ? gate.default : list;
  if (values.some((x) => sameText(x, gate.includes))) return true;
  return values.some((x) => x === UNKNOWN) ? UNKNOWN : false;
}

/** "EDGE: a, b; REGIONAL, PRIVATE: c, d": the strong names each endpoint type accepts (types with one list merged). */
function choicesByVariant(service: TlsServiceName, variants: TlsEndpointVariants, rule: Rule): string {
  const groups = new Map<string, string[]>();
  for (const [k, v] of Object.entries(variants.byValue)) {
    const a = assessTlsPolicy(service, undefined, rule.floor, { profile: rule.profile, accepted: v.accepts });
    const names = a.alternatives.length > 0 ? listStrongAlternatives(a) : "none qualifies";
    groups.set(names, [...(groups.get(names) ?? []), k]);
  }
  return [...groups].map(([names, keys]) => `${keys.join(", ")}: ${names}`).join("; ");
}

/**
 * Judges one resource against its endpoint entry. Order matters for the messages: the type gates, the
 * block that holds the policy, the flags beside it, the listener protocol, then the policy itself.
 */
function checkEndpoint(
  findings: Findings,
  props: Record<string, unknown>,
  { service, endpoint: e }: EndpointOf,
  rule: () => Rule,
  notApplicable: (reason: string) => never,
): void {
  const label = e.label ?? TLS_SERVICES[service].label;
  if (e.appliesWhen) {
    const value = field(props, e.appliesWhen.field);
    if (value === UNKNOWN) findings.unknown(e.appliesWhen.field);
    else if (!sameText(value, e.appliesWhen.equals)) notApplicable(e.appliesWhen.notApplicable);
  }
  // Gates that decide whether the policy is used at all. With the gate unknown, a policy that would fail
  // is an advisory (the endpoint may not use it); one that passes needs nothing.
  let gateUnknown: string | undefined;
  let lead = "";
  let where = "";
  if (e.notApplicableWhenTrue) {
    const flag = field(props, e.notApplicableWhenTrue.field);
    if (flag === UNKNOWN) gateUnknown = e.notApplicableWhenTrue.field;
    else if (isTrue(flag)) notApplicable(e.notApplicableWhenTrue.notApplicable);
    else where += `, ${e.notApplicableWhenTrue.field} not true`;
  }
  if (e.appliesWhenListIncludes) {
    const gate = e.appliesWhenListIncludes;
    const includes = listIncludes(props, gate);
    if (includes === "invalid") return findings.violation(`${gate.field} is not a list of protocols`);
    if (includes === UNKNOWN) gateUnknown ??= gate.field;
    else if (!includes) notApplicable(gate.notApplicable);
    else lead = `${gate.field} include ${gate.includes} and `;
  }
  if (gateUnknown) {
    const inner = new Findings();
    checkPolicy(inner, props, service, e, label, rule, lead, where, notApplicable);
    if (inner.violationCount > 0)
      findings.unknown(gateUnknown, `whether the endpoint uses ${e.policyField}, which fails this policy`);
    // An unknown list may also turn out not to be a list (a violation of its own), so it is always re-checked.
    else if (gateUnknown === e.appliesWhenListIncludes?.field)
      findings.unknown(
        gateUnknown,
        `whether it is a list that includes ${e.appliesWhenListIncludes.includes}`,
      );
    inner.copyUnknownsTo(findings);
    return;
  }
  checkPolicy(findings, props, service, e, label, rule, lead, where, notApplicable);
}

function checkPolicy(
  findings: Findings,
  props: Record<string, unknown>,
  service: TlsServiceName,
  e: TlsEndpoint,
  label: string,
  rule: () => Rule,
  lead: string,
  where: string,
  notApplicable: (reason: string) => never,
): void {
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
    else {
      const r = rule();
      judge(findings, e.policyField, label, assessClassicElbSslAttributes(attrs, r.floor, r.profile), r, {
        value: attrs,
        where: "",
        lead: "",
      });
    }
    return;
  }

  const policy = field(block, key);
  if (e.weakWhenTrue) {
    const flag = field(block, leaf(e.weakWhenTrue.field));
    if (flag !== UNKNOWN && (!block || isTrue(flag))) {
      const r = rule();
      const alternatives = assessTlsPolicy(service, undefined, r.floor, { profile: r.profile });
      return findings.violation(`${e.weakWhenTrue.problem} one of: ${listStrongAlternatives(alternatives)}`);
    }
    // With the flag unknown, an unset, unknown-named or weak policy fails either way (the built-in one is
    // weak whatever the policy says), so it is judged as when the flag is false; only a strong or unknown
    // policy leaves the decision to the flag.
    if (flag === UNKNOWN) {
      const r = rule();
      if (policy === UNKNOWN || assessTlsPolicy(service, policy, r.floor, { profile: r.profile }).strong)
        findings.unknown(e.weakWhenTrue.field);
    }
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
  const base = {
    value: policy,
    lead,
    noneQualifies: e.noneQualifies ?? TLS_SERVICES[service].remediation?.none,
    choicesNote: e.choicesNote,
  };
  if (!e.variants) {
    return checkName(findings, e.policyField, service, label, rule(), {
      ...base,
      where: where ? ` (${where.slice(2)})` : "",
      accepts: e.accepts,
      apiDefault: e.apiDefault,
    });
  }
  const variants = e.variants;
  const variant = variantOf(props, variants);
  if (variant !== UNKNOWN && typeof variant === "object")
    return findings.violation(
      `${variants.field} is not one of ${Object.keys(variants.byValue).join(", ")}, so which security policies AWS accepts for ${e.policyField} is not known; set it to one of them` +
        (e.notApplicableWhenTrue
          ? `, or set ${e.notApplicableWhenTrue.field}: true if clients use only a custom domain`
          : ""),
    );
  const checkAs = (f: Findings, k: string) =>
    checkName(f, e.policyField, service, label, rule(), {
      ...base,
      where: ` (${variants.field} ${k}${where})`,
      accepts: variants.byValue[k].accepts,
      apiDefault: variants.byValue[k].apiDefault,
    });
  if (variant !== UNKNOWN) return checkAs(findings, variant);
  // Endpoint type unknown at preview: decidable only when every type fails (or the name itself is unknown).
  if (policy === UNKNOWN) return findings.unknown(e.policyField);
  const failing = Object.keys(variants.byValue).filter((k) => {
    const f = new Findings();
    checkAs(f, k);
    return f.violationCount > 0;
  });
  if (failing.length === Object.keys(variants.byValue).length) {
    const r = rule();
    findings.violation(
      `${e.policyField} does not meet the ${r.profile} profile (${demands(r)}) for any ${variants.field} (${failing.join(", ")}); use, by endpoint type, ${choicesByVariant(service, variants, r)}${e.choicesNote ?? ""}`,
    );
  } else if (failing.length > 0)
    findings.unknown(variants.field, `which security policies AWS accepts for ${e.policyField}`);
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
    let rule: Rule | undefined;
    const ruleOnce = () => {
      if (!rule) {
        const c = configWithDefaults<TlsStrongPolicyConfig>(args, tlsStrongPolicyConfigSchema);
        rule = { floor: c.minimumTlsVersion, profile: c.tlsProfile };
      }
      return rule;
    };
    checkEndpoint(findings, rawProps(args.props), endpoint, ruleOnce, args.notApplicable);
    findings.report(reportViolation, DESCRIPTION);
  },
  validateStack: (args, reportViolation) =>
    validateClassicListenerPolicies(
      args,
      reportViolation,
      () => configWithDefaults<TlsStrongPolicyConfig>(args, tlsStrongPolicyConfigSchema).minimumTlsVersion,
      DESCRIPTION,
      () => configWithDefaults<TlsStrongPolicyConfig>(args, tlsStrongPolicyConfigSchema).tlsProfile,
    ),
};
