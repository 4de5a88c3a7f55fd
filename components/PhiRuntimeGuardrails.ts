import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  accessScopePorts,
  AllowlistSyntaxError,
  allowlistEntryRefusal,
  authorizedPortsParameter,
  CONFIGURABLE_TLS_FLOORS,
  DEFAULT_MINIMUM_TLS_VERSION_FLOOR,
  DEFAULT_TLS_PROFILE,
  EMPTY_ALLOWLIST_REFUSAL,
  elbv2SslPoliciesParameter,
  FLOW_LOG_TRAFFIC_TYPE_PARAMETER,
  guardrailSettingsFrom,
  isTlsProfileName,
  MANAGED_CONFIG_RULES,
  OBJECT_LOCK_MODE_PARAMETER,
  parseAllowlist,
  restrictedPortsParameters,
  TLS_PROFILES,
  type AllowlistEntry,
  type ConfigRuleKey,
  type ManagedConfigRule,
  type TlsProfileName,
  type TlsVersion,
} from "../policies/src/rules";
import { checkedOrThrow, runChecks, type ConfigChecks, type ConfigProblem } from "./errors";
import { checkTagMap, mergeTags } from "./tags";

const COMPONENT = "PhiRuntimeGuardrails";

/** The defaults of {@link PhiRuntimeGuardrailsArgs}; docs/components-channel.md states them. */
export const DEFAULT_DATA_SERVICE_RULES = true;
export const DEFAULT_ACCESS_SCOPE = true;

/** A tag every resource the rules should judge carries, e.g. PhiChannel's `phi-channels:channel`. */
export interface GuardrailScopeTag {
  key: string;
  value: string;
}

export interface PhiRuntimeGuardrailsArgs {
  /**
   * The policy pack's config object, as in `policies/config/<stack>.json`: the allowlist comes from
   * `phi-ingress-allowlisted-ports.allowedIngress`, the TLS floor and profile from `phi-tls-strong-policy`.
   * Default: `{}` (the pack's own defaults: `["tcp/443"]`, TLS 1.2, `strict`).
   */
  policyConfig?: Record<string, unknown>;
  /**
   * The audit-log buckets (access and flow logs). Each gets an S3_BUCKET_DEFAULT_LOCK_ENABLED rule
   * (mode COMPLIANCE) scoped to that bucket alone. Required, non-empty.
   */
  auditBucketNames: pulumi.Input<string>[];
  /** The buckets ELB access logs must be delivered to (ELB_LOGGING_ENABLED). Default: `auditBucketNames`. */
  accessLogBucketNames?: pulumi.Input<string>[];
  /** The channel's VPC: the Network Access Analyzer scope looks for internet-gateway paths into it. Required. */
  vpcId: pulumi.Input<string>;
  /**
   * Rules triggered by configuration changes judge only resources with this tag. Default: unset (every
   * resource of the rule's types in the account and region). Periodic rules cannot be scoped.
   */
  scopeTag?: GuardrailScopeTag;
  /** Add the data services' encryption rules (RDS, ElastiCache, MSK, Redshift, SNS). Default: `true`. */
  dataServiceRules?: boolean;
  /** Create the Network Access Analyzer scope. Default: `true`. */
  accessScope?: boolean;
  /**
   * What the Config rules wait for: the account's configuration recorder (`aws.cfg.Recorder`, or better
   * its `aws.cfg.RecorderStatus`). AWS refuses a Config rule while no recorder exists. Default: unset
   * (the account already records).
   */
  configRecorder?: pulumi.Resource;
  /** Extra tags on the rules and the scope. */
  tags?: Record<string, string>;
}

/** The parameters, decided (and checked) before anything is registered. */
interface GuardrailPlan {
  allowlist: AllowlistEntry[];
  minimumTlsVersion: TlsVersion;
  tlsProfile: TlsProfileName;
}

/**
 * AWS-native continuous checks of a PHI channel, parameterised from the same rules module and pack config
 * as the policy pack, so what a preview refuses is what the account is watched for: AWS Config managed
 * rules (ports, SSH and common ports, ELBv2 security policies, HTTP to HTTPS, ELB access logs, Object Lock
 * on the audit buckets, TLS-only S3, flow logs of ALL traffic, data-service encryption) and a Network
 * Access Analyzer scope for internet paths to ports outside the allowlist. HIPAA 164.308(a)(8).
 */
export class PhiRuntimeGuardrails extends pulumi.ComponentResource {
  /** The Config rules by key of `data/config-rules.json` (`s3-default-lock` has one rule per bucket). */
  readonly rules: Record<string, aws.cfg.Rule[]> = {};
  readonly accessScope: aws.ec2.NetworkInsightsAccessScope | undefined;
  /** The rule parameters as computed, for evidence and tests. */
  readonly parameters: Readonly<Record<string, Readonly<Record<string, string | number>>>>;

  constructor(name: string, args: PhiRuntimeGuardrailsArgs, opts?: pulumi.ComponentResourceOptions) {
    const plan = checkedOrThrow(COMPONENT, name, (c) => planGuardrails(c, args));
    super("phi:guardrails:PhiRuntimeGuardrails", name, {}, opts);
    const tags = mergeTags("phi", args.tags, COMPONENT);
    const ruleOpts: pulumi.CustomResourceOptions = {
      parent: this,
      ...(args.configRecorder ? { dependsOn: [args.configRecorder] } : {}),
    };
    const params = staticParameters(plan);
    this.parameters = params;

    const add = (
      key: ConfigRuleKey,
      resourceName: string,
      inputParameters: pulumi.Input<Record<string, unknown>> | undefined,
      scope: aws.types.input.cfg.RuleScope | undefined,
    ) => {
      const rule: ManagedConfigRule = MANAGED_CONFIG_RULES[key];
      const created = new aws.cfg.Rule(
        resourceName,
        {
          description: `phi-channels ${name}: ${rule.identifier}, parameterised from the policy pack's rules (${rule.source})`,
          source: { owner: "AWS", sourceIdentifier: rule.identifier },
          ...(inputParameters === undefined
            ? {}
            : { inputParameters: pulumi.output(inputParameters).apply((p) => JSON.stringify(p)) }),
          ...(scope ? { scope } : {}),
          tags,
        },
        ruleOpts,
      );
      (this.rules[key] ??= []).push(created);
    };
    const tagScope = (key: ConfigRuleKey): aws.types.input.cfg.RuleScope | undefined =>
      args.scopeTag && MANAGED_CONFIG_RULES[key].trigger !== "periodic"
        ? { tagKey: args.scopeTag.key, tagValue: args.scopeTag.value }
        : undefined;

    for (const key of Object.keys(MANAGED_CONFIG_RULES) as ConfigRuleKey[]) {
      const rule = MANAGED_CONFIG_RULES[key];
      if (rule.dataService && !(args.dataServiceRules ?? DEFAULT_DATA_SERVICE_RULES)) continue;
      if (key === "s3-default-lock") {
        // One rule per audit bucket, scoped to it by id: other buckets need no Object Lock.
        args.auditBucketNames.forEach((bucket, i) =>
          add(key, `${name}-${key}-${i}`, params[key], {
            complianceResourceTypes: ["AWS::S3::Bucket"],
            complianceResourceId: bucket,
          }),
        );
        continue;
      }
      if (key === "elb-logging") {
        const buckets = pulumi.all(args.accessLogBucketNames ?? args.auditBucketNames);
        add(
          key,
          `${name}-${key}`,
          buckets.apply((b) => ({ s3BucketNames: b.join(",") })),
          tagScope(key),
        );
        continue;
      }
      if (key === "sg-restricted-common-ports" && params[key] === undefined) continue;
      add(key, `${name}-${key}`, params[key], tagScope(key));
    }

    if (args.accessScope ?? DEFAULT_ACCESS_SCOPE) {
      this.accessScope = new aws.ec2.NetworkInsightsAccessScope(
        `${name}-internet-access`,
        {
          matchPaths: accessScopePorts(plan.allowlist).map(({ protocol, destinationPorts }) => ({
            source: { resourceStatement: { resourceTypes: ["AWS::EC2::InternetGateway"] } },
            destination: {
              resourceStatement: { resources: [args.vpcId] },
              packetHeaderStatement: { protocols: [protocol], destinationPorts },
            },
          })),
          tags,
        },
        { parent: this },
      );
    }

    this.registerOutputs({
      parameters: this.parameters,
      accessScopeId: this.accessScope?.id,
    });
  }
}

/** The parameters that come from the plan alone (bucket names are added per rule). */
function staticParameters(plan: GuardrailPlan): Record<string, Record<string, string | number>> {
  const tcp = authorizedPortsParameter(plan.allowlist, "tcp");
  const udp = authorizedPortsParameter(plan.allowlist, "udp");
  const params: Record<string, Record<string, string | number>> = {
    "sg-authorized-ports": {
      ...(tcp === undefined ? {} : { authorizedTcpPorts: tcp }),
      ...(udp === undefined ? {} : { authorizedUdpPorts: udp }),
    },
    "elbv2-security-policy": {
      sslPolicies: elbv2SslPoliciesParameter(plan.minimumTlsVersion, plan.tlsProfile),
    },
    "s3-default-lock": { mode: OBJECT_LOCK_MODE_PARAMETER },
    "vpc-flow-logs": { trafficType: FLOW_LOG_TRAFFIC_TYPE_PARAMETER },
  };
  const restricted = restrictedPortsParameters(plan.allowlist);
  if (restricted) params["sg-restricted-common-ports"] = restricted;
  return params;
}

/**
 * Checks the arguments without creating anything, as the constructor does, and returns every problem
 * (none: valid). The allowlist and TLS settings are judged in the pack's own words.
 */
export function validatePhiRuntimeGuardrailsArgs(
  name: string,
  args: PhiRuntimeGuardrailsArgs,
): ConfigProblem[] {
  return runChecks(COMPONENT, name, (c) => planGuardrails(c, args)).problems;
}

function planGuardrails(c: ConfigChecks, args: PhiRuntimeGuardrailsArgs): GuardrailPlan {
  if (args === undefined || args === null || typeof args !== "object") {
    c.stop("args", args, "is missing", "pass { auditBucketNames, vpcId }");
  }
  const config = args.policyConfig as unknown;
  if (config !== undefined && (config === null || typeof config !== "object" || Array.isArray(config))) {
    c.report(
      "policyConfig",
      config,
      "is not a policy pack config object",
      "pass the parsed policies/config/<stack>.json, or omit it for the pack's defaults",
    );
  }
  const settings = guardrailSettingsFrom(config);
  const ingressField = "policyConfig.phi-ingress-allowlisted-ports.allowedIngress";
  const allowlist =
    c.section(() => {
      const entries = settings.allowedIngress;
      if (!Array.isArray(entries) || entries.length === 0) {
        c.stop(ingressField, entries, EMPTY_ALLOWLIST_REFUSAL.problem, EMPTY_ALLOWLIST_REFUSAL.fix);
      }
      try {
        return parseAllowlist(entries as string[]);
      } catch (e) {
        if (!(e instanceof AllowlistSyntaxError)) throw e;
        const refusal = allowlistEntryRefusal(e);
        return c.stop(
          `${ingressField}[${(entries as unknown[]).indexOf(e.entry)}]`,
          e.entry,
          refusal.problem,
          refusal.fix,
        );
      }
    }) ?? [];
  const tlsField = "policyConfig.phi-tls-strong-policy";
  if (!CONFIGURABLE_TLS_FLOORS.includes(settings.minimumTlsVersion as TlsVersion)) {
    c.report(
      `${tlsField}.minimumTlsVersion`,
      settings.minimumTlsVersion,
      "is not a TLS version",
      `use one of ${CONFIGURABLE_TLS_FLOORS.map((v) => `"${v}"`).join(", ")}`,
    );
  }
  if (!isTlsProfileName(settings.tlsProfile)) {
    c.report(
      `${tlsField}.tlsProfile`,
      settings.tlsProfile,
      "is not a TLS profile",
      `use one of ${Object.keys(TLS_PROFILES).join(", ")}`,
    );
  }
  const buckets = args.auditBucketNames as unknown;
  if (!Array.isArray(buckets) || buckets.length === 0) {
    c.report(
      "auditBucketNames",
      buckets,
      "must list at least one audit-log bucket",
      "pass the access-log and flow-log bucket names",
    );
  } else {
    buckets.forEach((b, i) => {
      if (b === "" || b === null || b === undefined)
        c.report(`auditBucketNames[${i}]`, b, "is not a bucket name", "pass the bucket's name");
    });
  }
  const logBuckets = args.accessLogBucketNames as unknown;
  if (logBuckets !== undefined && (!Array.isArray(logBuckets) || logBuckets.length === 0)) {
    c.report(
      "accessLogBucketNames",
      logBuckets,
      "must be a non-empty list",
      "omit it to use auditBucketNames, or list the access-log buckets",
    );
  }
  if (args.vpcId === undefined || args.vpcId === null || args.vpcId === "") {
    c.report("vpcId", args.vpcId, "is required", "pass the channel's VPC id");
  }
  const tag = args.scopeTag as unknown;
  if (tag !== undefined) {
    const t = tag as Partial<GuardrailScopeTag> | null;
    if (
      t === null ||
      typeof t !== "object" ||
      typeof t.key !== "string" ||
      t.key === "" ||
      typeof t.value !== "string"
    ) {
      c.report("scopeTag", tag, "is not a { key, value } tag", 'pass e.g. { key: "team", value: "records" }');
    }
  }
  for (const flag of ["dataServiceRules", "accessScope"] as const) {
    if (args[flag] !== undefined && typeof args[flag] !== "boolean")
      c.report(flag, args[flag], "must be a boolean", "use true or false");
  }
  checkTagMap(c, args.tags);
  const minimumTlsVersion = CONFIGURABLE_TLS_FLOORS.includes(settings.minimumTlsVersion as TlsVersion)
    ? (settings.minimumTlsVersion as TlsVersion)
    : DEFAULT_MINIMUM_TLS_VERSION_FLOOR;
  const tlsProfile = isTlsProfileName(settings.tlsProfile) ? settings.tlsProfile : DEFAULT_TLS_PROFILE;
  if (elbv2SslPoliciesParameter(minimumTlsVersion, tlsProfile) === "") {
    c.report(
      tlsField,
      { minimumTlsVersion, tlsProfile },
      "leaves no strong ELB security policy for ELBV2_PREDEFINED_SECURITY_POLICY_SSL_CHECK",
      "lower the floor or choose another profile",
    );
  }
  return { allowlist, minimumTlsVersion, tlsProfile };
}
