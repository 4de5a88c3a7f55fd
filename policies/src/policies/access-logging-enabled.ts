import type { ResourceValidationPolicy } from "@pulumi/policy";
import { hipaaFramework } from "../framework";
import { field, Findings, objectField, rawProps, UNKNOWN } from "../policy-kit";
import { APIGATEWAY_STAGE, APIGATEWAYV2_API, APIGATEWAYV2_STAGE } from "../tokens";

const DESCRIPTION =
  "API Gateway stages of PHI channels record access logs (who called what, when, with which result).";

/** The stage types and what the message calls them. */
const STAGES: Readonly<Record<string, string>> = {
  [APIGATEWAY_STAGE]: "API Gateway REST API stage",
  [APIGATEWAYV2_STAGE]: "API Gateway v2 (HTTP or WebSocket API) stage",
};

function isUnset(v: unknown): boolean {
  return v === undefined || v === null || v === "";
}

/** accessLogSettings { destinationArn, format }: both required by the API when access logging is on. */
function checkStage(findings: Findings, props: Record<string, unknown>, what: string): void {
  const settings = objectField(props, "accessLogSettings");
  if (settings === UNKNOWN) return findings.unknown("accessLogSettings");
  if (!settings)
    return findings.violation(
      `accessLogSettings is not set, so requests through this ${what} are not recorded; set accessLogSettings { destinationArn: <CloudWatch Logs log group or Firehose stream ARN>, format }`,
    );
  for (const key of ["destinationArn", "format"]) {
    const v = field(settings, key);
    if (v === UNKNOWN) findings.unknown(`accessLogSettings.${key}`);
    else if (isUnset(v))
      findings.violation(`accessLogSettings.${key} is not set, so this ${what} records no access logs`);
  }
}

export const accessLoggingEnabled: ResourceValidationPolicy = {
  name: "phi-access-logging-enabled",
  description: DESCRIPTION,
  severity: "high",
  framework: hipaaFramework("b"),
  tags: ["api-gateway", "audit", "logging", "hipaa"],
  remediationSteps:
    "Set accessLogSettings { destinationArn, format } on every aws.apigateway.Stage and aws.apigatewayv2.Stage (destinationArn: a CloudWatch Logs log group ARN, or for REST APIs an Amazon Data Firehose stream whose name starts with amazon-apigateway-). Do not quick-create an HTTP API (aws.apigatewayv2.Api target): its $default stage has no access logging; declare the stage instead.",
  validateResource: (args, reportViolation) => {
    if (!(args.type in STAGES) && args.type !== APIGATEWAYV2_API)
      args.notApplicable(`${args.type} is not an API Gateway stage or quick-created HTTP API`);
    const props = rawProps(args.props);
    const findings = new Findings();
    if (args.type in STAGES) checkStage(findings, props, STAGES[args.type]);
    else if (args.type === APIGATEWAYV2_API) {
      const target = field(props, "target");
      if (target === UNKNOWN)
        findings.unknown("target", "quick create makes a $default stage without access logs");
      else if (isUnset(target))
        args.notApplicable("the API declares its stages separately (no quick-create target)");
      else
        findings.violation(
          "target quick-creates a $default stage, which records no access logs; remove target and declare an aws.apigatewayv2.Stage with accessLogSettings",
        );
    } else args.notApplicable(`${args.type} is not an API Gateway stage or quick-created HTTP API`);
    findings.report(reportViolation, DESCRIPTION);
  },
};
