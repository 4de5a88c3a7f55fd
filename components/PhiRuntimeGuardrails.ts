import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  accessScopePorts,
  AllowlistSyntaxError,
  allowlistEntryRefusal,
  authorizedPortsParameter,
  CONFIG_RULE_KEYS,
  CONFIGURABLE_TLS_FLOORS,
  DEFAULT_MINIMUM_TLS_VERSION_FLOOR,
  DEFAULT_TLS_PROFILE,
  EMPTY_ALLOWLIST_REFUSAL,
  elbv2SslPoliciesParameter,
  FLOW_LOG_TRAFFIC_TYPE_PARAMETER,
  guardrailSettingsFrom,
  isConfigRuleKey,
  isTlsProfileName,
  MANAGED_CONFIG_RULES,
  OBJECT_LOCK_MODE_PARAMETER,
  openSearchTlsPoliciesParameter,
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
/** What a created recorder records (see {@link RecorderSetupArgs.recording}). */
export const DEFAULT_RECORDING = "all-supported";
/** The AWS managed policy AWS documents for a recorder's role (read access to what Config records). */
export const CONFIG_ROLE_POLICY = "service-role/AWS_ConfigRole";

/**
 * A recorder the component creates, with its IAM role, delivery channel and status. AWS Config does not
 * deliver to a bucket with Object Lock default retention
 * (https://docs.aws.amazon.com/config/latest/developerguide/manage-delivery-channel.html), so an
 * ImmutableLogBucket cannot be the destination: name a bucket you keep for Config.
 */
export interface RecorderSetupArgs {
  /** The delivery channel's bucket, in this account and region. Required. */
  deliveryBucketName: pulumi.Input<string>;
  /** SSE-KMS key Config encrypts deliveries with (same region as the bucket). Default: unset (SSE-S3). */
  deliveryKmsKeyArn?: pulumi.Input<string>;
  /**
   * `"all-supported"`: every current and future resource type AWS Config supports in the region;
   * `"rule-types"`: only the types the deployed rules judge (data/config-rules.json). Default:
   * `"all-supported"`. Global types (IAM) are not recorded: record them in one region only.
   */
  recording?: "all-supported" | "rule-types";
}

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
  /**
   * Add the data services' encryption rules (RDS instances and clusters, DocumentDB, Neptune, ElastiCache,
   * MSK, Redshift, SNS, OpenSearch, DAX, DMS endpoints). Default: `true`.
   */
  dataServiceRules?: boolean;
  /**
   * Keys of `data/config-rules.json` to leave out: a managed rule the region lacks (AWS refuses it there),
   * or one the account already deploys. Default: none.
   */
  omitRules?: string[];
  /** Create the Network Access Analyzer scope. Default: `true`. */
  accessScope?: boolean;
  /**
   * What the Config rules wait for: the account's configuration recorder (`aws.cfg.Recorder`, or better
   * its `aws.cfg.RecorderStatus`). AWS refuses a Config rule while no recorder exists. Default: unset
   * (the account already records).
   */
  configRecorder?: pulumi.Resource;
  /**
   * Create the recorder (when the account has none): `aws.cfg.Recorder` with its role, an
   * `aws.cfg.DeliveryChannel` and an enabled `aws.cfg.RecorderStatus` every rule depends on. Default:
   * unset (off). Not with `configRecorder`.
   */
  createRecorder?: RecorderSetupArgs;
  /** Extra tags on the rules and the scope. */
  tags?: Record<string, string>;
}

/** The parameters, decided (and checked) before anything is registered. */
interface GuardrailPlan {
  allowlist: AllowlistEntry[];
  minimumTlsVersion: TlsVersion;
  tlsProfile: TlsProfileName;
  omitRules: ReadonlySet<ConfigRuleKey>;
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
  /** With `createRecorder`: the recorder, its role, delivery channel and status; every rule waits for the status. */
  readonly recorder: aws.cfg.Recorder | undefined;
  readonly recorderRole: aws.iam.Role | undefined;
  readonly deliveryChannel: aws.cfg.DeliveryChannel | undefined;
  readonly recorderStatus: aws.cfg.RecorderStatus | undefined;
  /** The rule parameters as computed, for evidence and tests. */
  readonly parameters: Readonly<Record<string, Readonly<Record<string, string | number>>>>;
  /** The rules of `data/config-rules.json` not deployed, by key, with the reason. */
  readonly omittedRules: Readonly<Partial<Record<ConfigRuleKey, string>>>;

  constructor(name: string, args: PhiRuntimeGuardrailsArgs, opts?: pulumi.ComponentResourceOptions) {
    const plan = checkedOrThrow(COMPONENT, name, (c) => planGuardrails(c, args));
    super("phi:guardrails:PhiRuntimeGuardrails", name, {}, opts);
    const tags = mergeTags("phi", args.tags, COMPONENT);
    const params = staticParameters(plan);
    this.parameters = params;
    this.omittedRules = omittedRules(plan, params, args.dataServiceRules ?? DEFAULT_DATA_SERVICE_RULES);
    const deployed = CONFIG_RULE_KEYS.filter((key) => this.omittedRules[key] === undefined);
    if (args.createRecorder) {
      const created = this.createRecorder(name, args.createRecorder, deployed, tags);
      this.recorderRole = created.role;
      this.recorder = created.recorder;
      this.deliveryChannel = created.channel;
      this.recorderStatus = created.status;
    }
    const waitFor = args.configRecorder ?? this.recorderStatus;
    const ruleOpts: pulumi.CustomResourceOptions = {
      parent: this,
      ...(waitFor ? { dependsOn: [waitFor] } : {}),
    };

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

    for (const key of deployed) {
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
      omittedRules: this.omittedRules,
      accessScopeId: this.accessScope?.id,
      recorderName: this.recorder?.name,
    });
  }

  /** The recorder, its role, the delivery channel and the status, in the order AWS requires them. */
  private createRecorder(
    name: string,
    setup: RecorderSetupArgs,
    deployed: readonly ConfigRuleKey[],
    tags: Record<string, string>,
  ) {
    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const accountId = identity.accountId;
    const role = new aws.iam.Role(
      `${name}-recorder`,
      {
        description: `AWS Config recorder of phi-channels ${name}`,
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "config.amazonaws.com" },
              Action: "sts:AssumeRole",
              // The confused-deputy guard AWS recommends: only Config acting for this account.
              Condition: { StringEquals: { "aws:SourceAccount": accountId } },
            },
          ],
        }),
        tags,
      },
      { parent: this },
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-recorder-config-role`,
      {
        role: role.name,
        policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${CONFIG_ROLE_POLICY}`,
      },
      { parent: this },
    );
    // Delivery in the same account goes through the role: it may write Config's prefix and nothing else.
    const bucketArn = pulumi.interpolate`arn:${partition}:s3:::${setup.deliveryBucketName}`;
    const delivery = new aws.iam.RolePolicy(
      `${name}-recorder-delivery`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: ["s3:GetBucketAcl", "s3:ListBucket"], Resource: bucketArn },
            {
              Effect: "Allow",
              Action: "s3:PutObject",
              Resource: pulumi.interpolate`${bucketArn}/AWSLogs/${accountId}/Config/*`,
              Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } },
            },
            ...(setup.deliveryKmsKeyArn === undefined
              ? []
              : [
                  {
                    Effect: "Allow",
                    Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                    Resource: setup.deliveryKmsKeyArn,
                  },
                ]),
          ],
        }),
      },
      { parent: this },
    );
    const recording = setup.recording ?? DEFAULT_RECORDING;
    const recorder = new aws.cfg.Recorder(
      `${name}-recorder`,
      {
        // AWS's own name for the account's recorder when none is given.
        name: "default",
        roleArn: role.arn,
        recordingGroup:
          recording === "all-supported"
            ? { allSupported: true, includeGlobalResourceTypes: false }
            : {
                allSupported: false,
                includeGlobalResourceTypes: false,
                recordingStrategies: [{ useOnly: "INCLUSION_BY_RESOURCE_TYPES" }],
                resourceTypes: ruleResourceTypes(deployed),
              },
      },
      { parent: this },
    );
    const channel = new aws.cfg.DeliveryChannel(
      `${name}-delivery`,
      {
        s3BucketName: setup.deliveryBucketName,
        ...(setup.deliveryKmsKeyArn === undefined ? {} : { s3KmsKeyArn: setup.deliveryKmsKeyArn }),
      },
      { parent: this, dependsOn: [recorder, delivery] },
    );
    const status = new aws.cfg.RecorderStatus(
      `${name}-recorder-status`,
      { name: recorder.name, isEnabled: true },
      { parent: this, dependsOn: [channel] },
    );
    return { role, recorder, channel, status };
  }
}

/** The resource types the deployed rules judge, once each, in table order. */
export function ruleResourceTypes(keys: readonly ConfigRuleKey[]): string[] {
  return [...new Set(keys.flatMap((key) => MANAGED_CONFIG_RULES[key].resourceTypes))];
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
  const tlsPolicies = openSearchTlsPoliciesParameter(plan.minimumTlsVersion, plan.tlsProfile);
  if (tlsPolicies !== undefined) params["opensearch-https-required"] = { tlsPolicies };
  return params;
}

/** Why each rule that is not deployed is left out; a rule absent here is deployed. */
function omittedRules(
  plan: GuardrailPlan,
  params: Record<string, unknown>,
  dataServiceRules: boolean,
): Partial<Record<ConfigRuleKey, string>> {
  const omitted: Partial<Record<ConfigRuleKey, string>> = {};
  for (const key of CONFIG_RULE_KEYS) {
    if (plan.omitRules.has(key)) omitted[key] = "listed in omitRules";
    else if (MANAGED_CONFIG_RULES[key].dataService && !dataServiceRules)
      omitted[key] = "dataServiceRules is false";
    else if (key === "sg-restricted-common-ports" && params[key] === undefined)
      omitted[key] = "the allowlist admits every common port";
    // Without tlsPolicies the rule judges EnforceHTTPS alone and would pass a weak policy.
    else if (key === "opensearch-https-required" && params[key] === undefined)
      omitted[key] =
        `no OpenSearch TLS policy is strong under TLS ${plan.minimumTlsVersion} and ${plan.tlsProfile}, ` +
        "and without tlsPolicies the rule would pass any policy";
  }
  return omitted;
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
  checkRecorderSetup(c, args);
  for (const flag of ["dataServiceRules", "accessScope"] as const) {
    if (args[flag] !== undefined && typeof args[flag] !== "boolean")
      c.report(flag, args[flag], "must be a boolean", "use true or false");
  }
  const omitRules = checkOmitRules(c, args.omitRules);
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
  return { allowlist, minimumTlsVersion, tlsProfile, omitRules };
}

/** `omitRules`: known keys only, so a typo never leaves deployed a rule that was meant to be left out. */
function checkOmitRules(c: ConfigChecks, omit: unknown): Set<ConfigRuleKey> {
  const keys = new Set<ConfigRuleKey>();
  if (omit === undefined) return keys;
  const known = CONFIG_RULE_KEYS.join(", ");
  if (!Array.isArray(omit)) {
    c.report(
      "omitRules",
      omit,
      "is not a list of rule keys",
      `omit it, or pass keys of policies/src/data/config-rules.json: ${known}`,
    );
    return keys;
  }
  omit.forEach((key: unknown, i) => {
    if (isConfigRuleKey(key)) keys.add(key);
    else
      c.report(
        `omitRules[${i}]`,
        key,
        "is not a key of policies/src/data/config-rules.json",
        `use one of ${known}`,
      );
  });
  return keys;
}

function checkRecorderSetup(c: ConfigChecks, args: PhiRuntimeGuardrailsArgs): void {
  const setup = args.createRecorder as unknown;
  if (setup === undefined) return;
  if (setup === null || typeof setup !== "object" || Array.isArray(setup)) {
    c.report(
      "createRecorder",
      setup,
      "is not an object",
      "omit it (the account records already), or pass { deliveryBucketName }",
    );
    return;
  }
  if (args.configRecorder !== undefined) {
    c.report(
      "createRecorder",
      "{…}",
      "is set with configRecorder; AWS allows one recorder per account and region",
      "pass configRecorder for the account's recorder, or createRecorder to create one, not both",
    );
  }
  const s = setup as Partial<RecorderSetupArgs>;
  if (s.deliveryBucketName === undefined || s.deliveryBucketName === null || s.deliveryBucketName === "") {
    c.report(
      "createRecorder.deliveryBucketName",
      s.deliveryBucketName,
      "is required",
      "name the bucket AWS Config delivers to (not one with Object Lock default retention)",
    );
  }
  if (s.deliveryKmsKeyArn === "" || s.deliveryKmsKeyArn === null) {
    c.report(
      "createRecorder.deliveryKmsKeyArn",
      s.deliveryKmsKeyArn,
      "is not a KMS key ARN",
      "omit it for SSE-S3, or pass the key's ARN",
    );
  }
  if (s.recording !== undefined && s.recording !== "all-supported" && s.recording !== "rule-types") {
    c.report(
      "createRecorder.recording",
      s.recording,
      "is not a recording choice",
      'use "all-supported" or "rule-types"',
    );
  }
}
