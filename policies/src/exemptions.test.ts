import Ajv from "ajv";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { configSchemas, policies } from "./policies";
import {
  exemptionFor,
  exemptionsSchema,
  matcherOf,
  matches,
  nameFromUrn,
  readExemptions,
  setExemptionClockForTesting,
  withExemptions,
} from "./exemptions";
import { type Exemption, formatExempted, isCalendarDate, parseExemptionNote } from "./exemptions-format";
import { runResource, runStack, urnOf, type StackResourceSpec } from "./testing/harness";
import { ALL_POLICY_NAMES } from "../../test/support/policy-names";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const SSH = { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/16"] }] };
const TODAY = "2026-06-15";

const byName = (name: string) => policies.find((p) => p.name === name)!;
const ingress = byName("phi-ingress-allowlisted-ports") as ResourceValidationPolicy & StackValidationPolicy;
const auditBuckets = byName("phi-audit-log-bucket-immutable") as StackValidationPolicy;

const exemption = (over: Partial<Exemption> = {}): Exemption => ({
  resource: "legacy-sftp",
  reason: "vendor SFTP endpoint until migration to the HTTPS API",
  ticket: "SEC-123",
  expires: "2026-09-30",
  approvedBy: "jane.doe@example.com",
  ...over,
});

beforeAll(() => setExemptionClockForTesting(() => new Date(`${TODAY}T23:59:59Z`)));
afterAll(() => setExemptionClockForTesting(undefined));

/** The unexempted finding text (after the description line) for the SSH security group. */
async function originalSshFinding(): Promise<string> {
  const v = await runResource(ingress, SG, SSH, {}, "legacy-sftp");
  expect(v.mandatory).toHaveLength(1);
  return v.mandatory[0].message.slice(ingress.description!.length + 1);
}

describe("exemption format", () => {
  it("round-trips through parseExemptionNote, also after the description line", () => {
    const e = exemption({ reason: "needs (temporary) access, see runbook: step 3" });
    for (const status of ["active", "expired"] as const) {
      const text = `Some description.\n${formatExempted(e, status, "tcp/22 is open (x) — y")}`;
      expect(parseExemptionNote(text)).toEqual({
        status,
        expires: e.expires,
        reason: e.reason,
        ticket: e.ticket,
        approvedBy: e.approvedBy,
        original: "tcp/22 is open (x) — y",
      });
    }
    expect(parseExemptionNote("Some description.\ntcp/22 is open")).toBeUndefined();
  });

  it("accepts real calendar dates only", () => {
    expect(isCalendarDate("2028-02-29")).toBe(true);
    expect(isCalendarDate("2026-02-29")).toBe(false);
    expect(isCalendarDate("2026-02-30")).toBe(false);
    expect(isCalendarDate("2026-13-01")).toBe(false);
    expect(isCalendarDate("26-01-01")).toBe(false);
  });
});

describe("matching", () => {
  const urn = urnOf(SG, "legacy-sftp");
  it("matches a name exactly", () => {
    const m = matcherOf("legacy-sftp");
    expect(m.kind).toBe("name");
    expect(matches(m, urn, "legacy-sftp")).toBe(true);
    expect(matches(m, urnOf(SG, "legacy-sftp-2"), "legacy-sftp-2")).toBe(false);
  });

  it("matches URN patterns with * wildcards and nothing else", () => {
    const any = matcherOf("urn:pulumi:*::phi::aws:ec2/securityGroup:SecurityGroup::legacy-*");
    expect(any.kind).toBe("urn");
    expect(matches(any, urn, "legacy-sftp")).toBe(true);
    expect(matches(any, urnOf(SG, "web"), "web")).toBe(false);
    expect(matches(any, urnOf("aws:ec2/vpc:Vpc", "legacy-sftp"), "legacy-sftp")).toBe(false);
    // Regex characters in the pattern are literal.
    const dots = matcherOf("urn:pulumi:test::phi::aws:ec2/securityGroup:SecurityGroup::a.b");
    expect(matches(dots, urnOf(SG, "a.b"), "a.b")).toBe(true);
    expect(matches(dots, urnOf(SG, "axb"), "axb")).toBe(false);
    // Parent chains in the type part.
    const child = matcherOf("urn:pulumi:test::phi::*$aws:ec2/securityGroup:SecurityGroup::sg");
    const childUrn =
      "urn:pulumi:test::phi::phi:network:PrivateNetwork$aws:ec2/securityGroup:SecurityGroup::sg";
    expect(matches(child, childUrn, "sg")).toBe(true);
    expect(nameFromUrn(childUrn)).toBe("sg");
  });

  it.each([
    "*",
    "**",
    "urn:pulumi:*",
    "urn:pulumi:*::*::*::*",
    "urn:pulumi:prod::phi::aws:ec2/securityGroup:SecurityGroup::*",
  ])("%s is too broad", (resource) => expect(matcherOf(resource).kind).toBe("broad"));

  it.each(["legacy-*", "urn:pulumi:prod::phi", "urn:pulumi:prod::::type::name", "has space"])(
    "%s is malformed",
    (resource) => expect(matcherOf(resource).kind).toBe("malformed"),
  );
});

describe("exemptions on a resource policy (phi-ingress-allowlisted-ports)", () => {
  it("an exemption in effect reports the violation as advisory with reason, ticket, approver and date", async () => {
    const original = await originalSshFinding();
    expect(original).toMatch(/^ingress\[0\] opens tcp\/22, which is outside the allowlist/);
    const v = await runResource(ingress, SG, SSH, { exemptions: [exemption()] }, "legacy-sftp");
    expect(v.mandatory).toEqual([]);
    expect(v.advisory).toEqual([
      {
        policyName: "phi-ingress-allowlisted-ports",
        enforcementLevel: "advisory",
        urn: undefined,
        message:
          `${ingress.description}\nexempted until 2026-09-30: vendor SFTP endpoint until migration to the HTTPS API ` +
          `(SEC-123, approved by jane.doe@example.com) — ${original}`,
      },
    ]);
  });

  it("is in effect through its expiry day, and mandatory again the day after", async () => {
    const onTheDay = await runResource(
      ingress,
      SG,
      SSH,
      { exemptions: [exemption({ expires: TODAY })] },
      "legacy-sftp",
    );
    expect(onTheDay.advisory).toHaveLength(1);
    const original = await originalSshFinding();
    const v = await runResource(
      ingress,
      SG,
      SSH,
      { exemptions: [exemption({ expires: "2026-06-14" })] },
      "legacy-sftp",
    );
    expect(v.advisory).toEqual([]);
    expect(v.mandatory).toHaveLength(1);
    expect(v.mandatory[0].message).toBe(
      `${ingress.description}\nexemption expired on 2026-06-14: vendor SFTP endpoint until migration to the HTTPS API ` +
        `(SEC-123, approved by jane.doe@example.com) — ${original}`,
    );
    expect(parseExemptionNote(v.mandatory[0].message)).toMatchObject({
      status: "expired",
      ticket: "SEC-123",
    });
  });

  it("an active exemption wins over an expired one for the same resource", async () => {
    const v = await runResource(
      ingress,
      SG,
      SSH,
      { exemptions: [exemption({ expires: "2026-01-01", ticket: "SEC-1" }), exemption({ ticket: "SEC-2" })] },
      "legacy-sftp",
    );
    expect(v.mandatory).toEqual([]);
    expect(parseExemptionNote(v.advisory[0].message)).toMatchObject({ status: "active", ticket: "SEC-2" });
  });

  it("exempts only the resource it names, by name or URN pattern", async () => {
    const other = await runResource(ingress, SG, SSH, { exemptions: [exemption()] }, "web");
    expect(other.mandatory).toHaveLength(1);
    expect(parseExemptionNote(other.mandatory[0].message)).toBeUndefined();
    const byUrn = await runResource(
      ingress,
      SG,
      SSH,
      {
        exemptions: [
          exemption({ resource: "urn:pulumi:*::phi::aws:ec2/securityGroup:SecurityGroup::legacy-*" }),
        ],
      },
      "legacy-sftp",
    );
    expect(byUrn.mandatory).toEqual([]);
    expect(byUrn.advisory).toHaveLength(1);
  });

  it.each<[string, Partial<Exemption>]>([
    ["an impossible date", { expires: "2026-02-30" }],
    ["a malformed URN pattern", { resource: "urn:pulumi:test::phi" }],
    ["a wildcard name", { resource: "legacy-*" }],
    ["a broad pattern", { resource: "urn:pulumi:*" }],
  ])("%s exempts nothing and is a mandatory violation at stack level", async (_l, over) => {
    const v = await runResource(ingress, SG, SSH, { exemptions: [exemption(over)] }, "legacy-sftp");
    expect(v.mandatory).toHaveLength(1);
    expect(parseExemptionNote(v.mandatory[0].message)).toBeUndefined();
    const s = await runStack(ingress, [{ type: SG, name: "legacy-sftp", props: SSH }], {
      exemptions: [exemption(over)],
    });
    expect(s.mandatory).toHaveLength(1);
    expect(s.mandatory[0].message).toMatch(
      /^.*\nexemptions\[0\] \(SEC-123\) is invalid and exempts nothing: /,
    );
    expect(s.mandatory[0].urn).toBeUndefined();
  });

  it("a broad exemption works only with allowBroadExemptions", async () => {
    const config = { exemptions: [exemption({ resource: "*" })], allowBroadExemptions: true };
    const v = await runResource(ingress, SG, SSH, config, "anything");
    expect(v.mandatory).toEqual([]);
    expect(v.advisory).toHaveLength(1);
    const s = await runStack(ingress, [{ type: SG, name: "anything", props: SSH }], config);
    expect(s.diagnostics).toEqual([]);
    const denied = await runStack(ingress, [{ type: SG, name: "anything", props: SSH }], {
      exemptions: [exemption({ resource: "*" })],
    });
    expect(denied.mandatory[0].message).toMatch(/matches every resource.*allowBroadExemptions/);
  });

  it("an exemption that matches no resource in the stack is a mandatory violation", async () => {
    const s = await runStack(ingress, [{ type: SG, name: "web", props: SSH }], { exemptions: [exemption()] });
    expect(s.mandatory).toHaveLength(1);
    expect(s.mandatory[0].message).toMatch(
      /exemptions\[0\] \(SEC-123\) for resource "legacy-sftp" matches no resource/,
    );
    const ok = await runStack(ingress, [{ type: SG, name: "legacy-sftp", props: SSH }], {
      exemptions: [exemption()],
    });
    expect(ok.diagnostics).toEqual([]);
  });

  it("an expired exemption gets an advisory reminder at stack level", async () => {
    const s = await runStack(ingress, [{ type: SG, name: "legacy-sftp", props: SSH }], {
      exemptions: [exemption({ expires: "2026-01-31" })],
    });
    expect(s.mandatory).toEqual([]);
    expect(s.advisory).toHaveLength(1);
    expect(s.advisory[0].message).toMatch(/exemptions\[0\] \(SEC-123\) expired on 2026-01-31/);
  });

  it("refuses an exemption expiring more than maxExemptionDays (default 365) ahead", async () => {
    // 2026-06-15 + 365 days = 2027-06-15: the last day allowed by default.
    const atLimit = await runResource(
      ingress,
      SG,
      SSH,
      { exemptions: [exemption({ expires: "2027-06-15" })] },
      "legacy-sftp",
    );
    expect(atLimit.mandatory).toEqual([]);
    const tooFar = { exemptions: [exemption({ expires: "2027-06-16" })] };
    const r = await runResource(ingress, SG, SSH, tooFar, "legacy-sftp");
    expect(r.mandatory).toHaveLength(1);
    expect(r.advisory).toEqual([]);
    const s = await runStack(ingress, [{ type: SG, name: "legacy-sftp", props: SSH }], tooFar);
    expect(s.mandatory.map((d) => d.message.split("\n")[1])).toEqual([
      'exemptions[0] (SEC-123) is invalid and exempts nothing: expires "2027-06-16" is 366 days after 2026-06-15, more than maxExemptionDays (365); choose an expiry at most 365 days ahead and renew it with a new approval, or raise maxExemptionDays in this policy\'s config',
    ]);
    // A policy may allow a longer horizon (or require a shorter one).
    const longer = { ...tooFar, maxExemptionDays: 400 };
    expect((await runResource(ingress, SG, SSH, longer, "legacy-sftp")).mandatory).toEqual([]);
    const shorter = { exemptions: [exemption()], maxExemptionDays: 30 };
    expect((await runResource(ingress, SG, SSH, shorter, "legacy-sftp")).mandatory).toHaveLength(1);
  });

  it("no state leaks between configurations", async () => {
    expect(
      (await runResource(ingress, SG, SSH, { exemptions: [exemption()] }, "legacy-sftp")).mandatory,
    ).toEqual([]);
    expect((await runResource(ingress, SG, SSH, {}, "legacy-sftp")).mandatory).toHaveLength(1);
    expect((await runStack(ingress, [{ type: SG, name: "web", props: SSH }], {})).diagnostics).toEqual([]);
  });

  it("the wrapped policy's own config does not include the exemption options", async () => {
    const seen: unknown[] = [];
    const probe = withExemptions<ResourceValidationPolicy>({
      name: "probe",
      description: "probe",
      configSchema: { properties: { x: { type: "number", default: 1 } } },
      validateResource: (args) => void seen.push(args.getConfig()),
    });
    await runResource(
      probe,
      SG,
      {},
      { x: 2, exemptions: [exemption()], allowBroadExemptions: false, maxExemptionDays: 100 },
      "legacy-sftp",
    );
    expect(seen).toEqual([{ x: 2 }]);
  });
});

describe("exemptions on a stack policy (phi-audit-log-bucket-immutable)", () => {
  const specs: StackResourceSpec[] = [
    { type: "aws:s3/bucket:Bucket", name: "old-logs", props: { bucket: "old-logs", forceDestroy: true } },
    {
      type: "aws:lb/loadBalancer:LoadBalancer",
      name: "alb",
      props: { internal: true, accessLogs: { enabled: true, bucket: "old-logs" } },
    },
  ];
  it("lowers the findings on the exempted bucket to advisory and leaves the rest", async () => {
    const plain = await runStack(auditBuckets, specs);
    expect(plain.mandatory.length).toBeGreaterThan(1);
    const v = await runStack(auditBuckets, specs, {
      exemptions: [exemption({ resource: "urn:pulumi:test::phi::aws:s3/bucket:Bucket::old-logs" })],
    });
    expect(v.mandatory).toEqual([]);
    expect(v.advisory).toHaveLength(plain.mandatory.length);
    for (const d of v.advisory) {
      expect(d.urn).toBe(urnOf("aws:s3/bucket:Bucket", "old-logs"));
      expect(parseExemptionNote(d.message)).toMatchObject({ status: "active", ticket: "SEC-123" });
    }
    expect(v.text).toMatch(/forceDestroy is true/);
  });
});

describe("config schema", () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validate = (name: string, config: unknown) =>
    ajv.validate(
      { type: "object", properties: configSchemas[name].properties, additionalProperties: false },
      config,
    );

  it("every policy takes exemptions, allowBroadExemptions and maxExemptionDays", () => {
    expect(policies).toHaveLength(ALL_POLICY_NAMES.length);
    for (const p of policies) {
      expect(Object.keys(configSchemas[p.name].properties)).toEqual(
        expect.arrayContaining(["exemptions", "allowBroadExemptions", "maxExemptionDays"]),
      );
      expect(configSchemas[p.name].properties.maxExemptionDays).toMatchObject({
        type: "integer",
        default: 365,
      });
      expect(validate(p.name, { maxExemptionDays: 0 })).toBe(false);
      expect(typeof (p as StackValidationPolicy).validateStack).toBe("function");
      expect(validate(p.name, { exemptions: [exemption()] })).toBe(true);
    }
  });

  it.each(["resource", "reason", "ticket", "expires", "approvedBy"] as const)("rejects a missing %s", (f) => {
    const { [f]: _gone, ...rest } = exemption();
    expect(validate("phi-lb-internal", { exemptions: [rest] })).toBe(false);
    expect(ajv.errorsText()).toMatch(new RegExp(f));
  });

  it.each<[string, Partial<Exemption>]>([
    ["a short reason", { reason: "because" }],
    ["a multi-line reason", { reason: "first line is long\nsecond line" }],
    ["a ticket that is neither a key nor an https URL", { ticket: "see slack" }],
    ["an http ticket URL", { ticket: "http://tracker.example.com/SEC-1" }],
    ["a date in another format", { expires: "30/09/2026" }],
    ["an approver with a comma", { approvedBy: "Doe, Jane" }],
  ])("rejects %s", (_l, over) => {
    expect(validate("phi-lb-internal", { exemptions: [exemption(over)] })).toBe(false);
  });

  it("accepts an https ticket URL and rejects unknown fields", () => {
    expect(
      validate("phi-lb-internal", {
        exemptions: [exemption({ ticket: "https://tracker.example.com/browse/SEC-1" })],
      }),
    ).toBe(true);
    expect(validate("phi-lb-internal", { exemptions: [{ ...exemption(), policy: "all" }] })).toBe(false);
  });
});

describe("the pack's reader validates with the schema the pack serves", () => {
  const problemsOf = (entry: unknown) =>
    readExemptions({ exemptions: [entry] }, TODAY).exemptions[0].problems;
  const { ticket: _t, ...noTicket } = exemption();

  it("reads the very object every policy serves as its exemptions option", () => {
    for (const p of policies) expect(configSchemas[p.name].properties.exemptions).toBe(exemptionsSchema);
    expect(problemsOf(exemption())).toEqual([]);
  });

  it.each<[string, unknown, string[]]>([
    [
      "a missing ticket",
      noTicket,
      ["ticket is missing; write tracking ticket: a key such as SEC-123, or an https URL"],
    ],
    [
      "a short reason",
      exemption({ reason: "because" }),
      ['reason "because" is shorter than 10 characters; write why the violation is accepted (one line)'],
    ],
    [
      "a ticket that is neither a key nor an https URL",
      exemption({ ticket: "see slack" }),
      [
        'ticket "see slack" does not match ^(?:[A-Z][A-Z0-9]+-[0-9]+|https://[^\\s(),]+)$; write tracking ticket: a key such as SEC-123, or an https URL',
      ],
    ],
    [
      "a one-character approver (minLength 2)",
      exemption({ approvedBy: "J" }),
      [
        'approvedBy "J" is shorter than 2 characters; write who approved it (name or e-mail; no parentheses or commas)',
      ],
    ],
    [
      "a ticket URL over 300 characters (maxLength)",
      exemption({ ticket: `https://tracker.example.com/${"a".repeat(300)}` }),
      [
        `ticket "https://tracker.example.com/${"a".repeat(48)}... is longer than 300 characters; write tracking ticket: a key such as SEC-123, or an https URL`,
      ],
    ],
    [
      "a resource that is not a string",
      { ...exemption(), resource: 42 },
      [
        'resource 42 is not a string; write resource name, or URN pattern "urn:pulumi:<stack>::<project>::<type>::<name>" with * wildcards',
      ],
    ],
    [
      "an entry that is not an object",
      "legacy-sftp",
      ['the entry "legacy-sftp" is not an object; write { resource, reason, ticket, expires, approvedBy }'],
    ],
    ["an unknown field", { ...exemption(), policy: "all" }, ["policy is not an exemption field; remove it"]],
  ])("names the field, the value and the fix for %s", (_l, entry, expected) => {
    expect(problemsOf(entry)).toEqual(expected);
  });

  it("a list that is not a list is a config problem", () => {
    expect(readExemptions({ exemptions: { resource: "legacy-sftp" } }, TODAY).problems).toEqual([
      "exemptions is not a list; write exemptions: [{ resource, reason, ticket, expires, approvedBy }]",
    ]);
  });

  it("an exemption only the schema's lengths reject exempts nothing (config that reached the pack unvalidated)", () => {
    const urn = urnOf(SG, "legacy-sftp");
    const valid = readExemptions({ exemptions: [exemption()] }, TODAY).exemptions;
    expect(exemptionFor(valid, urn, "legacy-sftp", TODAY)).toEqual({
      exemption: exemption(),
      status: "active",
    });
    const short = readExemptions({ exemptions: [exemption({ approvedBy: "J" })] }, TODAY).exemptions;
    expect(exemptionFor(short, urn, "legacy-sftp", TODAY)).toBeUndefined();
  });
});
