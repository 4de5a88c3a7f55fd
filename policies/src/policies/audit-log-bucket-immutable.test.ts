import { auditLogBucketImmutable as policy } from "./audit-log-bucket-immutable";
import { runStack, secret, UNKNOWN_STRING, urnOf, type StackResourceSpec } from "../testing/harness";

const TLS_DENY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: "*",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ],
});

type Sub = "lock" | "versioning" | "pab" | "policy";
const LOCK = [
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
  "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
];
const VERS = ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"];

/** A compliant audit bucket named `name`, with sub-resources referring to it by name (or, when `viaDeps`, by an unknown value plus a dependency). */
function logBucket(
  name: string,
  opts: {
    type?: string;
    v2subs?: boolean;
    omit?: Sub[];
    bucket?: Record<string, unknown>;
    viaDeps?: boolean;
    days?: number;
    mode?: string;
  } = {},
): StackResourceSpec[] {
  const type = opts.type ?? "aws:s3/bucket:Bucket";
  const ref = opts.viaDeps ? UNKNOWN_STRING : name;
  const deps = opts.viaDeps ? { bucket: [name] } : undefined;
  const v = opts.v2subs ? 1 : 0;
  const specs: StackResourceSpec[] = [
    {
      type,
      name,
      props: { bucket: name, arn: `arn:aws:s3:::${name}`, objectLockEnabled: true, ...opts.bucket },
    },
  ];
  const omit = new Set(opts.omit ?? []);
  if (!omit.has("lock"))
    specs.push({
      type: LOCK[v],
      name: `${name}-lock`,
      deps,
      props: {
        bucket: ref,
        rule: { defaultRetention: { mode: opts.mode ?? "COMPLIANCE", days: opts.days ?? 2190 } },
      },
    });
  if (!omit.has("versioning"))
    specs.push({
      type: VERS[v],
      name: `${name}-versioning`,
      deps,
      props: { bucket: ref, versioningConfiguration: { status: "Enabled" } },
    });
  if (!omit.has("pab"))
    specs.push({
      type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      name: `${name}-pab`,
      deps,
      props: {
        bucket: ref,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
    });
  if (!omit.has("policy"))
    specs.push({
      type: "aws:s3/bucketPolicy:BucketPolicy",
      name: `${name}-policy`,
      deps,
      props: { bucket: ref, policy: TLS_DENY },
    });
  return specs;
}

const alb = (bucketRef: unknown, deps?: Record<string, string[]>): StackResourceSpec => ({
  type: "aws:lb/loadBalancer:LoadBalancer",
  name: "alb",
  props: { internal: true, accessLogs: { enabled: true, bucket: bucketRef } },
  deps,
});

describe("phi-audit-log-bucket-immutable", () => {
  it.each([
    ["Bucket", "aws:s3/bucket:Bucket", false],
    ["BucketV2 with V2 sub-resources", "aws:s3/bucketV2:BucketV2", true],
  ])("a compliant %s passes, referenced by name, ARN or dependency", async (_l, type, v2subs) => {
    for (const [ref, deps] of [
      ["phi-logs", undefined],
      ["arn:aws:s3:::phi-logs", undefined],
      [UNKNOWN_STRING, { accessLogs: ["phi-logs"] }],
    ] as const) {
      const v = await runStack(policy, [...logBucket("phi-logs", { type, v2subs }), alb(ref, deps as never)]);
      expect(v.diagnostics).toEqual([]);
    }
  });

  it("follows sub-resources to the bucket through dependencies when their bucket is unknown", async () => {
    const v = await runStack(policy, [...logBucket("phi-logs", { viaDeps: true }), alb("phi-logs")]);
    expect(v.diagnostics).toEqual([]);
  });

  it.each<[string, Parameters<typeof logBucket>[1], RegExp]>([
    ["no object lock", { bucket: { objectLockEnabled: false } }, /objectLockEnabled is not true/],
    ["no retention", { omit: ["lock"] }, /has no object-lock default retention/],
    ["GOVERNANCE mode", { mode: "GOVERNANCE" }, /not COMPLIANCE mode for at least 2190 days/],
    ["short retention", { days: 30 }, /not COMPLIANCE mode for at least 2190 days/],
    ["no versioning", { omit: ["versioning"] }, /versioning is not Enabled/],
    ["no public access block", { omit: ["pab"] }, /no public access block/],
    ["no TLS-only policy", { omit: ["policy"] }, /aws:SecureTransport/],
    ["forceDestroy", { bucket: { forceDestroy: true } }, /forceDestroy is true/],
  ])("blocks a log bucket with %s (both tokens)", async (_l, opts, pattern) => {
    for (const type of ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]) {
      const v = await runStack(policy, [
        ...logBucket("phi-logs", { ...opts, type }),
        alb("arn:aws:s3:::phi-logs/prefix"),
      ]);
      expect(v.mandatory).toHaveLength(1);
      expect(v.mandatory[0].message).toMatch(pattern);
      expect(v.mandatory[0].urn).toContain("phi-logs");
    }
  });

  it("a partial public access block and a policy without the condition are blocked", async () => {
    const specs = logBucket("phi-logs", { omit: ["pab", "policy"] });
    specs.push({
      type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      name: "pab",
      props: {
        bucket: "phi-logs",
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: false,
      },
    });
    specs.push({
      type: "aws:s3/bucketPolicy:BucketPolicy",
      name: "pol",
      props: {
        bucket: "phi-logs",
        policy: JSON.stringify({
          Statement: [{ Effect: "Allow", Condition: { Bool: { "aws:SecureTransport": "false" } } }],
        }),
      },
    });
    const v = await runStack(policy, [...specs, alb("phi-logs")]);
    expect(v.mandatory).toHaveLength(2);
  });

  it("minimumRetentionDays is configurable (dev: 30) and validated", async () => {
    const specs = [...logBucket("phi-logs", { days: 30 }), alb("phi-logs")];
    expect((await runStack(policy, specs, { minimumRetentionDays: 30 })).diagnostics).toEqual([]);
    await expect(runStack(policy, specs, { minimumRetentionDays: 0 })).rejects.toThrow(/invalid config/);
    await expect(runStack(policy, specs, { minimumRetentionDays: 1.5 })).rejects.toThrow(/invalid config/);
  });

  it("flow logs to S3, CloudTrail and NLB connection logs are audit-log sources", async () => {
    const sources: StackResourceSpec[] = [
      {
        type: "aws:ec2/flowLog:FlowLog",
        name: "fl",
        props: {
          logDestinationType: "s3",
          logDestination: "arn:aws:s3:::bad-logs/flows/",
          trafficType: "ALL",
        },
      },
      { type: "aws:cloudtrail/trail:Trail", name: "trail", props: { s3BucketName: "bad-logs" } },
      {
        type: "aws:alb/loadBalancer:LoadBalancer",
        name: "nlb",
        props: { connectionLogs: { enabled: true, bucket: "bad-logs" } },
      },
      {
        type: "aws:elb/loadBalancer:LoadBalancer",
        name: "classic",
        props: { accessLogs: { bucket: "bad-logs" } },
      },
    ];
    for (const s of sources) {
      const v = await runStack(policy, [...logBucket("bad-logs", { omit: ["versioning"] }), s]);
      expect(v.mandatory).toHaveLength(1);
    }
    const cw = await runStack(policy, [
      {
        type: "aws:ec2/flowLog:FlowLog",
        name: "fl",
        props: { logDestinationType: "cloud-watch-logs", logDestination: "arn:aws:logs:x" },
      },
    ]);
    expect(cw.notApplicable).toHaveLength(1);
  });

  it("a referenced bucket outside the stack fails closed unless listed as external", async () => {
    const v = await runStack(policy, [alb("someone-elses-bucket")]);
    expect(v.mandatory[0].message).toContain("not in this stack");
    expect(v.text).not.toContain("someone-elses-bucket");
    expect(
      (
        await runStack(policy, [alb("someone-elses-bucket")], {
          externalLogBuckets: ["someone-elses-bucket"],
        })
      ).diagnostics,
    ).toEqual([]);
  });

  it("unknown bucket policy is advisory; known violations stay mandatory", async () => {
    const specs = logBucket("phi-logs", { omit: ["policy", "versioning"] });
    specs.push({
      type: "aws:s3/bucketPolicy:BucketPolicy",
      name: "pol",
      props: { bucket: "phi-logs", policy: UNKNOWN_STRING },
    });
    const v = await runStack(policy, [...specs, alb("phi-logs")]);
    expect(v.mandatory).toHaveLength(1);
    expect(v.advisory).toHaveLength(1);
    expect(v.advisory[0].message).toContain("`pulumi up`");
    const u = await runStack(policy, [alb(UNKNOWN_STRING)]);
    expect(u.advisory).toHaveLength(1);
  });

  it("never prints bucket names or policy text, secret or not", async () => {
    const specs = logBucket("sentinel-bucket-77", { omit: ["lock"] });
    specs[0].props.arn = secret("arn:aws:s3:::sentinel-bucket-77");
    const v = await runStack(policy, [...specs, alb(secret("sentinel-bucket-77"))]);
    expect(v.mandatory).toHaveLength(1);
    expect(v.text.replace(/urn:[^\n ]*/g, "")).not.toContain("sentinel-bucket-77");
  });
});

describe("phi-audit-log-bucket-immutable: deletion (forceDestroy, protect)", () => {
  const TAG = { "phi-channels:data-classification": "audit-log" };

  it.each(["tags", "tagsAll"])(
    "blocks forceDestroy on a bucket %s-classified as audit-log even when nothing delivers to it yet",
    async (key) => {
      for (const type of ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]) {
        const ok = await runStack(policy, logBucket("phi-logs", { type, bucket: { [key]: TAG } }));
        expect(ok.diagnostics).toEqual([]);
        expect(ok.notApplicable).toEqual([]);
        const v = await runStack(
          policy,
          logBucket("phi-logs", { type, bucket: { [key]: TAG, forceDestroy: true } }),
        );
        expect(v.mandatory).toHaveLength(1);
        expect(v.mandatory[0].message).toMatch(/forceDestroy is true/);
        expect(v.mandatory[0].urn).toContain("phi-logs");
      }
    },
  );

  it("an untagged bucket nothing delivers to is not an audit-log bucket", async () => {
    const v = await runStack(
      policy,
      logBucket("scratch", { bucket: { forceDestroy: true, tags: { team: "x" } } }),
    );
    expect(v.diagnostics).toEqual([]);
    expect(v.notApplicable).toHaveLength(1);
  });

  it("does not require protect by default; requireProtect blocks an unprotected audit-log bucket", async () => {
    const specs = [...logBucket("phi-logs"), alb("phi-logs")];
    expect((await runStack(policy, specs)).diagnostics).toEqual([]);
    const v = await runStack(policy, specs, { requireProtect: true });
    expect(v.mandatory).toHaveLength(1);
    expect(v.mandatory[0].message).toMatch(/not protected \(requireProtect is set\)/);
    expect(v.mandatory[0].urn).toContain("phi-logs");
    const protectedSpecs = specs.map((s) => (s.name === "phi-logs" ? { ...s, protect: true } : s));
    expect((await runStack(policy, protectedSpecs, { requireProtect: true })).diagnostics).toEqual([]);
  });
});

describe("phi-audit-log-bucket-immutable: references and classification unknown at preview", () => {
  const TAG = { "phi-channels:data-classification": "audit-log" };
  const adv = (v: { advisory: { message: string; urn?: string }[] }) =>
    v.advisory.map((d) => d.message.split("\n")[1]);

  it.each([
    ["aws:lb/loadBalancer:LoadBalancer", "accessLogs"],
    ["aws:alb/loadBalancer:LoadBalancer", "connectionLogs"],
    ["aws:elb/loadBalancer:LoadBalancer", "accessLogs"],
  ])("%s with a whole %s block unknown and no dependency: advisory at the LB", async (type, block) => {
    const lb = (deps?: Record<string, string[]>): StackResourceSpec => ({
      type,
      name: "lb",
      props: { [block]: UNKNOWN_STRING },
      deps,
    });
    const bad = logBucket("phi-logs", { omit: ["versioning"] });
    const v = await runStack(policy, [...bad, lb()]);
    expect(v.mandatory).toEqual([]);
    expect(v.notApplicable).toEqual([]);
    expect(adv(v)).toEqual([
      expect.stringMatching(new RegExp(`^${block} \\(log bucket\\): .*\`pulumi up\``)),
    ]);
    expect(v.advisory[0].urn).toContain("::lb");
    // With a dependency on the bucket, the bucket itself is judged.
    const dep = await runStack(policy, [...bad, lb({ [block]: ["phi-logs"] })]);
    expect(dep.mandatory).toHaveLength(1);
    expect(dep.mandatory[0].message).toMatch(/versioning is not Enabled/);
  });

  describe("a flow log whose logDestinationType is unknown", () => {
    const flowLog = (logDestination: unknown): StackResourceSpec => ({
      type: "aws:ec2/flowLog:FlowLog",
      name: "fl",
      props: { trafficType: "ALL", logDestinationType: UNKNOWN_STRING, logDestination },
    });

    it("judges the stack bucket its destination names, by name or S3 ARN", async () => {
      for (const dest of ["phi-logs", "arn:aws:s3:::phi-logs/flows/"]) {
        const bad = await runStack(policy, [
          ...logBucket("phi-logs", { omit: ["versioning"] }),
          flowLog(dest),
        ]);
        expect(bad.mandatory).toHaveLength(1);
        expect(bad.mandatory[0].message).toMatch(/versioning is not Enabled/);
        expect(bad.mandatory[0].urn).toContain("phi-logs");
        expect((await runStack(policy, [...logBucket("phi-logs"), flowLog(dest)])).diagnostics).toEqual([]);
      }
    });

    it("an unresolved destination is an advisory naming logDestinationType, not a violation", async () => {
      for (const dest of ["other-bucket", UNKNOWN_STRING, undefined]) {
        const v = await runStack(policy, [flowLog(dest)]);
        expect(v.mandatory).toEqual([]);
        expect(adv(v)).toEqual([expect.stringMatching(/^logDestinationType \(.*\): .*`pulumi up`/)]);
        expect(v.text).not.toContain("other-bucket");
      }
      // An S3 ARN settles the type: a bucket outside the stack stays mandatory.
      const s3 = await runStack(policy, [flowLog("arn:aws:s3:::other-bucket")]);
      expect(s3.mandatory[0].message).toMatch(/^logDestination names a bucket that is not in this stack/m);
    });

    it("a destination ARN of another service settles it: not an audit-log delivery to S3", async () => {
      const v = await runStack(policy, [flowLog("arn:aws:logs:us-east-1:1:log-group:x")]);
      expect(v.diagnostics).toEqual([]);
      expect(v.notApplicable).toHaveLength(1);
    });
  });

  describe("a bucket whose tags are unknown", () => {
    it.each([
      ["tags", { tags: UNKNOWN_STRING }, /^tags \(/],
      ["tagsAll", { tagsAll: UNKNOWN_STRING }, /^tagsAll \(/],
      [
        "the classification tag",
        { tags: { "phi-channels:data-classification": UNKNOWN_STRING } },
        /^tags\["phi-channels:data-classification"\] \(/,
      ],
    ])(
      "%s unknown on a bucket that would fail as an audit-log bucket: advisory naming it",
      async (_l, tags, path) => {
        const v = await runStack(policy, logBucket("phi-logs", { omit: ["versioning"], bucket: tags }));
        expect(v.mandatory).toEqual([]);
        expect(adv(v)).toEqual([expect.stringMatching(path)]);
        expect(adv(v)[0]).toMatch(/whether this is an audit-log bucket.*`pulumi up`/);
        expect(v.advisory[0].urn).toContain("phi-logs");
      },
    );

    it("no finding when it would pass as an audit-log bucket, or another map classifies it", async () => {
      const ok = await runStack(policy, logBucket("phi-logs", { bucket: { tags: UNKNOWN_STRING } }));
      expect(ok.diagnostics).toEqual([]);
      const tagsAll = await runStack(
        policy,
        logBucket("phi-logs", { omit: ["versioning"], bucket: { tags: UNKNOWN_STRING, tagsAll: TAG } }),
      );
      expect(tagsAll.mandatory).toHaveLength(1);
      expect(tagsAll.advisory).toEqual([]);
    });

    it("a bucket something delivers to stays mandatory whatever its tags", async () => {
      const v = await runStack(policy, [
        ...logBucket("phi-logs", { omit: ["versioning"], bucket: { tags: UNKNOWN_STRING } }),
        alb("phi-logs"),
      ]);
      expect(v.mandatory).toHaveLength(1);
      expect(v.mandatory[0].message).toMatch(/versioning is not Enabled/);
      expect(v.advisory).toEqual([]);
    });

    it("requireProtect counts as a failure: an unprotected bucket with unknown tags is undecided", async () => {
      const specs = logBucket("phi-logs", { bucket: { tags: UNKNOWN_STRING } });
      expect((await runStack(policy, specs, { requireProtect: true })).advisory).toHaveLength(1);
    });
  });
});

describe("phi-audit-log-bucket-immutable: the bucket policy, read as AWS evaluates it", () => {
  const ARN = "arn:aws:s3:::phi-logs";
  const DENY = {
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [ARN, `${ARN}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
  /** The compliant bucket with its BucketPolicy's statements replaced. */
  const withPolicy = (...statements: unknown[]): StackResourceSpec[] => [
    ...logBucket("phi-logs", { omit: ["policy"] }),
    {
      type: "aws:s3/bucketPolicy:BucketPolicy",
      name: "phi-logs-policy",
      props: { bucket: "phi-logs", policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) },
    },
    alb("phi-logs"),
  ];
  const findings = async (specs: StackResourceSpec[]) =>
    (await runStack(policy, specs)).mandatory.map((d) => d.message.split("\n")[1]);

  it("the deny on the bucket and its objects, for everyone and every action, passes", async () => {
    expect((await runStack(policy, withPolicy(DENY))).diagnostics).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      "the deny covers only s3:PutObject",
      { Action: "s3:PutObject" },
      'Statement[0] does not cover every action (Action must be "s3:*" or "*"; NotAction never does)',
    ],
    [
      "the deny adds a second condition aws:SourceVpce",
      {
        Condition: {
          Bool: { "aws:SecureTransport": "false" },
          StringNotEquals: { "aws:SourceVpce": "vpce-0123" },
        },
      },
      'Statement[0] has a condition besides aws:SecureTransport = "false" (conditions are ANDed, so it exempts requests)',
    ],
    [
      "the deny's Resource is only the bucket ARN, not bucket/*",
      { Resource: ARN },
      'Statement[0] does not cover its objects (its ARN + "/*")',
    ],
    [
      "the deny's Principal is a single role",
      { Principal: { AWS: "arn:aws:iam::123456789012:role/app" } },
      'Statement[0] does not apply to everyone (Principal must be "*" or {"AWS": "*"}; NotPrincipal never does)',
    ],
  ])("blocks the bucket when %s", async (_l, change, reason) => {
    expect(await findings(withPolicy({ ...DENY, ...change }))).toEqual([
      `audit-log bucket phi-logs-policy.policy does not deny every request with aws:SecureTransport = "false": ${reason}`,
    ]);
  });

  it("an Allow to everyone without a restricting condition is blocked; one scoped to the account is not", async () => {
    const read = { Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:GetObject", Resource: `${ARN}/*` };
    expect(await findings(withPolicy(DENY, read))).toEqual([
      'audit-log bucket phi-logs-policy.policy grants to everyone: Statement[1] allows Principal "*" (or a NotPrincipal) without a condition restricting the caller (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID, ...)',
    ]);
    const scoped = { ...read, Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } };
    expect(await findings(withPolicy(DENY, scoped))).toEqual([]);
  });

  it("inline policy and BucketPolicy: S3 keeps one of them, so each must deny", async () => {
    const specs = withPolicy(DENY);
    specs[0].props.policy = JSON.stringify({ Statement: [{ ...DENY, Action: "s3:GetObject" }] });
    expect(await findings(specs)).toEqual([
      'audit-log bucket policy does not deny every request with aws:SecureTransport = "false": Statement[0] does not cover every action (Action must be "s3:*" or "*"; NotAction never does)',
    ]);
  });

  it("a known bucket name stands for its ARN; a deny naming another bucket does not count", async () => {
    const specs = withPolicy(DENY);
    delete specs[0].props.arn;
    expect(await findings(specs)).toEqual([]);
    const other = withPolicy({ ...DENY, Resource: ["arn:aws:s3:::other", "arn:aws:s3:::other/*"] });
    expect(await findings(other)).toEqual([
      'audit-log bucket phi-logs-policy.policy does not deny every request with aws:SecureTransport = "false": Statement[0] does not cover the bucket (its ARN); does not cover its objects (its ARN + "/*")',
    ]);
  });

  it("an unknown Principal is an advisory; a known too-narrow Action beside it stays mandatory", async () => {
    const v = await runStack(
      policy,
      withPolicy({ ...DENY, Principal: UNKNOWN_STRING }).map((s) =>
        s.name === "phi-logs-policy"
          ? { ...s, props: { ...s.props, policy: { Statement: [{ ...DENY, Principal: UNKNOWN_STRING }] } } }
          : s,
      ),
    );
    expect(v.mandatory).toEqual([]);
    expect(v.advisory.map((d) => d.message.split("\n")[1])).toEqual([
      "bucket policy (audit-log bucket requirement): it is not known at preview; this policy checks it again at `pulumi up`",
    ]);
    const narrow = withPolicy(DENY).map((s) =>
      s.name === "phi-logs-policy"
        ? {
            ...s,
            props: {
              ...s.props,
              policy: { Statement: [{ ...DENY, Principal: UNKNOWN_STRING, Action: "s3:PutObject" }] },
            },
          }
        : s,
    );
    expect((await runStack(policy, narrow)).mandatory).toHaveLength(1);
  });
});

describe("phi-audit-log-bucket-immutable: every log source the stack wires to S3", () => {
  const findings = (v: { mandatory: { message: string; urn?: string }[] }) =>
    v.mandatory.map((d) => d.message.split("\n")[1]);
  /** A source of each row of the log-source table, delivering to `bucket` (a name or ARN as the row wants). */
  const sources: [string, string, (bucket: string) => Record<string, unknown>][] = [
    [
      "aws:cloudfront/distribution:Distribution",
      "loggingConfig.bucket",
      (b) => ({ loggingConfig: { bucket: `${b}.s3.amazonaws.com` } }),
    ],
    [
      "aws:s3/bucketLogging:BucketLogging",
      "targetBucket",
      (b) => ({ bucket: "app-data", targetBucket: b, targetPrefix: "s3/" }),
    ],
    [
      "aws:s3/bucketLoggingV2:BucketLoggingV2",
      "targetBucket",
      (b) => ({ bucket: "app-data", targetBucket: b }),
    ],
    [
      "aws:s3/bucket:Bucket",
      "logging.targetBucket",
      (b) => ({ bucket: "app-data", logging: { targetBucket: b } }),
    ],
    [
      "aws:s3/bucketV2:BucketV2",
      "loggings[0].targetBucket",
      (b) => ({ bucket: "app-data", loggings: [{ targetBucket: b }] }),
    ],
    [
      "aws:networkfirewall/loggingConfiguration:LoggingConfiguration",
      "loggingConfiguration.logDestinationConfigs[1].logDestination.bucketName",
      (b) => ({
        firewallArn: "arn:aws:network-firewall:us-east-1:123456789012:firewall/phi",
        loggingConfiguration: {
          logDestinationConfigs: [
            { logDestinationType: "CloudWatchLogs", logType: "FLOW", logDestination: { logGroup: "fw" } },
            { logDestinationType: "S3", logType: "ALERT", logDestination: { bucketName: b, prefix: "fw" } },
          ],
        },
      }),
    ],
    [
      "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
      "logDestinationConfigs[0]",
      (b) => ({
        resourceArn: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/phi/1",
        logDestinationConfigs: [`arn:aws:s3:::${b}`],
      }),
    ],
    [
      "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination",
      "deliveryDestinationConfiguration.destinationResourceArn",
      (b) => ({
        name: "cf-logs",
        deliveryDestinationConfiguration: { destinationResourceArn: `arn:aws:s3:::${b}` },
      }),
    ],
  ];

  it.each(sources)("%s (%s) delivers to a bucket that is judged", async (type, fieldPath, props) => {
    const source: StackResourceSpec = { type, name: "src", props: props("phi-logs") };
    expect((await runStack(policy, [...logBucket("phi-logs"), source])).diagnostics).toEqual([]);
    const weak = await runStack(policy, [...logBucket("phi-logs", { omit: ["versioning"] }), source]);
    expect(findings(weak)).toEqual(["audit-log bucket versioning is not Enabled"]);
    const elsewhere = await runStack(policy, [{ type, name: "src", props: props("not-here-logs") }]);
    expect(findings(elsewhere)).toEqual([
      `${fieldPath} names a bucket that is not in this stack, so its immutability cannot be verified; manage it here or list it in externalLogBuckets`,
    ]);
  });

  it("entries that deliver elsewhere are not audit-log deliveries to S3", async () => {
    const other = await runStack(policy, [
      {
        type: "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
        name: "waf",
        props: {
          logDestinationConfigs: ["arn:aws:firehose:us-east-1:123456789012:deliverystream/aws-waf-logs-phi"],
        },
      },
      {
        type: "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination",
        name: "cw",
        props: {
          deliveryDestinationConfiguration: {
            destinationResourceArn: "arn:aws:logs:us-east-1:123456789012:log-group:cf",
          },
        },
      },
      {
        type: "aws:networkfirewall/loggingConfiguration:LoggingConfiguration",
        name: "fw",
        props: {
          loggingConfiguration: {
            logDestinationConfigs: [
              { logDestinationType: "KinesisDataFirehose", logDestination: { deliveryStream: "fw" } },
            ],
          },
        },
      },
      { type: "aws:cloudfront/distribution:Distribution", name: "cdn", props: { enabled: true } },
    ]);
    expect(other.notApplicable).toEqual([
      "no audit-log deliveries to S3 and no bucket tagged as audit-log in this stack",
    ]);
  });

  it("a Network Firewall destination whose type is unknown is undecided, not a violation", async () => {
    const v = await runStack(policy, [
      {
        type: "aws:networkfirewall/loggingConfiguration:LoggingConfiguration",
        name: "fw",
        props: {
          loggingConfiguration: {
            logDestinationConfigs: [
              { logDestinationType: UNKNOWN_STRING, logDestination: { bucketName: "not-here-logs" } },
            ],
          },
        },
      },
    ]);
    expect(v.mandatory).toEqual([]);
    expect(v.advisory.map((d) => d.message.split("\n")[1])).toEqual([
      "loggingConfiguration.logDestinationConfigs[0].logDestinationType (whether loggingConfiguration.logDestinationConfigs[0].logDestination.bucketName is an S3 log bucket): it is not known at preview; this policy checks it again at `pulumi up`",
    ]);
  });
});

describe("phi-audit-log-bucket-immutable: log bucket encryption by log source", () => {
  const SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
  const SSE_V2 = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2";
  const sse = (byDefault: Record<string, unknown>, type = SSE): StackResourceSpec => ({
    type,
    name: "phi-logs-sse",
    props: { bucket: "phi-logs", rules: [{ applyServerSideEncryptionByDefault: byDefault }] },
  });
  const CMK = {
    sseAlgorithm: "aws:kms",
    kmsMasterKeyId: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
  };
  const lb = (type?: unknown): StackResourceSpec => ({
    type: "aws:lb/loadBalancer:LoadBalancer",
    name: "lb",
    props: {
      internal: true,
      ...(type === undefined ? {} : { loadBalancerType: type }),
      accessLogs: { enabled: true, bucket: "phi-logs" },
    },
  });
  const flowLog: StackResourceSpec = {
    type: "aws:ec2/flowLog:FlowLog",
    name: "flow",
    props: {
      vpcId: "vpc-1",
      trafficType: "ALL",
      logDestinationType: "s3",
      logDestination: "arn:aws:s3:::phi-logs",
    },
  };
  const findings = (v: { mandatory: { message: string }[] }) =>
    v.mandatory.map((d) => d.message.split("\n")[1]);
  const ALB_ON_KMS =
    "audit-log bucket is encrypted with SSE-KMS with a customer managed key (phi-logs-sse.rules[0].applyServerSideEncryptionByDefault), which ALB access logs (lb.accessLogs.bucket) cannot be delivered to: AWS documents only SSE-S3 for them; set sseAlgorithm AES256, or send these logs to another bucket";

  it("SSE-S3, explicit or by S3's default, takes every source", async () => {
    expect((await runStack(policy, [...logBucket("phi-logs"), lb(), flowLog])).diagnostics).toEqual([]);
    expect(
      (await runStack(policy, [...logBucket("phi-logs"), sse({ sseAlgorithm: "AES256" }), lb()])).diagnostics,
    ).toEqual([]);
  });

  it.each([SSE, SSE_V2])("an ALB access-log bucket with SSE-KMS is blocked (%s)", async (type) => {
    const v = await runStack(policy, [...logBucket("phi-logs"), sse(CMK, type), lb("application")]);
    expect(findings(v)).toEqual([ALB_ON_KMS]);
    expect(v.mandatory[0].urn).toBe(urnOf("aws:s3/bucket:Bucket", "phi-logs"));
    expect(findings(await runStack(policy, [...logBucket("phi-logs"), sse(CMK, type), lb()]))).toEqual([
      ALB_ON_KMS,
    ]);
  });

  it("inline encryption on Bucket and BucketV2 is read when no separate resource exists", async () => {
    const inlineV1 = logBucket("phi-logs", {
      bucket: { serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: CMK } } },
    });
    expect(findings(await runStack(policy, [...inlineV1, lb()]))).toEqual([
      "audit-log bucket is encrypted with SSE-KMS with a customer managed key (serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault), which ALB access logs (lb.accessLogs.bucket) cannot be delivered to: AWS documents only SSE-S3 for them; set sseAlgorithm AES256, or send these logs to another bucket",
    ]);
    const inlineV2 = logBucket("phi-logs", {
      type: "aws:s3/bucketV2:BucketV2",
      v2subs: true,
      bucket: {
        serverSideEncryptionConfigurations: [
          { rules: [{ applyServerSideEncryptionByDefaults: [{ sseAlgorithm: "aws:kms:dsse" }] }] },
        ],
      },
    });
    expect(findings(await runStack(policy, [...inlineV2, lb()]))).toEqual([
      "audit-log bucket is encrypted with DSSE-KMS (serverSideEncryptionConfigurations[0].rules[0].applyServerSideEncryptionByDefaults[0]), which ALB access logs (lb.accessLogs.bucket) cannot be delivered to: AWS documents only SSE-S3 for them; set sseAlgorithm AES256, or send these logs to another bucket",
    ]);
    // A separate configuration resource replaces the inline one.
    expect(
      (await runStack(policy, [...inlineV1, sse({ sseAlgorithm: "AES256" }), lb()])).diagnostics,
    ).toEqual([]);
  });

  it("NLB access logs and flow logs take SSE-KMS with a customer managed key, not the AWS managed one", async () => {
    expect(
      (await runStack(policy, [...logBucket("phi-logs"), sse(CMK), lb("network"), flowLog])).diagnostics,
    ).toEqual([]);
    for (const managed of [
      { sseAlgorithm: "aws:kms" },
      { sseAlgorithm: "aws:kms", kmsMasterKeyId: "alias/aws/s3" },
    ])
      expect(
        findings(await runStack(policy, [...logBucket("phi-logs"), sse(managed), lb("network")])),
      ).toEqual([
        "audit-log bucket is encrypted with SSE-KMS with the AWS managed key aws/s3 (phi-logs-sse.rules[0].applyServerSideEncryptionByDefault), which NLB access logs (lb.accessLogs.bucket) cannot be delivered to: AWS documents only SSE-S3 or SSE-KMS with a customer managed key for them; set sseAlgorithm AES256 or aws:kms with a customer managed key (kmsMasterKeyId), or send these logs to another bucket",
      ]);
  });

  it("a bucket shared by ALB logs and flow logs is judged for each: only the ALB cannot write SSE-KMS", async () => {
    const v = await runStack(policy, [...logBucket("phi-logs"), sse(CMK), lb(), flowLog]);
    expect(findings(v)).toEqual([ALB_ON_KMS]);
  });

  it.each<[string, StackResourceSpec, string]>([
    [
      "S3 server access logs",
      {
        type: "aws:s3/bucketLogging:BucketLogging",
        name: "sal",
        props: { bucket: "app", targetBucket: "phi-logs" },
      },
      "S3 server access logs (sal.targetBucket)",
    ],
    [
      "classic ELB access logs",
      {
        type: "aws:elb/loadBalancer:LoadBalancer",
        name: "clb",
        props: { accessLogs: { bucket: "phi-logs" } },
      },
      "classic ELB access logs (clb.accessLogs.bucket)",
    ],
    [
      "ALB connection logs",
      {
        type: "aws:alb/loadBalancer:LoadBalancer",
        name: "alb2",
        props: { loadBalancerType: "network", connectionLogs: { enabled: true, bucket: "phi-logs" } },
      },
      "ALB connection logs (alb2.connectionLogs.bucket)",
    ],
  ])("%s can only be delivered to SSE-S3", async (_label, source, named) => {
    const v = await runStack(policy, [...logBucket("phi-logs"), sse(CMK), source]);
    expect(v.mandatory).toHaveLength(1);
    expect(v.mandatory[0].message).toContain(
      `, which ${named} cannot be delivered to: AWS documents only SSE-S3 for them;`,
    );
  });

  it("CloudTrail, CloudFront, Network Firewall, WAF and CloudWatch deliveries take a customer managed key", async () => {
    const specs: StackResourceSpec[] = [
      { type: "aws:cloudtrail/trail:Trail", name: "trail", props: { s3BucketName: "phi-logs" } },
      {
        type: "aws:cloudfront/distribution:Distribution",
        name: "cdn",
        props: { loggingConfig: { bucket: "phi-logs.s3.amazonaws.com" } },
      },
      {
        type: "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
        name: "waf",
        props: { logDestinationConfigs: ["arn:aws:s3:::phi-logs"] },
      },
    ];
    expect((await runStack(policy, [...logBucket("phi-logs"), sse(CMK), ...specs])).diagnostics).toEqual([]);
  });

  it("unknown at preview: the algorithm, the key, or the load balancer's type", async () => {
    const advisory = (v: { advisory: { message: string }[] }) =>
      v.advisory.map((d) => d.message.split("\n")[1]);
    const algUnknown = await runStack(policy, [
      ...logBucket("phi-logs"),
      sse({ sseAlgorithm: UNKNOWN_STRING }),
      lb(),
    ]);
    expect(algUnknown.mandatory).toEqual([]);
    expect(advisory(algUnknown)).toEqual([
      "phi-logs-sse.rules[0].applyServerSideEncryptionByDefault (whether every log source can deliver to this bucket's encryption): it is not known at preview; this policy checks it again at `pulumi up`",
    ]);
    // aws:kms with an unknown key: an ALB can write neither kind (decidable); an NLB may (undecided).
    const keyUnknown = { sseAlgorithm: "aws:kms", kmsMasterKeyId: UNKNOWN_STRING };
    expect(findings(await runStack(policy, [...logBucket("phi-logs"), sse(keyUnknown), lb()]))).toEqual([
      "audit-log bucket is encrypted with SSE-KMS with a customer managed key or SSE-KMS with the AWS managed key aws/s3 (phi-logs-sse.rules[0].applyServerSideEncryptionByDefault), which ALB access logs (lb.accessLogs.bucket) cannot be delivered to: AWS documents only SSE-S3 for them; set sseAlgorithm AES256, or send these logs to another bucket",
    ]);
    expect(
      (await runStack(policy, [...logBucket("phi-logs"), sse(keyUnknown), lb("network")])).advisory,
    ).toHaveLength(1);
    // The load balancer's type unknown: SSE-S3 suits both, SSE-KMS only an NLB.
    expect((await runStack(policy, [...logBucket("phi-logs"), lb(UNKNOWN_STRING)])).diagnostics).toEqual([]);
    const typeUnknown = await runStack(policy, [...logBucket("phi-logs"), sse(CMK), lb(UNKNOWN_STRING)]);
    expect(typeUnknown.mandatory).toEqual([]);
    expect(advisory(typeUnknown)).toEqual([
      "lb.loadBalancerType (whether every log source can deliver to this bucket's encryption): it is not known at preview; this policy checks it again at `pulumi up`",
    ]);
    // DSSE-KMS suits neither type: decidable.
    expect(
      (
        await runStack(policy, [
          ...logBucket("phi-logs"),
          sse({ sseAlgorithm: "aws:kms:dsse" }),
          lb(UNKNOWN_STRING),
        ])
      ).mandatory,
    ).toHaveLength(1);
  });

  it("an sseAlgorithm AWS does not document fails closed", async () => {
    expect(
      findings(await runStack(policy, [...logBucket("phi-logs"), sse({ sseAlgorithm: "AES-256" }), lb()])),
    ).toEqual([
      "audit-log bucket has an sseAlgorithm AWS does not document (phi-logs-sse.rules[0].applyServerSideEncryptionByDefault), which ALB access logs (lb.accessLogs.bucket) cannot be delivered to: AWS documents only SSE-S3 for them; set sseAlgorithm AES256, or send these logs to another bucket",
    ]);
  });
});

describe("phi-audit-log-bucket-immutable: Object Lock retention decided from the known fields", () => {
  /** The compliant bucket with its lock sub-resource's defaultRetention replaced. */
  const withRetention = (defaultRetention: Record<string, unknown>): StackResourceSpec[] => [
    ...logBucket("phi-logs", { omit: ["lock"] }),
    {
      type: LOCK[0],
      name: "phi-logs-lock",
      props: { bucket: "phi-logs", rule: { defaultRetention } },
    },
    alb("phi-logs"),
  ];
  const findings = (v: Awaited<ReturnType<typeof runStack>>) =>
    v.diagnostics.map((d) => `${d.enforcementLevel}: ${d.message.split("\n")[1]}`);
  const BLOCKED =
    "mandatory: audit-log bucket phi-logs-lock.rule.defaultRetention is not COMPLIANCE mode for at least 2190 days (GOVERNANCE can be bypassed)";
  const atUp = (field: string) =>
    `advisory: phi-logs-lock.rule.defaultRetention.${field} (audit-log bucket requirement): it is not known at preview; this policy checks it again at \`pulumi up\``;

  it.each<[string, Record<string, unknown>, string[]]>([
    [
      "GOVERNANCE with unknown days fails whatever the days",
      { mode: "GOVERNANCE", days: UNKNOWN_STRING },
      [BLOCKED],
    ],
    [
      "GOVERNANCE with unknown years fails whatever the years",
      { mode: "GOVERNANCE", years: UNKNOWN_STRING },
      [BLOCKED],
    ],
    ["30 days fail whatever the mode", { mode: UNKNOWN_STRING, days: 30 }, [BLOCKED]],
    ["no days and no years fail whatever the mode", { mode: UNKNOWN_STRING }, [BLOCKED]],
    ["enough days with an unknown mode are undecided", { mode: UNKNOWN_STRING, days: 2190 }, [atUp("mode")]],
    [
      "COMPLIANCE with unknown days is undecided",
      { mode: "COMPLIANCE", days: UNKNOWN_STRING },
      [atUp("days")],
    ],
    [
      "unknown days beside enough years are undecided (days, when set, decide)",
      { mode: "COMPLIANCE", days: UNKNOWN_STRING, years: 6 },
      [atUp("days")],
    ],
    ["enough days decide whatever the years", { mode: "COMPLIANCE", days: 2190, years: UNKNOWN_STRING }, []],
    [
      "mode and days both unknown are undecided",
      { mode: UNKNOWN_STRING, days: UNKNOWN_STRING },
      [atUp("mode and phi-logs-lock.rule.defaultRetention.days")],
    ],
  ])("%s", async (_label, defaultRetention, expected) => {
    expect(findings(await runStack(policy, withRetention(defaultRetention)))).toEqual(expected);
  });

  it("GOVERNANCE with unknown days is blocked inline in objectLockConfiguration too", async () => {
    const specs = [
      ...logBucket("phi-logs", {
        omit: ["lock"],
        bucket: {
          objectLockConfiguration: {
            objectLockEnabled: "Enabled",
            rule: { defaultRetention: { mode: "GOVERNANCE", days: UNKNOWN_STRING } },
          },
        },
      }),
      alb("phi-logs"),
    ];
    expect(findings(await runStack(policy, specs))).toEqual([
      "mandatory: audit-log bucket objectLockConfiguration.rule.defaultRetention is not COMPLIANCE mode for at least 2190 days (GOVERNANCE can be bypassed)",
    ]);
  });

  it.each<[unknown, unknown, string[]]>([
    ["2190", undefined, []],
    ["2191", undefined, []],
    ["2189", undefined, [BLOCKED]],
    [undefined, "6", []],
    [undefined, "5", [BLOCKED]],
    ["02190", undefined, [BLOCKED]],
    ["2190.0", undefined, [BLOCKED]],
    [" 2190", undefined, [BLOCKED]],
    ["six years", undefined, [BLOCKED]],
  ])("days %p, years %p: decimal text is read as the provider reads it", async (days, years, expected) => {
    const v = await runStack(policy, withRetention({ mode: "COMPLIANCE", days, years }));
    expect(findings(v)).toEqual(expected);
  });
});
