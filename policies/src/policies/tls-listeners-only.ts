import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { hipaaFramework } from "../framework";
import {
  configWithDefaults,
  field,
  Findings,
  listField,
  objectField,
  path,
  rawProps,
  sameText,
  UNKNOWN,
} from "../policy-kit";
import {
  CLOUDFRONT_ORIGIN_PROTOCOL_POLICIES,
  CLOUDFRONT_ORIGIN_SSL_PROTOCOLS,
  CLOUDFRONT_VIEWER_PROTOCOL_POLICIES,
  type ProtocolChoices,
} from "../rules";
import {
  CLASSIC_ELB,
  CLOUDFRONT_DISTRIBUTION,
  CLOUDFRONT_MULTITENANT_DISTRIBUTION,
  CLOUDFRONT_VPC_ORIGIN,
  isOneOf,
  LB_LISTENER,
  LB_TARGET_GROUP,
  TRANSFER_SERVER,
} from "../tokens";

function judgesType(type: string): boolean {
  return (
    isOneOf(type, LB_LISTENER) ||
    isOneOf(type, LB_TARGET_GROUP) ||
    type === CLASSIC_ELB ||
    type in CLOUDFRONT_BEHAVIOUR_LISTS ||
    type === CLOUDFRONT_VPC_ORIGIN ||
    type === TRANSFER_SERVER
  );
}

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

/** Where each CloudFront distribution type keeps its cache behaviours besides `defaultCacheBehavior`. */
const CLOUDFRONT_BEHAVIOUR_LISTS: Readonly<Record<string, string>> = {
  [CLOUDFRONT_DISTRIBUTION]: "orderedCacheBehaviors",
  [CLOUDFRONT_MULTITENANT_DISTRIBUTION]: "cacheBehaviors",
};

/** Judges an enum-valued protocol setting: unknown → advisory, unset or unknown spelling or clear text → violation. */
function checkChoice(
  findings: Findings,
  value: unknown,
  at: string,
  choices: ProtocolChoices,
  clearText: string,
): void {
  if (value === UNKNOWN) return findings.unknown(at);
  if (value === undefined || value === null || value === "")
    return findings.violation(`${at} is not set; set ${choices.encrypted.join(" or ")}`);
  const known = choices.known.find((k) => sameText(value, k));
  if (!known)
    return findings.violation(
      `${at} is not one of ${choices.known.join(", ")} (unknown spellings fail closed); set ${choices.encrypted.join(" or ")}`,
    );
  if (!choices.encrypted.includes(known))
    findings.violation(`${at} is ${known}, ${clearText}; set ${choices.encrypted.join(" or ")}`);
}

/** Origin SSL protocols: every item TLSv1.2; a known bad item is decidable even when others are unknown. */
function checkOriginSslProtocols(
  findings: Findings,
  list: unknown[] | typeof UNKNOWN | "invalid",
  at: string,
): void {
  const { known, allowed } = CLOUDFRONT_ORIGIN_SSL_PROTOCOLS;
  if (list === UNKNOWN) return findings.unknown(at);
  if (list === "invalid") return findings.violation(`${at} is not a list of protocols`);
  if (list.length === 0)
    return findings.violation(`${at} enables no protocol; set [${allowed.map((a) => `"${a}"`).join(", ")}]`);
  const bad = list.filter((p) => p !== UNKNOWN && !allowed.some((a) => sameText(p, a)));
  if (bad.length > 0) {
    const named = bad.map((p) => known.find((k) => sameText(p, k)) ?? "an unknown spelling");
    return findings.violation(
      `${at} includes ${[...new Set(named)].join(", ")}, so CloudFront may reach the origin below TLS 1.2; set [${allowed.map((a) => `"${a}"`).join(", ")}]`,
    );
  }
  if (list.some((p) => p === UNKNOWN)) findings.unknown(at);
}

/** CloudFront: every viewer leg HTTPS, every custom origin https-only with TLS 1.2. */
function checkCloudFront(findings: Findings, props: Record<string, unknown>, type: string): void {
  const viewerClear = "so viewers can send requests (URLs, cookies, PHI) to CloudFront over plain HTTP";
  const dcb = objectField(props, "defaultCacheBehavior");
  if (dcb === UNKNOWN) findings.unknown("defaultCacheBehavior");
  else if (!dcb)
    findings.violation("defaultCacheBehavior is not set; set its viewerProtocolPolicy to https-only");
  else
    checkChoice(
      findings,
      field(dcb, "viewerProtocolPolicy"),
      "defaultCacheBehavior.viewerProtocolPolicy",
      CLOUDFRONT_VIEWER_PROTOCOL_POLICIES,
      viewerClear,
    );
  const listKey = CLOUDFRONT_BEHAVIOUR_LISTS[type];
  const behaviours = listField(props, listKey);
  if (behaviours === UNKNOWN) findings.unknown(listKey);
  else if (behaviours === "invalid") findings.violation(`${listKey} is not a list of cache behaviours`);
  else
    behaviours.forEach((b, i) => {
      if (b === UNKNOWN) return findings.unknown(path(listKey, i));
      checkChoice(
        findings,
        field(b, "viewerProtocolPolicy"),
        path(listKey, i, "viewerProtocolPolicy"),
        CLOUDFRONT_VIEWER_PROTOCOL_POLICIES,
        viewerClear,
      );
    });
  const origins = listField(props, "origins");
  if (origins === UNKNOWN) return findings.unknown("origins");
  if (origins === "invalid") return findings.violation("origins is not a list of origins");
  origins.forEach((o, i) => {
    if (o === UNKNOWN) return findings.unknown(path("origins", i));
    const custom = objectField(o, "customOriginConfig");
    if (custom === UNKNOWN) return findings.unknown(path("origins", i, "customOriginConfig"));
    if (!custom) return; // S3 and VPC origins: no protocol policy here (VPC origins are judged on aws.cloudfront.VpcOrigin)
    checkChoice(
      findings,
      field(custom, "originProtocolPolicy"),
      path("origins", i, "customOriginConfig", "originProtocolPolicy"),
      CLOUDFRONT_ORIGIN_PROTOCOL_POLICIES,
      "so CloudFront may forward requests to this origin over plain HTTP",
    );
    checkOriginSslProtocols(
      findings,
      listField(custom, "originSslProtocols"),
      path("origins", i, "customOriginConfig", "originSslProtocols"),
    );
  });
}

/** aws.cloudfront.VpcOrigin: the same origin rules; its protocols are `{ items, quantity }`. */
function checkVpcOrigin(findings: Findings, props: Record<string, unknown>): void {
  const config = objectField(props, "vpcOriginEndpointConfig");
  if (config === UNKNOWN) return findings.unknown("vpcOriginEndpointConfig");
  if (!config)
    return findings.violation("vpcOriginEndpointConfig is not set; set originProtocolPolicy https-only");
  checkChoice(
    findings,
    field(config, "originProtocolPolicy"),
    "vpcOriginEndpointConfig.originProtocolPolicy",
    CLOUDFRONT_ORIGIN_PROTOCOL_POLICIES,
    "so CloudFront may forward requests to this VPC origin over plain HTTP",
  );
  const protocols = objectField(config, "originSslProtocols");
  if (protocols === UNKNOWN) return findings.unknown("vpcOriginEndpointConfig.originSslProtocols");
  checkOriginSslProtocols(
    findings,
    protocols ? listField(protocols, "items") : "invalid",
    "vpcOriginEndpointConfig.originSslProtocols.items",
  );
}

/** Transfer Family: FTP carries files and credentials in clear text (AWS allows it on VPC endpoints only). */
function checkTransferProtocols(findings: Findings, props: Record<string, unknown>): void {
  const protocols = listField(props, "protocols");
  if (protocols === UNKNOWN) return findings.unknown("protocols", "whether the server offers plain FTP");
  if (protocols === "invalid") return findings.violation("protocols is not a list of protocols");
  if (protocols.some((p) => sameText(p, "FTP")))
    return findings.violation(
      "protocols includes FTP, which carries files and credentials in clear text; offer SFTP or FTPS instead",
    );
  if (protocols.some((p) => p === UNKNOWN))
    findings.unknown("protocols", "whether the server offers plain FTP");
}

const DESCRIPTION =
  "Channels carrying PHI must encrypt in transit: load-balancer listeners and target groups HTTPS or TLS (classic ELB: https/ssl on both sides), CloudFront viewers and custom origins HTTPS with TLS 1.2, no plain FTP on Transfer Family servers.";

export const tlsListenersOnly: ResourceValidationPolicy = {
  name: "phi-tls-listeners-only",
  description: DESCRIPTION,
  severity: "critical",
  framework: hipaaFramework("e2ii"),
  tags: ["tls", "load-balancer", "cloudfront", "encryption-in-transit", "hipaa"],
  remediationSteps:
    'Set protocol to HTTPS (ALB) or TLS (NLB) with a certificate, and target-group protocol to HTTPS or TLS so traffic stays encrypted to the targets. On classic ELBs use lbProtocol and instanceProtocol https or ssl. Remove HTTP redirect listeners, or set allowHttpRedirect if clear-text redirects are acceptable. CloudFront: viewerProtocolPolicy https-only (or redirect-to-https) on defaultCacheBehavior and every ordered cache behaviour; every customOriginConfig (and aws.cloudfront.VpcOrigin) with originProtocolPolicy https-only and originSslProtocols ["TLSv1.2"]. Transfer Family: remove FTP from protocols (use SFTP or FTPS).',
  configSchema: tlsListenersOnlyConfigSchema,
  validateResource: (args, reportViolation) => {
    // On the type alone first, so that the verdict holds for every resource of the type.
    if (!judgesType(args.type))
      args.notApplicable(
        `${args.type} is not a load-balancer listener or target group, CloudFront distribution or origin, or Transfer Family server`,
      );
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
    } else if (args.type in CLOUDFRONT_BEHAVIOUR_LISTS) {
      checkCloudFront(findings, props, args.type);
    } else if (args.type === CLOUDFRONT_VPC_ORIGIN) {
      checkVpcOrigin(findings, props);
    } else if (args.type === TRANSFER_SERVER) {
      checkTransferProtocols(findings, props);
    }
    findings.report(reportViolation, DESCRIPTION);
  },
};
