import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
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
  field,
  Findings,
  isTrue,
  listField,
  objectField,
  rawProps,
  sameText,
  UNKNOWN,
} from "../policy-kit";
import {
  APIGATEWAY_DOMAIN_NAME,
  APIGATEWAYV2_DOMAIN_NAME,
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

export const tlsStrongPolicy: ResourceValidationPolicy = {
  name: "phi-tls-strong-policy",
  description: DESCRIPTION,
  severity: "critical",
  framework: hipaaFramework("e2ii"),
  tags: ["tls", "encryption-in-transit", "cipher-suites", "hipaa"],
  remediationSteps:
    "Set the security policy explicitly to a strong one (for ELB listeners e.g. ELBSecurityPolicy-TLS13-1-2-2021-06 or ELBSecurityPolicy-TLS13-1-3-2021-06; CloudFront TLSv1.2_2021 with an ACM certificate; API Gateway TLS_1_2; OpenSearch enforceHttps plus Policy-Min-TLS-1-2-PFS-2023-10; Transfer Family TransferSecurityPolicy-2024-01 or later). API defaults are weak and unknown names fail closed.",
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
        if (isDefault === UNKNOWN) findings.unknown("viewerCertificate.cloudfrontDefaultCertificate");
        else if (!vc || isTrue(isDefault)) {
          findings.violation(
            `viewerCertificate uses the default CloudFront certificate, which accepts TLSv1; use an ACM certificate with minimumProtocolVersion one of: ${listAlternatives(assessCloudFrontMinimumProtocolVersion(undefined, floor()))}`,
          );
        } else {
          checkName(
            findings,
            "viewerCertificate.minimumProtocolVersion",
            field(vc, "minimumProtocolVersion"),
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
          "set TLS_1_2 or stronger",
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
};
