import {
  ACM_CERTIFICATE_ARN_REFUSAL,
  allowlistEntryRefusal,
  AllowlistSyntaxError,
  EMPTY_ALLOWLIST_REFUSAL,
  elbSecurityPolicyRefusal,
  isListenerPort,
  isRulePortBound,
  parseAllowlistEntry,
  PORT_RANGE_PROBLEM,
  PRIVATE_IPV4_RANGE_LIST,
  PUBLIC_RANGE_REFUSAL,
  RULE_PORT_PROBLEM,
  strongElbSecurityPolicies,
} from ".";

// The wordings components and the stack config share (one per refusal), written down.

describe("elbSecurityPolicyRefusal", () => {
  test("strong policies are not refused", () => {
    expect(elbSecurityPolicyRefusal("ELBSecurityPolicy-TLS13-1-3-2021-06")).toBeUndefined();
    expect(elbSecurityPolicyRefusal("ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "1.2")).toBeUndefined();
  });

  test("an unknown name, in any spelling AWS would not accept", () => {
    for (const name of ["made-up", "elbsecuritypolicy-tls13-1-3-2021-06", "", undefined, 42]) {
      expect(elbSecurityPolicyRefusal(name)?.problem).toBe(
        "is not a known ELB security policy (unknown policies are refused)",
      );
    }
  });

  test("a weak one says why and lists every strong one for the floor", () => {
    const refusal = elbSecurityPolicyRefusal("ELBSecurityPolicy-2016-08")!;
    expect(refusal.problem).toMatch(/^is too weak: accepts TLS 1\.0, TLS 1\.1 \(below the TLS 1\.2 floor\)/);
    expect(refusal.fix).toBe(`use one of ${strongElbSecurityPolicies("1.2").join(", ")}`);
    expect(refusal.fix).toContain("ELBSecurityPolicy-TLS13-1-3-2021-06");
    // A TLS 1.2 policy is weak for a 1.3 floor, and the fix then lists only TLS 1.3 policies.
    const tls13 = elbSecurityPolicyRefusal("ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "1.3")!;
    expect(tls13.fix).toContain("ELBSecurityPolicy-TLS13-1-3-2021-06");
    expect(tls13.fix).not.toContain("ELBSecurityPolicy-TLS13-1-2-Res-2021-06");
  });
});

test("allowlist entries", () => {
  const refusalOf = (text: string) => {
    try {
      parseAllowlistEntry(text);
    } catch (e) {
      return allowlistEntryRefusal(e as AllowlistSyntaxError);
    }
    throw new Error(`${text} parsed`);
  };
  expect(refusalOf("tcpp/443")).toEqual({
    problem: 'is not a valid allowlist entry (unknown protocol "tcpp")',
    fix: 'write "<protocol>/<port>", "<protocol>/<from>-<to>" with from <= to, or "<protocol>/*" for protocols without ports, e.g. "tcp/443"',
  });
  expect(refusalOf("tcp/70000").problem).toBe(
    "is not a valid allowlist entry (ports must satisfy 0 <= from <= to <= 65535)",
  );
  expect(EMPTY_ALLOWLIST_REFUSAL).toEqual({
    problem: "must be a non-empty list",
    fix: 'use e.g. ["tcp/443"]',
  });
});

test("CIDR blocks: the public-range refusal names every private range", () => {
  expect(PUBLIC_RANGE_REFUSAL).toEqual({
    problem: "is a public address range",
    fix: "use private address space (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7)",
  });
  expect(PRIVATE_IPV4_RANGE_LIST).toEqual(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"]);
});

test("ACM certificate ARNs", () => {
  expect(ACM_CERTIFICATE_ARN_REFUSAL).toEqual({
    problem: "is not an ACM certificate ARN",
    fix: "pass arn:aws:acm:<region>:<account>:certificate/<id>",
  });
});

describe("ports", () => {
  test("a listener or target port is 1-65535", () => {
    expect(PORT_RANGE_PROBLEM).toBe("must be a whole number between 1 and 65535");
    for (const ok of [1, 443, 65535]) expect(isListenerPort(ok)).toBe(true);
    for (const bad of [0, -1, 65536, 443.5, "443", NaN, undefined]) expect(isListenerPort(bad)).toBe(false);
  });

  test("a security-group rule bound is 0-65535", () => {
    expect(RULE_PORT_PROBLEM).toBe(
      "must be a whole number between 0 and 65535 (a missing or -1 bound opens every port)",
    );
    for (const ok of [0, 443, 65535]) expect(isRulePortBound(ok)).toBe(true);
    for (const bad of [-1, 65536, 1.5, "0", null]) expect(isRulePortBound(bad)).toBe(false);
  });
});
