import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { withExemptions } from "./exemptions";
import { saysOutOfScope, TypeVerdicts, withoutStackTrace } from "./not-applicable";

class NotApplicableError extends Error {
  constructor(readonly reason?: string) {
    super(reason);
  }
}

describe("withoutStackTrace", () => {
  let thrown = 0;
  const throwing = (reason?: string): never => {
    thrown++;
    throw new NotApplicableError(reason);
  };
  beforeEach(() => (thrown = 0));

  const caught = (f: () => void): unknown => {
    try {
      f();
    } catch (e) {
      return e;
    }
    return undefined;
  };

  it("throws the original not-applicable error with its reason, without a captured stack", () => {
    const e = caught(() => withoutStackTrace(throwing)("not a listener"));
    expect(e).toBeInstanceOf(NotApplicableError);
    expect((e as NotApplicableError).reason).toBe("not a listener");
    expect((e as Error).stack).not.toMatch(/\n\s+at /);
  });

  it("restores Error.stackTraceLimit afterwards", () => {
    const before = Error.stackTraceLimit;
    expect(() => withoutStackTrace(throwing)("x")).toThrow("x");
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error("later").stack).toMatch(/\n\s+at /);
  });

  it("throws the first error again for a reason already given, a new one for a new reason", () => {
    const first = caught(() => withoutStackTrace(throwing)("not a bucket"));
    const again = caught(() => withoutStackTrace(throwing)("not a bucket"));
    const other = caught(() => withoutStackTrace(throwing)("not a key"));
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    expect((other as NotApplicableError).reason).toBe("not a key");
    expect(thrown).toBe(2);
  });
});

/** Policy args as @pulumi/policy builds them, with its throwing notApplicable. */
const args = (type: string, props: Record<string, unknown> = {}) =>
  ({
    type,
    props,
    urn: `urn:pulumi:dev::p::${type}::r`,
    name: "r",
    getConfig: () => ({}),
    notApplicable: (reason?: string): never => {
      throw new NotApplicableError(reason);
    },
  }) as unknown as ResourceValidationArgs;

describe("TypeVerdicts", () => {
  it("remembers a type declined on the type alone, with its reason", () => {
    const verdicts = new TypeVerdicts();
    const observed = verdicts.observe(args("aws:s3/bucket:Bucket"));
    expect(() => observed.notApplicable("not a key")).toThrow("not a key");
    expect(verdicts.declinedOnSight("aws:s3/bucket:Bucket")).toBe(true);
    expect(verdicts.reasonFor("aws:s3/bucket:Bucket")).toBe("not a key");
    expect(verdicts.declinedOnSight("aws:kms/key:Key")).toBe(false);
  });

  it.each(["props", "urn", "name", "getConfig"] as const)(
    "does not remember a verdict reached after reading %s",
    (field) => {
      const verdicts = new TypeVerdicts();
      const observed = verdicts.observe(args("aws:s3/bucket:Bucket", { bucket: "logs" }));
      void observed[field];
      expect(() => observed.notApplicable("no logs")).toThrow("no logs");
      expect(verdicts.declinedOnSight("aws:s3/bucket:Bucket")).toBe(false);
    },
  );

  it("survives a wrapper that spreads the args, which then depends on every field", () => {
    const verdicts = new TypeVerdicts();
    const observed = verdicts.observe(args("aws:s3/bucket:Bucket", { bucket: "logs" }));
    const copy = { ...observed, type: "aws:s3/bucket:Bucket" };
    expect(copy.props).toEqual({ bucket: "logs" });
    expect(copy.getConfig()).toEqual({});
    expect(() => observed.notApplicable("no logs")).toThrow("no logs");
    expect(verdicts.declinedOnSight("aws:s3/bucket:Bucket")).toBe(false);
  });

  it("passes the resource's fields through unchanged", () => {
    const observed = new TypeVerdicts().observe(args("aws:s3/bucket:Bucket", { bucket: "logs" }));
    expect(observed.type).toBe("aws:s3/bucket:Bucket");
    expect(observed.props).toEqual({ bucket: "logs" });
    expect(observed.name).toBe("r");
    expect(observed.getConfig()).toEqual({});
  });
});

describe("a wrapped policy's type verdicts", () => {
  it("skips the policy for a type it declined on sight, and still judges every other type", () => {
    const calls: string[] = [];
    const violations: string[] = [];
    const policy = withExemptions<ResourceValidationPolicy>({
      name: "probe",
      description: "probe",
      enforcementLevel: "mandatory",
      validateResource: (a, report) => {
        calls.push(a.type);
        if (a.type !== "aws:kms/key:Key") a.notApplicable(`${a.type} is not a key`);
        if (a.props.enableKeyRotation !== true) report("rotation off");
      },
    });
    const validate = policy.validateResource as (a: ResourceValidationArgs, r: (m: string) => void) => void;
    const run = (type: string, props: Record<string, unknown>) => {
      const a = args(type, props);
      try {
        validate(a, (m) => violations.push(`${type} ${m}`));
        return "judged";
      } catch (e) {
        return `not applicable: ${(e as NotApplicableError).reason}`;
      }
    };
    expect(run("aws:s3/bucket:Bucket", {})).toBe("not applicable: aws:s3/bucket:Bucket is not a key");
    expect(run("aws:s3/bucket:Bucket", {})).toBe("not applicable: aws:s3/bucket:Bucket is not a key");
    expect(run("aws:kms/key:Key", { enableKeyRotation: false })).toBe("judged");
    expect(run("aws:kms/key:Key", { enableKeyRotation: false })).toBe("judged");
    expect(calls).toEqual(["aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:kms/key:Key"]);
    expect(violations).toEqual(["aws:kms/key:Key rotation off", "aws:kms/key:Key rotation off"]);
  });
});

describe("saysOutOfScope", () => {
  it("is true only for a reason that begins with the resource's own type token", () => {
    expect(saysOutOfScope("aws:s3/bucket:Bucket", "aws:s3/bucket:Bucket is not a KMS key")).toBe(true);
    expect(saysOutOfScope("aws:s3/bucket:Bucket", "network ACLs are stateless filters")).toBe(false);
    expect(saysOutOfScope("aws:s3/bucket:Bucket", "aws:s3/bucket:BucketV2 is not a KMS key")).toBe(false);
    expect(saysOutOfScope("aws:s3/bucket:Bucket", undefined)).toBe(false);
  });
});
