import {
  arnInEveryPartition,
  coversEverythingUnder,
  deniesInsecureTransport,
  grantsToEveryone,
  parsePolicyDocument,
  wildcardMatch,
  type TlsDenyTarget,
} from "./iam-policy";

const UNKNOWN = "<unknown>";
const isUnknown = (v: unknown) => v === UNKNOWN;

const BUCKET = "arn:aws:s3:::phi-logs";
const S3: TlsDenyTarget = {
  service: "s3",
  resources: [
    { kind: "arn", candidates: [BUCKET], label: "the bucket" },
    { kind: "under", candidates: [`${BUCKET}/`], label: "its objects" },
  ],
};
const QUEUE = "arn:aws:sqs:us-east-1:123456789012:claims";
const SQS: TlsDenyTarget = {
  service: "sqs",
  resources: [{ kind: "arn", candidates: [QUEUE], label: "the queue" }],
};

/** The valid TLS-only deny for the bucket; each case changes one field of it. */
const DENY = {
  Sid: "DenyInsecureTransport",
  Effect: "Deny",
  Principal: "*",
  Action: "s3:*",
  Resource: [BUCKET, `${BUCKET}/*`],
  Condition: { Bool: { "aws:SecureTransport": "false" } },
};

const doc = (...statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const denies = (policy: unknown, target: TlsDenyTarget = S3) =>
  deniesInsecureTransport(parsePolicyDocument(policy, isUnknown), target);

describe("wildcards", () => {
  it.each([
    ["s3:*", "s3:GetObject", true],
    ["*", "anything", true],
    ["s3:Get*", "s3:GetObject", true],
    ["s3:Get*", "s3:PutObject", false],
    ["arn:aws:s3:::b?", "arn:aws:s3:::b1", true],
    ["arn:aws:s3:::b?", "arn:aws:s3:::b", false],
    ["a*b*c", "axxbyyc", true],
    ["a*b*c", "axxbyy", false],
  ])("%s matches %s: %s", (p, t, expected) => expect(wildcardMatch(p, t)).toBe(expected));

  it.each([
    ["s3:*", "s3:", true],
    ["*", "s3:", true],
    ["s3:Put*", "s3:", false],
    [`${BUCKET}/*`, `${BUCKET}/`, true],
    [`${BUCKET}*`, `${BUCKET}/`, true],
    [`${BUCKET}/logs/*`, `${BUCKET}/`, false],
    [`${BUCKET}/`, `${BUCKET}/`, false],
  ])("%s covers everything under %s: %s", (p, prefix, expected) =>
    expect(coversEverythingUnder(p, prefix)).toBe(expected),
  );
});

describe("parsePolicyDocument", () => {
  it("reads a JSON string or an object, Statement as one object or a list", () => {
    for (const policy of [
      doc(DENY),
      { Statement: DENY },
      { Statement: [DENY] },
      JSON.stringify({ Statement: DENY }),
    ]) {
      const parsed = parsePolicyDocument(policy);
      expect(parsed.kind).toBe("document");
      expect(parsed.kind === "document" && parsed.statements.map((s) => s.effect)).toEqual(["Deny"]);
    }
  });

  it("text that is not a JSON object is invalid, never a throw; an unknown document or Statement is unknown", () => {
    expect(parsePolicyDocument("{not json")).toEqual({ kind: "invalid", reason: "is not valid JSON" });
    expect(parsePolicyDocument("[1]")).toEqual({ kind: "invalid", reason: "is not a JSON object" });
    expect(parsePolicyDocument(42)).toEqual({ kind: "invalid", reason: "is not a JSON object" });
    expect(parsePolicyDocument(UNKNOWN, isUnknown)).toEqual({ kind: "unknown" });
    expect(parsePolicyDocument({ Statement: UNKNOWN }, isUnknown)).toEqual({ kind: "unknown" });
    expect(parsePolicyDocument({})).toEqual({ kind: "document", statements: [] });
  });

  it("principals: '*', {AWS: '*'} and '*' among AWS ids are everyone; Service, roles and NotPrincipal are not", () => {
    const principal = (p: unknown) => {
      const d = parsePolicyDocument({ Statement: { Effect: "Deny", Principal: p } }, isUnknown);
      return d.kind === "document" ? d.statements[0].principal : undefined;
    };
    expect(principal("*")).toEqual({ everyone: true, unknown: false });
    expect(principal({ AWS: "*" })).toEqual({ everyone: true, unknown: false });
    expect(principal({ AWS: ["arn:aws:iam::123456789012:root", "*"] })).toEqual({
      everyone: true,
      unknown: false,
    });
    expect(principal({ AWS: "arn:aws:iam::123456789012:role/app" })).toEqual({
      everyone: false,
      unknown: false,
    });
    expect(principal({ Service: "*" })).toEqual({ everyone: false, unknown: false });
    expect(principal({ AWS: [UNKNOWN] })).toEqual({ everyone: false, unknown: true });
  });
});

describe("deniesInsecureTransport", () => {
  it("the valid deny covers the bucket and its objects, as a string or an object", () => {
    expect(denies(doc(DENY))).toEqual({ denies: true, reasons: [] });
    expect(denies({ Statement: DENY })).toEqual({ denies: true, reasons: [] });
  });

  it.each<[string, Record<string, unknown>]>([
    ["Action: *", { Action: "*" }],
    ["Action list with s3:*", { Action: ["s3:GetObject", "s3:*"] }],
    ["Action in another case", { Action: "S3:*" }],
    ["Principal {AWS: '*'}", { Principal: { AWS: "*" } }],
    ["Resource: *", { Resource: "*" }],
    ["Resource bucket* (covers both)", { Resource: `${BUCKET}*` }],
    ["Condition BoolIfExists", { Condition: { BoolIfExists: { "aws:SecureTransport": "false" } } }],
    ["Condition value false (boolean)", { Condition: { Bool: { "aws:SecureTransport": false } } }],
    ["Condition value list", { Condition: { Bool: { "aws:SecureTransport": ["false"] } } }],
    ["Condition key in another case", { Condition: { Bool: { "aws:securetransport": "false" } } }],
    ["no Condition (denies everything)", { Condition: undefined }],
  ])("still denies with %s", (_l, change) => {
    expect(denies(doc({ ...DENY, ...change })).denies).toBe(true);
  });

  // The cases issue 13 names, and the other ways a deny leaves requests without TLS through.
  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      "the deny covers only s3:PutObject",
      { Action: "s3:PutObject" },
      /^Statement\[0\] does not cover every action/,
    ],
    ["NotAction", { Action: undefined, NotAction: "s3:GetObject" }, /NotAction never does/],
    [
      "a second condition aws:SourceVpce",
      {
        Condition: {
          Bool: { "aws:SecureTransport": "false" },
          StringNotEquals: { "aws:SourceVpce": "vpce-1" },
        },
      },
      /has a condition besides aws:SecureTransport/,
    ],
    [
      "a second key in the same operator",
      { Condition: { Bool: { "aws:SecureTransport": "false", "aws:ViaAWSService": "false" } } },
      /has a condition besides/,
    ],
    [
      "only the bucket ARN, not bucket/*",
      { Resource: BUCKET },
      /^Statement\[0\] does not cover its objects$/,
    ],
    [
      "only the objects, not the bucket",
      { Resource: `${BUCKET}/*` },
      /^Statement\[0\] does not cover the bucket$/,
    ],
    ["a prefix of the objects", { Resource: [BUCKET, `${BUCKET}/AWSLogs/*`] }, /does not cover its objects/],
    [
      "another bucket",
      { Resource: ["arn:aws:s3:::other", "arn:aws:s3:::other/*"] },
      /does not cover the bucket/,
    ],
    [
      "a single role as Principal",
      { Principal: { AWS: "arn:aws:iam::123456789012:role/app" } },
      /does not apply to everyone/,
    ],
    [
      "NotPrincipal",
      { Principal: undefined, NotPrincipal: { AWS: "arn:aws:iam::1:root" } },
      /NotPrincipal never/,
    ],
    ["Effect Allow", { Effect: "Allow" }, /^no Deny statement has the condition/],
    ["Effect spelt deny", { Effect: "deny" }, /^no Deny statement/],
    [
      "aws:SecureTransport true",
      { Condition: { Bool: { "aws:SecureTransport": "true" } } },
      /has a condition besides/,
    ],
    [
      "aws:SecureTransport under StringEquals",
      { Condition: { StringEquals: { "aws:SecureTransport": "false" } } },
      /has a condition besides/,
    ],
    ["no Resource", { Resource: undefined }, /does not cover the bucket; does not cover its objects/],
  ])("does not deny when %s", (_l, change, reason) => {
    const v = denies(doc({ ...DENY, ...change }));
    expect(v.denies).toBe(false);
    expect(v.reasons).toEqual([expect.stringMatching(reason)]);
  });

  it("statements add up per resource: one for the bucket, one for its objects", () => {
    expect(denies(doc({ ...DENY, Resource: BUCKET }, { ...DENY, Resource: `${BUCKET}/*` })).denies).toBe(
      true,
    );
  });

  it("NotResource: covers what it does not name; a name that may match an object does not cover them", () => {
    const with_ = (notResource: unknown) =>
      denies(doc({ ...DENY, Resource: undefined, NotResource: notResource }));
    expect(with_("arn:aws:s3:::other-bucket/*").denies).toBe(true);
    expect(with_(`${BUCKET}/public/*`).denies).toBe(false);
    expect(with_(BUCKET).reasons).toEqual(["Statement[0] does not cover the bucket"]);
    expect(with_(["arn:aws:s3:::*"]).denies).toBe(false);
  });

  it("an invalid document denies nothing; no statements denies nothing", () => {
    expect(denies("{not json")).toEqual({ denies: false, reasons: ["the policy is not valid JSON"] });
    expect(denies(doc())).toEqual({
      denies: false,
      reasons: ['no Deny statement has the condition aws:SecureTransport = "false"'],
    });
  });

  it("unknown values decide only when nothing known settles it", () => {
    expect(denies(UNKNOWN).denies).toBe("unknown");
    expect(denies({ Statement: [UNKNOWN] }).denies).toBe("unknown");
    expect(denies({ Statement: [{ ...DENY, Action: UNKNOWN }] }).denies).toBe("unknown");
    expect(denies({ Statement: [{ ...DENY, Resource: [BUCKET, UNKNOWN] }] }).denies).toBe("unknown");
    expect(denies({ Statement: [{ ...DENY, Principal: UNKNOWN }] }).denies).toBe("unknown");
    expect(
      denies({ Statement: [{ ...DENY, Condition: { Bool: { "aws:SecureTransport": UNKNOWN } } }] }).denies,
    ).toBe("unknown");
    // Known fields settle it although another is unknown: the action list is known and too narrow.
    expect(denies({ Statement: [{ ...DENY, Action: "s3:PutObject", Resource: UNKNOWN }] }).denies).toBe(
      false,
    );
    // An unknown statement beside a complete deny does not matter.
    expect(denies({ Statement: [UNKNOWN, DENY] }).denies).toBe(true);
  });

  it("a target ARN known only by name: every partition must be covered", () => {
    const byName: TlsDenyTarget = {
      service: "s3",
      resources: [{ kind: "arn", candidates: arnInEveryPartition("s3:::phi-logs"), label: "the bucket" }],
    };
    expect(arnInEveryPartition("s3:::b")).toContain("arn:aws-us-gov:s3:::b");
    expect(denies(doc({ ...DENY, Resource: "arn:*:s3:::phi-logs" }), byName).denies).toBe(true);
    expect(denies(doc({ ...DENY, Resource: BUCKET }), byName).denies).toBe("unknown");
    expect(denies(doc({ ...DENY, Resource: "arn:aws:s3:::other" }), byName).denies).toBe(false);
    const unknownArn: TlsDenyTarget = {
      service: "s3",
      resources: [{ kind: "unknown", label: "the bucket" }],
    };
    expect(denies(doc({ ...DENY, Resource: "*" }), unknownArn).denies).toBe(true);
    expect(denies(doc({ ...DENY, Resource: BUCKET }), unknownArn).denies).toBe("unknown");
  });

  it("SQS: sqs:* or * on the queue ARN; s3:* does not cover SQS actions", () => {
    const q = { ...DENY, Action: "sqs:*", Resource: QUEUE };
    expect(denies(doc(q), SQS).denies).toBe(true);
    expect(denies(doc({ ...q, Action: "*" }), SQS).denies).toBe(true);
    expect(denies(doc({ ...q, Action: "s3:*" }), SQS).reasons).toEqual([
      expect.stringMatching(/Action must be "sqs:\*" or "\*"/),
    ]);
    expect(denies(doc({ ...q, Action: "sqs:SendMessage" }), SQS).denies).toBe(false);
  });
});

describe("grantsToEveryone", () => {
  const ALLOW = { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `${BUCKET}/*` };
  const grants = (...statements: unknown[]) =>
    grantsToEveryone(parsePolicyDocument({ Statement: statements }, isUnknown));

  it.each<[string, Record<string, unknown>]>([
    ["Principal *", {}],
    ["Principal {AWS: *}", { Principal: { AWS: "*" } }],
    ["NotPrincipal", { Principal: undefined, NotPrincipal: { AWS: "arn:aws:iam::1:root" } }],
    ["Effect spelt allow", { Effect: "allow" }],
    ["aws:SourceIp only", { Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } } }],
    [
      "SourceAccount with IfExists",
      { Condition: { StringEqualsIfExists: { "aws:SourceAccount": "123456789012" } } },
    ],
    ["SourceArn with a wildcard", { Condition: { ArnLike: { "aws:SourceArn": "arn:aws:logs:*" } } }],
    ["a negated operator", { Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-abc" } } }],
  ])("%s: grants to everyone", (_l, change) => {
    expect(grants({ ...ALLOW, ...change })).toEqual({ grants: true, statements: [0] });
  });

  it.each<[string, Record<string, unknown>]>([
    ["a service principal", { Principal: { Service: "delivery.logs.amazonaws.com" } }],
    ["an account principal", { Principal: { AWS: "arn:aws:iam::123456789012:root" } }],
    ["a Deny", { Effect: "Deny" }],
    ["a fixed aws:SourceAccount", { Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } }],
    ["a fixed aws:PrincipalOrgID", { Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } } }],
    [
      "a fixed AWS:SourceOwner (SNS default policy spelling)",
      { Condition: { StringEquals: { "AWS:SourceOwner": "1" } } },
    ],
    ["a fixed aws:SourceVpce", { Condition: { StringEquals: { "aws:SourceVpce": ["vpce-1", "vpce-2"] } } }],
  ])("%s: does not grant to everyone", (_l, change) => {
    expect(grants({ ...ALLOW, ...change })).toEqual({ grants: false, statements: [] });
  });

  it("unknown principal or restricting values are undecided; a known grant elsewhere decides", () => {
    expect(grants({ ...ALLOW, Principal: UNKNOWN })).toEqual({ grants: "unknown", statements: [0] });
    expect(grants({ ...ALLOW, Condition: { StringEquals: { "aws:SourceAccount": UNKNOWN } } })).toEqual({
      grants: "unknown",
      statements: [0],
    });
    expect(grants(UNKNOWN, ALLOW)).toEqual({ grants: true, statements: [1] });
    expect(grantsToEveryone(parsePolicyDocument(UNKNOWN, isUnknown)).grants).toBe("unknown");
  });
});
