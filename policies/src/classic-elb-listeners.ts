/**
 * The stack part of phi-tls-strong-policy: every https/ssl listener of a classic ELB needs an SSL
 * negotiation policy on its port. Apart from the policy file because it reads the whole stack.
 */
import type { PolicyResource, ReportViolation, StackValidationArgs } from "@pulumi/policy";
import {
  assessClassicElbSslAttributes,
  listStrongAlternatives,
  parsePortNumber,
  TLS_SERVICES,
  type TlsProfileName,
  type TlsVersion,
} from "./rules";
import {
  dependenciesOf,
  field,
  Findings,
  listField,
  outputs,
  path,
  sameText,
  StackIndex,
  UNKNOWN,
  type Unknown,
} from "./policy-kit";
import {
  CLASSIC_ELB,
  CLASSIC_LISTENER_POLICY,
  CLASSIC_LOAD_BALANCER_POLICY,
  CLASSIC_SSL_NEGOTIATION_POLICY,
} from "./tokens";

const CLASSIC_TLS_PROTOCOLS = ["HTTPS", "SSL"];
const LISTENER_DEFAULT = TLS_SERVICES.classicElb.listenerDefault!;
const ELB_TYPES: ReadonlySet<string> = new Set([CLASSIC_ELB]);
const NAMED_POLICY_TYPES: ReadonlySet<string> = new Set([
  CLASSIC_LOAD_BALANCER_POLICY,
  CLASSIC_SSL_NEGOTIATION_POLICY,
]);

/** A listener port: a number, UNKNOWN at preview, or undefined when missing or malformed. */
type Port = number | Unknown | undefined;

function portOf(v: unknown): Port {
  return v === UNKNOWN ? UNKNOWN : parsePortNumber(v);
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
export function validateClassicListenerPolicies(
  args: StackValidationArgs,
  reportViolation: ReportViolation,
  floor: () => TlsVersion,
  description: string,
  profile: () => TlsProfileName = () => "strict",
): void {
  const stack = new StackIndex(args.resources);
  const elbs = stack.ofTypes([CLASSIC_ELB]);
  if (elbs.length === 0) args.notApplicable("no classic ELB in this stack");
  const minimumTlsVersion = floor();
  const tlsProfile = profile();

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
  const predefined = assessClassicElbSslAttributes(undefined, minimumTlsVersion, tlsProfile);
  const noPredefined = predefined.alternatives.length
    ? `or Reference-Security-Policy one of: ${listStrongAlternatives(predefined)}`
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
            `${path("listeners", i)} is an https/ssl listener with no SSL negotiation policy on its port (${path("listeners", i, "lbPort")}); ${LISTENER_DEFAULT.effect}. Attach an aws.elb.SslNegotiationPolicy (loadBalancer, lbPort) or an aws.elb.ListenerPolicy naming an SSLNegotiationPolicyType aws.elb.LoadBalancerPolicy, whose attributes enable only TLS >= ${minimumTlsVersion} and forward-secret AEAD ciphers (e.g. Protocol-TLSv1.2 with ECDHE-RSA-AES128-GCM-SHA256); ${noPredefined}`,
          );
      });
    f.report(reportViolation, description, e.urn);
  }
}
