import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { hipaaFramework } from "../framework";
import {
  configWithDefaults,
  field,
  Findings,
  listField,
  path,
  rawProps,
  sameText,
  UNKNOWN,
} from "../policy-kit";
import { CLASSIC_ELB, isOneOf, LB_LISTENER, LB_TARGET_GROUP } from "../tokens";

export const tlsListenersOnlyConfigSchema = {
  properties: {
    allowHttpRedirect: {
      type: "boolean",
      description:
        "Allow HTTP listeners whose every default action redirects to HTTPS. Off by default: the first request (URL, cookies, headers) still crosses the network in clear text.",
      default: false,
    },
  },
} satisfies PolicyConfigSchema;

export interface TlsListenersOnlyConfig {
  allowHttpRedirect: boolean;
}

const ENCRYPTED = ["HTTPS", "TLS"];
const CLASSIC_ENCRYPTED = ["HTTPS", "SSL"];
const isEncrypted = (v: unknown, allowed: string[]) => allowed.some((a) => sameText(v, a));

/** Every default action of an HTTP listener redirects to HTTPS (unknown parts are recorded and given the benefit). */
function redirectsOnlyToHttps(props: Record<string, unknown>, findings: Findings): boolean {
  const actions = listField(props, "defaultActions");
  if (actions === UNKNOWN) {
    findings.unknown("defaultActions", "whether the HTTP listener only redirects to HTTPS");
    return true;
  }
  if (actions === "invalid" || actions.length === 0) return false;
  let ok = true;
  actions.forEach((a, i) => {
    if (a === UNKNOWN) return findings.unknown(path("defaultActions", i));
    const type = field(a, "type");
    if (type === UNKNOWN) return findings.unknown(path("defaultActions", i, "type"));
    if (!sameText(type, "redirect")) return void (ok = false);
    const redirect = field(a, "redirect");
    if (redirect === UNKNOWN) return findings.unknown(path("defaultActions", i, "redirect"));
    const protocol = field(redirect, "protocol");
    if (protocol === UNKNOWN) return findings.unknown(path("defaultActions", i, "redirect", "protocol"));
    if (!sameText(protocol, "HTTPS")) ok = false;
  });
  return ok;
}

const DESCRIPTION =
  "Load-balancer listeners and target groups carrying PHI must encrypt in transit: HTTPS or TLS (classic ELB: https/ssl on both sides).";

export const tlsListenersOnly: ResourceValidationPolicy = {
  name: "phi-tls-listeners-only",
  description: DESCRIPTION,
  severity: "critical",
  framework: hipaaFramework("e2ii"),
  tags: ["tls", "load-balancer", "encryption-in-transit", "hipaa"],
  remediationSteps:
    "Set protocol to HTTPS (ALB) or TLS (NLB) with a certificate, and target-group protocol to HTTPS or TLS so traffic stays encrypted to the targets. On classic ELBs use lbProtocol and instanceProtocol https or ssl. Remove HTTP redirect listeners, or set allowHttpRedirect if clear-text redirects are acceptable.",
  configSchema: tlsListenersOnlyConfigSchema,
  validateResource: (args, reportViolation) => {
    const props = rawProps(args.props);
    const findings = new Findings();
    if (isOneOf(args.type, LB_LISTENER)) {
      const protocol = field(props, "protocol");
      if (protocol === UNKNOWN) findings.unknown("protocol");
      else if (protocol === undefined || protocol === null || protocol === "")
        findings.violation(
          "protocol is unset (an application load balancer then listens on HTTP); set HTTPS or TLS",
        );
      else if (!isEncrypted(protocol, ENCRYPTED)) {
        const config = configWithDefaults<TlsListenersOnlyConfig>(args, tlsListenersOnlyConfigSchema);
        const mayRedirect = sameText(protocol, "HTTP") && config.allowHttpRedirect === true;
        if (!mayRedirect)
          findings.violation(
            "protocol is not HTTPS or TLS (HTTP, TCP, UDP, TCP_UDP and GENEVE carry data unencrypted; HTTP redirect listeners are blocked unless allowHttpRedirect is set)",
          );
        else if (!redirectsOnlyToHttps(props, findings))
          findings.violation("protocol is HTTP and not every default action redirects to HTTPS");
      }
    } else if (isOneOf(args.type, LB_TARGET_GROUP)) {
      const targetType = field(props, "targetType");
      if (sameText(targetType, "lambda")) args.notApplicable("lambda target groups have no protocol");
      const protocol = field(props, "protocol");
      if (protocol === UNKNOWN) findings.unknown("protocol");
      else if (protocol === undefined || protocol === null || protocol === "")
        args.notApplicable("target group without a protocol (lambda target)");
      else if (!isEncrypted(protocol, ENCRYPTED))
        findings.violation(
          "protocol is not HTTPS or TLS, so traffic from the load balancer to the targets is unencrypted",
        );
    } else if (args.type === CLASSIC_ELB) {
      const listeners = listField(props, "listeners");
      if (listeners === UNKNOWN) findings.unknown("listeners");
      else if (listeners === "invalid") findings.violation("listeners is not a list of listeners");
      else
        listeners.forEach((l, i) => {
          if (l === UNKNOWN) return findings.unknown(path("listeners", i));
          for (const key of ["lbProtocol", "instanceProtocol"]) {
            const v = field(l, key);
            if (v === UNKNOWN) findings.unknown(path("listeners", i, key));
            else if (!isEncrypted(v, CLASSIC_ENCRYPTED))
              findings.violation(`${path("listeners", i, key)} is not https or ssl`);
          }
        });
    } else {
      args.notApplicable(`${args.type} is not a load-balancer listener or target group`);
    }
    findings.report(reportViolation, DESCRIPTION);
  },
};
