import type { ResourceValidationPolicy } from "@pulumi/policy";
import { hipaaFramework } from "../framework";
import { Findings, isUnknown, notCovered, rawProps, sameText } from "../policy-kit";
import {
  exposure,
  publicEndpointKind,
  valuesAt,
  type PublicEndpointCheck,
  type PublicEndpointKind,
} from "../rules/public-endpoints";

const DESCRIPTION =
  "Resources that carry PHI must not have an endpoint reachable from the internet: no publicly accessible databases, brokers, clusters or search domains, no public IP addresses on instances and tasks, no public API, SFTP or function endpoints.";

/** How a public value reads in a message: the field and what it is, never the value itself. */
function publicPhrase(check: PublicEndpointCheck, path: string): string {
  switch (check.public) {
    case "true":
      return `${path} is true`;
    case "notIn":
      return `${path} is not ${(check.private ?? []).join(" or ")}`;
    case "set":
      return `${path} is set (an Elastic IP is a public IPv4 address)`;
    case "nonEmptyList":
      return `${path} is not empty`;
    case "emptyList":
      return `${path} is empty`;
    case "allowFromPublic":
      return `${path} has a rule with AllowFromPublic true`;
  }
}

function judge(
  kind: PublicEndpointKind,
  check: PublicEndpointCheck,
  props: Record<string, unknown>,
  f: Findings,
) {
  // A check that applies only for one value of another field (a network security policy): with that field
  // unknown, a public value is undecided rather than a violation.
  let guardUnknown = false;
  if (check.when) {
    const g = props[check.when.field];
    if (isUnknown(g)) guardUnknown = true;
    else if (!sameText(g, check.when.equals)) return;
  }
  const reachable = `so the ${kind.label} has an endpoint reachable from the internet; set ${check.fix}`;
  for (const { path, value, stop } of valuesAt(props, check, isUnknown)) {
    const e =
      stop === "unknown" ? "unknown" : stop === "shape" ? "invalid" : exposure(check, value, isUnknown);
    if (e === "private") continue;
    if (e === "unknown") {
      f.unknown(path, `whether the ${kind.label} is public`);
      continue;
    }
    if (guardUnknown) {
      f.unknown(check.when!.field, `${path} opens the ${kind.label} if it is a ${check.when!.equals} policy`);
      continue;
    }
    if (e === "public") f.violation(`${publicPhrase(check, path)}, ${reachable}`);
    else if (e === "unset-public")
      f.violation(`${path} is not set, and AWS's default is public, ${reachable}`);
    else if (e === "unset-explicit")
      f.violation(
        `${path} is not set, and AWS's default depends on the network (or is not documented), so the ${kind.label} may be public; set ${check.fix}`,
      );
    else
      f.violation(
        `${path} is not a value AWS accepts there, so whether the ${kind.label} is public cannot be told; set ${check.fix}`,
      );
  }
}

export const noPublicEndpoints: ResourceValidationPolicy = {
  name: "phi-no-public-endpoints",
  description: DESCRIPTION,
  severity: "critical",
  framework: hipaaFramework("a1"),
  tags: ["network", "exposure", "public-access", "hipaa"],
  remediationSteps:
    "Keep PHI endpoints inside the VPC: publiclyAccessible: false (RDS, Aurora, Neptune, Redshift, Redshift Serverless, Amazon MQ, DMS), MSK publicAccess.type DISABLED, associatePublicIpAddress false on instances, launch templates and launch configurations, assignPublicIp false (ENABLED → DISABLED) on ECS services, task sets and scheduled tasks, OpenSearch domains with vpcOptions, OpenSearch Serverless network policies without AllowFromPublic, EKS endpointPublicAccess false with endpointPrivateAccess true, App Runner isPubliclyAccessible false, Transfer Family endpointType VPC without Elastic IPs, Lambda function URLs with AWS_IAM, and no Elastic IP on an instance or network interface. Reach them through internal load balancers, VPC endpoints or PrivateLink.",
  validateResource: (args, reportViolation) => {
    const kind = publicEndpointKind(args.type);
    if (!kind) notCovered(args, "resources that can have a public endpoint");
    const props = rawProps(args.props);
    const findings = new Findings();
    for (const check of kind.checks) judge(kind, check, props, findings);
    findings.report(reportViolation, DESCRIPTION);
  },
};
