import type { ResourceValidationPolicy } from "@pulumi/policy";
import { hipaaFramework } from "../framework";
import { field, Findings, rawProps, sameText, UNKNOWN } from "../policy-kit";
import { isOneOf, LB_LISTENER } from "../tokens";

const DESCRIPTION =
  "HTTPS listeners of PHI channels should authenticate their clients with mutual TLS (mutualAuthentication mode verify against a trust store).";

/**
 * §164.312(d) asks that the entity seeking access be verified. For a service-to-service PHI channel that
 * is the client certificate; `passthrough` only forwards it unverified. Advisory: some channels
 * authenticate callers at the application layer instead.
 */
export const lbMutualTls: ResourceValidationPolicy = {
  name: "phi-lb-mutual-tls",
  description: DESCRIPTION,
  enforcementLevel: "advisory",
  severity: "medium",
  framework: hipaaFramework("d"),
  tags: ["load-balancer", "mtls", "authentication", "hipaa"],
  remediationSteps:
    'Set mutualAuthentication: { mode: "verify", trustStoreArn } on the HTTPS listener, with an aws.lb.TrustStore holding the CA that issues client certificates (TlsLoadBalancer/PhiChannel: mutualTls: true). If callers are authenticated another way, record that and set this policy\'s level accordingly.',
  validateResource: (args, reportViolation) => {
    if (!isOneOf(args.type, LB_LISTENER)) args.notApplicable(`${args.type} is not a load-balancer listener`);
    const props = rawProps(args.props);
    const findings = new Findings();
    const protocol = field(props, "protocol");
    if (protocol === UNKNOWN) {
      findings.unknown("protocol");
      return findings.report(reportViolation, DESCRIPTION);
    }
    if (!sameText(protocol, "HTTPS")) {
      args.notApplicable("only HTTPS (application load balancer) listeners can verify client certificates");
    }
    const mutual = field(props, "mutualAuthentication");
    if (mutual === UNKNOWN) {
      findings.unknown("mutualAuthentication.mode");
      return findings.report(reportViolation, DESCRIPTION);
    }
    const mode = field(mutual, "mode");
    const trustStore = field(mutual, "trustStoreArn");
    const noTrustStore = trustStore !== UNKNOWN && (typeof trustStore !== "string" || trustStore === "");
    const noTrustStoreMessage =
      "mutualAuthentication.trustStoreArn is not set: there is no CA to verify clients against";
    if (mode === UNKNOWN) {
      // Without a trust store every mode fails: verify needs one, and any other mode does not verify.
      if (noTrustStore) findings.violation(noTrustStoreMessage);
      else findings.unknown("mutualAuthentication.mode");
    } else if (!sameText(mode, "verify")) {
      findings.violation(
        'mutualAuthentication.mode is not "verify": client certificates are not verified by the load balancer',
      );
    } else if (trustStore === UNKNOWN) findings.unknown("mutualAuthentication.trustStoreArn");
    else if (noTrustStore) findings.violation(noTrustStoreMessage);
    findings.report(reportViolation, DESCRIPTION);
  },
};
