import fc from "fast-check";
import {
  DEFAULT_ELB_SECURITY_POLICY,
  DEFAULT_TLS_PROFILE,
  ELB_SECURITY_POLICIES,
  TLS_PROFILES,
  TLS_SERVICES,
  assessClassicElbSslAttributes,
  assessElbSecurityPolicy,
  assessTlsPolicy,
  cipherTraits,
  strongElbSecurityPolicies,
  strongTlsPolicies,
  tlsVersionRank,
  type TlsVersion,
} from "./tls";

/** Every service's policy table, by the service's label. */
const TABLES = Object.fromEntries(Object.values(TLS_SERVICES).map((s) => [s.label, s.policies]));

/** Read off the ELB table by hand: TLS 1.2+ only, ECDHE (or TLS 1.3) AEAD suites only, TLS 1.3-only first. */
const STRONG_ELB_AT_13 = [
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
  "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
];
const STRONG_ELB_AT_12 = [
  ...STRONG_ELB_AT_13,
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-FS-1-2-Res-2020-10",
];

describe("cipherTraits", () => {
  it.each([
    ["TLS_AES_128_GCM_SHA256", true, true],
    ["TLS_CHACHA20_POLY1305_SHA256", true, true],
    ["ECDHE-RSA-AES128-GCM-SHA256", true, true],
    ["ECDHE-ECDSA-CHACHA20-POLY1305", true, true],
    ["ECDHE-RSA-AES128-SHA256", true, false],
    ["ECDHE-RSA-AES128-SHA", true, false],
    ["AES128-GCM-SHA256", false, true],
    ["AES256-SHA", false, false],
    ["DES-CBC3-SHA", false, false],
    ["RC4-MD5", false, false],
    ["DHE-RSA-AES128-SHA", true, false],
    ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", true, true],
    ["TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", true, false],
    ["TLS_RSA_WITH_AES_128_CBC_SHA256", false, false],
  ])("%s: forwardSecret=%s aead=%s", (name, forwardSecret, aead) => {
    expect(cipherTraits(name)).toEqual({ forwardSecret, aead, known: true });
  });

  it.each(["NULL-SHA", "ecdhe-rsa-aes128-gcm-sha256", "", "constructor", 42, undefined])(
    "fails closed on unknown cipher %p",
    (name) => {
      expect(cipherTraits(name)).toEqual({ forwardSecret: false, aead: false, known: false });
    },
  );
});

describe("data tables", () => {
  for (const [service, table] of Object.entries(TABLES)) {
    it(`${service}: every entry has at least one protocol and, when published, one known cipher`, () => {
      expect(Object.keys(table).length).toBeGreaterThan(0);
      for (const [name, entry] of Object.entries(table)) {
        expect({ name, protocols: entry.protocols.length > 0 }).toEqual({ name, protocols: true });
        if (entry.ciphers === null) continue;
        expect({ name, ciphers: entry.ciphers.length > 0 }).toEqual({ name, ciphers: true });
        const unknown = entry.ciphers.filter((c) => !cipherTraits(c).known);
        expect({ name, unknown }).toEqual({ name, unknown: [] });
      }
    });
  }

  it("ELB table covers the TLS13, FIPS, PQ, FS and legacy families AWS lists", () => {
    const names = Object.keys(ELB_SECURITY_POLICIES);
    for (const expected of [
      "ELBSecurityPolicy-TLS13-1-0-2021-06",
      "ELBSecurityPolicy-TLS13-1-1-2021-06",
      "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
      "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
      "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
      "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04",
      "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
      "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
      "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09",
      "ELBSecurityPolicy-FS-1-2-Res-2020-10",
      "ELBSecurityPolicy-FS-2018-06",
      "ELBSecurityPolicy-2016-08",
      "ELBSecurityPolicy-2015-05",
      "ELBSecurityPolicy-TLS-1-0-2015-04",
      "ELBSecurityPolicy-TLS-1-1-2017-01",
      "ELBSecurityPolicy-TLS-1-2-2017-01",
      "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
    ]) {
      expect(names).toContain(expected);
    }
    expect(names.filter((n) => n.includes("-PQ-2025-09"))).toHaveLength(13);
  });
});

describe("TLS_SERVICES", () => {
  it("every API default names a weak policy of its own table, under both profiles", () => {
    const defaults = Object.entries(TLS_SERVICES).flatMap(([service, s]) => [
      ...s.endpoints.flatMap((e) => [
        ...(e.apiDefault ? [[service, e.apiDefault.policy]] : []),
        ...Object.entries(e.variants?.byValue ?? {}).map(([k, v]) => [
          `${service} ${k}`,
          v.apiDefault.policy,
        ]),
      ]),
      ...(s.listenerDefault ? [[service, s.listenerDefault.policy]] : []),
    ]);
    expect(defaults).toEqual([
      ["elb", "ELBSecurityPolicy-2016-08"],
      ["classicElb", "ELBSecurityPolicy-2016-08"],
      ["cloudFront", "TLSv1"],
      ["cloudFront", "TLSv1"],
      ["apiGateway EDGE", "TLS_1_0"],
      ["apiGateway REGIONAL", "TLS_1_0"],
      ["apiGateway PRIVATE", "TLS_1_2"],
      ["apiGateway EDGE", "TLS_1_2"],
      ["apiGateway REGIONAL", "TLS_1_2"],
      ["apiGateway PRIVATE", "TLS_1_2"],
      ["apiGateway", "TLS_1_2"],
      ["openSearch", "Policy-Min-TLS-1-0-2019-07"],
      ["transfer", "TransferSecurityPolicy-2018-11"],
    ]);
    for (const [where, policy] of defaults) {
      const service = where.split(" ")[0] as keyof typeof TLS_SERVICES;
      for (const profile of ["strict", "nist-800-52r2"] as const) {
        const a = assessTlsPolicy(service, policy, "1.2", { profile });
        expect({ where, policy, profile, known: a.known, strong: a.strong }).toEqual({
          where,
          policy,
          profile,
          known: true,
          strong: false,
        });
      }
    }
  });

  it("every name an endpoint accepts is in its service's table", () => {
    for (const [service, s] of Object.entries(TLS_SERVICES))
      for (const e of s.endpoints)
        for (const accepts of [
          e.accepts ?? [],
          ...Object.values(e.variants?.byValue ?? {}).map((v) => v.accepts),
        ])
          for (const name of accepts)
            expect({ service, name, inTable: name in s.policies }).toEqual({ service, name, inTable: true });
  });

  it("every endpoint's flags sit in the block of its policy field", () => {
    for (const s of Object.values(TLS_SERVICES))
      for (const e of s.endpoints) {
        const block = e.policyField.slice(0, e.policyField.lastIndexOf(".") + 1);
        for (const flag of [e.mustBeTrue?.field, e.weakWhenTrue?.field, e.terminatesTls?.field])
          if (flag)
            expect({ flag, block: flag.slice(0, flag.lastIndexOf(".") + 1) }).toEqual({ flag, block });
      }
  });

  it("tlsVersionRank orders the versions oldest first", () => {
    const versions: TlsVersion[] = ["1.3", "1.0", "1.2", "1.1"];
    expect(versions.sort((a, b) => tlsVersionRank(a) - tlsVersionRank(b))).toEqual([
      "1.0",
      "1.1",
      "1.2",
      "1.3",
    ]);
  });

  it("assessTlsPolicy reports unknown names with the service label", () => {
    expect(assessTlsPolicy("transfer", "nope").problems).toEqual([
      'the Transfer Family security policy "nope" is not a known policy name (names are case-sensitive)',
    ]);
    expect(assessTlsPolicy("classicElb", undefined).problems).toEqual([
      "the Classic ELB security policy is not set",
    ]);
  });
});

describe("assessElbSecurityPolicy", () => {
  it("TLS13-1-3-2021-06 (the default) is strong at both floors", () => {
    expect(DEFAULT_ELB_SECURITY_POLICY).toBe("ELBSecurityPolicy-TLS13-1-3-2021-06");
    for (const floor of ["1.2", "1.3"] as const) {
      expect(assessElbSecurityPolicy(DEFAULT_ELB_SECURITY_POLICY, floor)).toMatchObject({
        known: true,
        strong: true,
        minVersion: "1.3",
        problems: [],
      });
    }
  });

  it("TLS13-1-2-Res-2021-06 is strong at 1.2 and fails the 1.3 floor only", () => {
    expect(assessElbSecurityPolicy("ELBSecurityPolicy-TLS13-1-2-Res-2021-06")).toMatchObject({
      strong: true,
      minVersion: "1.2",
    });
    const at13 = assessElbSecurityPolicy("ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "1.3");
    expect(at13.strong).toBe(false);
    expect(at13.problems).toEqual(["accepts TLS 1.2 (below the TLS 1.3 floor)"]);
  });

  it("TLS13-1-2-2021-06 is weak: AWS's table gives it CBC-mode SHA256/SHA384 ciphers", () => {
    const a = assessElbSecurityPolicy("ELBSecurityPolicy-TLS13-1-2-2021-06");
    expect(a).toMatchObject({ known: true, strong: false, minVersion: "1.2" });
    expect(a.problems).toEqual([
      "includes CBC ciphers (ECDHE-ECDSA-AES128-SHA256, ECDHE-RSA-AES128-SHA256, ECDHE-ECDSA-AES256-SHA384, ECDHE-RSA-AES256-SHA384)",
    ]);
  });

  it("TLS13-1-2-Ext1 and Ext2 are weak (CBC, non-FS; Ext2 also SHA-1)", () => {
    const ext1 = assessElbSecurityPolicy("ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06");
    expect(ext1.strong).toBe(false);
    expect(ext1.problems.join(" ")).toMatch(/without forward secrecy \(AES128-GCM-SHA256/);
    expect(ext1.problems.join(" ")).toMatch(/CBC ciphers/);
    expect(ext1.problems.join(" ")).not.toMatch(/SHA-1/);
    const ext2 = assessElbSecurityPolicy("ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06");
    expect(ext2.strong).toBe(false);
    expect(ext2.problems.join(" ")).toMatch(/SHA-1 or MD5 MACs \(ECDHE-ECDSA-AES128-SHA/);
  });

  it("2016-08 is weak with problems naming TLS 1.0 and CBC", () => {
    const a = assessElbSecurityPolicy("ELBSecurityPolicy-2016-08");
    expect(a).toMatchObject({ known: true, strong: false, minVersion: "1.0" });
    expect(a.problems[0]).toBe("accepts TLS 1.0, TLS 1.1 (below the TLS 1.2 floor)");
    expect(
      a.problems.some((p) => p.startsWith("includes CBC ciphers (") && p.includes("ECDHE-RSA-AES128-SHA")),
    ).toBe(true);
  });

  it("TLS-1-0-2015-04 names 3DES", () => {
    expect(assessElbSecurityPolicy("ELBSecurityPolicy-TLS-1-0-2015-04").problems).toContain(
      "includes 3DES ciphers (DES-CBC3-SHA)",
    );
  });

  it("FS-1-2-Res-2020-10 is strong at 1.2 (TLS 1.2 only, ECDHE-GCM only) and not at 1.3", () => {
    expect(assessElbSecurityPolicy("ELBSecurityPolicy-FS-1-2-Res-2020-10")).toMatchObject({
      strong: true,
      minVersion: "1.2",
    });
    expect(assessElbSecurityPolicy("ELBSecurityPolicy-FS-1-2-Res-2020-10", "1.3").strong).toBe(false);
    expect(assessElbSecurityPolicy("ELBSecurityPolicy-FS-1-2-Res-2019-08").strong).toBe(false);
  });

  it.each([
    ["ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04", true],
    ["ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04", true],
    ["ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04", false],
    ["ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04", false],
    ["ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04", false],
    ["ELBSecurityPolicy-TLS13-1-3-PQ-2025-09", true],
    ["ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09", true],
    ["ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09", true],
    ["ELBSecurityPolicy-TLS13-1-2-PQ-2025-09", false],
    ["ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09", false],
    ["ELBSecurityPolicy-TLS13-1-0-PQ-2025-09", false],
  ])("FIPS/PQ variant %s strong at 1.2: %s", (name, strong) => {
    const a = assessElbSecurityPolicy(name);
    expect(a.known).toBe(true);
    expect(a.strong).toBe(strong);
    expect(a.problems.length === 0).toBe(strong);
  });

  it.each([
    [
      "an unknown name",
      "ELBSecurityPolicy-TLS13-1-3-2099-01",
      /"ELBSecurityPolicy-TLS13-1-3-2099-01" is not a known policy name/,
    ],
    ["undefined", undefined, /is not set/],
    ["null", null, /is not set/],
    ["a number", 13, /is not a policy name \(got number\)/],
    ["a lowercase spelling", "elbsecuritypolicy-tls13-1-3-2021-06", /case-sensitive/],
    ["an inherited key", "toString", /not a known policy name/],
  ])("%s is unknown, not strong, with alternatives", (_label, name, message) => {
    const a = assessElbSecurityPolicy(name);
    expect(a.known).toBe(false);
    expect(a.strong).toBe(false);
    expect(a.minVersion).toBeUndefined();
    expect(a.problems).toHaveLength(1);
    expect(a.problems[0]).toMatch(message);
    expect(a.alternatives[0]).toBe("ELBSecurityPolicy-TLS13-1-3-2021-06");
    expect(a.alternatives).toEqual(STRONG_ELB_AT_12);
  });

  it("alternatives list strong choices for the floor", () => {
    expect(assessElbSecurityPolicy("ELBSecurityPolicy-2016-08", "1.3").alternatives).toEqual(
      STRONG_ELB_AT_13,
    );
  });
});

describe("strongElbSecurityPolicies", () => {
  it.each(["1.2", "1.3"] as const)(
    "every policy listed at %s assesses strong, TLS 1.3-only first",
    (floor) => {
      const list = strongElbSecurityPolicies(floor);
      expect(list.length).toBeGreaterThan(0);
      for (const name of list) expect(assessElbSecurityPolicy(name, floor).strong).toBe(true);
      const firstNon13 = list.findIndex((n) => assessElbSecurityPolicy(n).minVersion !== "1.3");
      if (firstNon13 >= 0) {
        expect(list.slice(firstNon13).every((n) => assessElbSecurityPolicy(n).minVersion !== "1.3")).toBe(
          true,
        );
      }
    },
  );

  it("lists exactly the strong table entries", () => {
    expect(strongElbSecurityPolicies()).toEqual(STRONG_ELB_AT_12);
    expect(strongElbSecurityPolicies("1.3")).toEqual(STRONG_ELB_AT_13);
    expect(strongTlsPolicies("elb", "1.2")).toEqual(STRONG_ELB_AT_12);
    const weak = Object.keys(ELB_SECURITY_POLICIES).filter((n) => !STRONG_ELB_AT_12.includes(n));
    expect(weak.length).toBeGreaterThan(0);
    for (const n of weak)
      expect({ n, strong: assessElbSecurityPolicy(n).strong }).toEqual({ n, strong: false });
    expect(strongElbSecurityPolicies()).toContain("ELBSecurityPolicy-FS-1-2-Res-2020-10");
    expect(strongElbSecurityPolicies()).not.toContain("ELBSecurityPolicy-TLS13-1-2-2021-06");
  });

  it("no string outside the table is ever strong (property)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.constantFrom(...Object.keys(ELB_SECURITY_POLICIES)).map((n) => n.toLowerCase()),
          fc.constantFrom(...Object.keys(ELB_SECURITY_POLICIES)).map((n) => ` ${n}`),
        ),
        (name) => {
          fc.pre(!Object.prototype.hasOwnProperty.call(ELB_SECURITY_POLICIES, name));
          const a = assessElbSecurityPolicy(name);
          return !a.strong && !a.known;
        },
      ),
    );
  });
});

describe("assessTlsPolicy: CloudFront", () => {
  it.each([
    ["SSLv3", false],
    ["TLSv1", false],
    ["TLSv1_2016", false],
    ["TLSv1.1_2016", false],
    ["TLSv1.2_2018", false],
    ["TLSv1.2_2019", false],
    ["TLSv1.2_2021", true],
    ["TLSv1.2_2025", true],
    ["TLSv1.3_2025", true],
  ])("%s strong at 1.2: %s", (name, strong) => {
    expect(assessTlsPolicy("cloudFront", name).strong).toBe(strong);
  });

  it("TLSv1 names TLS 1.0 and 3DES; SSLv3 names SSL 3.0 and RC4", () => {
    expect(assessTlsPolicy("cloudFront", "TLSv1").problems).toContain("includes 3DES ciphers (DES-CBC3-SHA)");
    const ssl = assessTlsPolicy("cloudFront", "SSLv3");
    expect(ssl.problems[0]).toBe("accepts SSL 3.0, TLS 1.0, TLS 1.1 (below the TLS 1.2 floor)");
    expect(ssl.problems).toContain("includes RC4 ciphers (RC4-MD5)");
    expect(ssl.minVersion).toBeUndefined(); // SSL 3.0 is not a TlsVersion
  });

  it("at the 1.3 floor only TLSv1.3_2025 is strong", () => {
    expect(assessTlsPolicy("cloudFront", "TLSv1.2_2021", "1.3").strong).toBe(false);
    expect(assessTlsPolicy("cloudFront", "TLSv1.3_2025", "1.3")).toMatchObject({
      strong: true,
      alternatives: ["TLSv1.3_2025"],
    });
  });

  it("unknown spelling fails closed with alternatives", () => {
    const a = assessTlsPolicy("cloudFront", "TLSv1.2_2021 ");
    expect(a).toMatchObject({
      known: false,
      strong: false,
      alternatives: ["TLSv1.3_2025", "TLSv1.2_2021", "TLSv1.2_2025"],
    });
  });
});

describe("assessTlsPolicy: API Gateway", () => {
  it("TLS_1_0 is weak: TLS 1.0, non-FS, CBC, 3DES", () => {
    const a = assessTlsPolicy("apiGateway", "TLS_1_0");
    expect(a).toMatchObject({ known: true, strong: false, minVersion: "1.0" });
    expect(a.problems.join(" ")).toMatch(/TLS 1\.0/);
    expect(a.problems).toContain("includes 3DES ciphers (DES-CBC3-SHA)");
  });

  it("TLS_1_2 is weak per AWS's table (RSA key exchange and CBC ciphers), though its floor is 1.2", () => {
    const a = assessTlsPolicy("apiGateway", "TLS_1_2");
    expect(a).toMatchObject({ known: true, strong: false, minVersion: "1.2" });
    expect(
      a.problems.some((p) => p.startsWith("includes ciphers without forward secrecy (AES128-GCM-SHA256")),
    ).toBe(true);
    expect(a.problems.some((p) => p.startsWith("includes CBC ciphers ("))).toBe(true);
  });

  it.each([
    ["SecurityPolicy_TLS13_1_3_2025_09", true, true],
    ["SecurityPolicy_TLS13_1_3_FIPS_2025_09", true, true],
    ["SecurityPolicy_TLS13_1_2_FIPS_PFS_PQ_2025_09", true, true],
    ["SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09", true, true],
    ["SecurityPolicy_TLS13_1_2_PQ_2025_09", false, false],
    ["SecurityPolicy_TLS13_1_2_2021_06", false, false],
    ["SecurityPolicy_TLS13_2025_EDGE", true, true],
    ["SecurityPolicy_TLS12_PFS_2025_EDGE", true, true],
    ["SecurityPolicy_TLS12_2018_EDGE", false, true],
    ["TLS_1_2", false, false],
  ])("%s: strict %s, nist-800-52r2 %s", (name, strict, nist) => {
    expect(assessTlsPolicy("apiGateway", name).strong).toBe(strict);
    expect(assessTlsPolicy("apiGateway", name, "1.2", { profile: "nist-800-52r2" }).strong).toBe(nist);
  });

  it("alternatives are only the names the endpoint accepts", () => {
    const regional = TLS_SERVICES.apiGateway.endpoints[1].variants!.byValue.REGIONAL.accepts;
    const edge = TLS_SERVICES.apiGateway.endpoints[1].variants!.byValue.EDGE.accepts;
    expect(assessTlsPolicy("apiGateway", "TLS_1_2", "1.2", { accepted: regional }).alternatives).toEqual([
      "SecurityPolicy_TLS13_1_3_2025_09",
      "SecurityPolicy_TLS13_1_3_FIPS_2025_09",
      "SecurityPolicy_TLS13_1_2_FIPS_PFS_PQ_2025_09",
      "SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09",
    ]);
    expect(assessTlsPolicy("apiGateway", "TLS_1_2", "1.3", { accepted: edge }).alternatives).toEqual([
      "SecurityPolicy_TLS13_2025_EDGE",
    ]);
    // A strong policy AWS rejects for this endpoint type is not strong here.
    const wrongType = assessTlsPolicy("apiGateway", "SecurityPolicy_TLS13_2025_EDGE", "1.2", {
      accepted: regional,
    });
    expect(wrongType).toMatchObject({ known: true, strong: false });
    expect(wrongType.problems).toEqual([
      'AWS does not accept "SecurityPolicy_TLS13_2025_EDGE" for this endpoint',
    ]);
    expect(
      assessTlsPolicy("apiGateway", "TLS_1_2", "1.2", { accepted: ["TLS_1_0", "TLS_1_2"] }).alternatives,
    ).toEqual([]);
    expect(assessTlsPolicy("apiGateway", "TLS-1-2").known).toBe(false);
    expect(assessTlsPolicy("apiGateway", "SecurityPolicy_TLS13_1_2_FIPS_PQ_2025_09").known).toBe(false);
  });
});

describe("assessTlsPolicy: OpenSearch", () => {
  it("Policy-Min-TLS-1-0-2019-07 is weak and names TLS 1.0", () => {
    const a = assessTlsPolicy("openSearch", "Policy-Min-TLS-1-0-2019-07");
    expect(a).toMatchObject({ known: true, strong: false, minVersion: "1.0" });
    expect(a.problems[0]).toBe("accepts TLS 1.0, TLS 1.1 (below the TLS 1.2 floor)");
  });

  it("PFS-2023-10 meets the floor and is documented forward-secret, but AEAD cannot be confirmed (fail closed)", () => {
    const a = assessTlsPolicy("openSearch", "Policy-Min-TLS-1-2-PFS-2023-10");
    expect(a).toMatchObject({ known: true, strong: false, minVersion: "1.2" });
    expect(a.problems).toEqual(["AWS does not document that all its ciphers are AEAD (no CBC)"]);
    expect(
      assessTlsPolicy("openSearch", "Policy-Min-TLS-1-2-PFS-2023-10", "1.2", { profile: "nist-800-52r2" })
        .problems,
    ).toEqual([
      "AWS does not document that all its ciphers are AEAD or one of ECDHE-ECDSA-AES128-SHA256, ECDHE-ECDSA-AES256-SHA384, ECDHE-RSA-AES128-SHA256, ECDHE-RSA-AES256-SHA384",
    ]);
    expect(assessTlsPolicy("openSearch", "Policy-Min-TLS-1-2-2019-07").problems).toHaveLength(2);
  });

  it("no OpenSearch policy is strong under either profile: AWS publishes none of their cipher suites", () => {
    expect(Object.keys(TLS_SERVICES.openSearch.policies)).toEqual([
      "Policy-Min-TLS-1-0-2019-07",
      "Policy-Min-TLS-1-2-2019-07",
      "Policy-Min-TLS-1-2-PFS-2023-10",
      "Policy-Min-TLS-1-2-RFC9151-FIPS-2024-08",
    ]);
    for (const profile of ["strict", "nist-800-52r2"] as const)
      expect(strongTlsPolicies("openSearch", "1.2", { profile })).toEqual([]);
    expect(assessTlsPolicy("openSearch", "Policy-Min-TLS-1-2-RFC9151-FIPS-2024-08")).toMatchObject({
      known: true,
      strong: false,
      minVersion: "1.2",
    });
  });

  it("unknown name fails closed", () => {
    expect(assessTlsPolicy("openSearch", "Policy-Min-TLS-1-3-2099-01")).toMatchObject({
      known: false,
      strong: false,
    });
  });
});

describe("assessTlsPolicy: Transfer Family", () => {
  it("2024-01 is TLS 1.2, forward-secret, but includes CBC ciphers (FTPS part)", () => {
    const a = assessTlsPolicy("transfer", "TransferSecurityPolicy-2024-01");
    expect(a).toMatchObject({ known: true, strong: false, minVersion: "1.2" });
    expect(a.problems).toEqual([
      "includes CBC ciphers (TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384)",
    ]);
  });

  it("2018-11 also lacks forward secrecy", () => {
    expect(assessTlsPolicy("transfer", "TransferSecurityPolicy-2018-11").problems[0]).toBe(
      "includes ciphers without forward secrecy (TLS_RSA_WITH_AES_128_CBC_SHA256, TLS_RSA_WITH_AES_256_CBC_SHA256)",
    );
  });

  it("no documented Transfer Family policy meets the strict profile", () => {
    for (const name of Object.keys(TLS_SERVICES.transfer.policies))
      expect(assessTlsPolicy("transfer", name).strong).toBe(false);
    expect(assessTlsPolicy("transfer", "TransferSecurityPolicy-FIPS-2024-01").alternatives).toEqual([]);
    expect(assessTlsPolicy("transfer", "TransferSecurityPolicy-PQ-SSH-Experimental-2023-04").known).toBe(
      false,
    );
  });

  it("under nist-800-52r2 every policy from 2020-06 on is strong; the 2018-11 ones are not (RSA key exchange)", () => {
    expect(strongTlsPolicies("transfer", "1.2", { profile: "nist-800-52r2" })).toEqual([
      "TransferSecurityPolicy-2025-03",
      "TransferSecurityPolicy-FIPS-2025-03",
      "TransferSecurityPolicy-AS2Restricted-2025-07",
      "TransferSecurityPolicy-SshAuditCompliant-2025-02",
      "TransferSecurityPolicy-2024-01",
      "TransferSecurityPolicy-FIPS-2024-01",
      "TransferSecurityPolicy-FIPS-2024-05",
      "TransferSecurityPolicy-2023-05",
      "TransferSecurityPolicy-FIPS-2023-05",
      "TransferSecurityPolicy-2022-03",
      "TransferSecurityPolicy-2020-06",
      "TransferSecurityPolicy-Restricted-2020-06",
      "TransferSecurityPolicy-FIPS-2020-06",
    ]);
    expect(
      assessTlsPolicy("transfer", "TransferSecurityPolicy-2018-11", "1.2", { profile: "nist-800-52r2" })
        .problems,
    ).toEqual([
      "includes ciphers without forward secrecy (TLS_RSA_WITH_AES_128_CBC_SHA256, TLS_RSA_WITH_AES_256_CBC_SHA256)",
      "includes CBC ciphers (TLS_RSA_WITH_AES_128_CBC_SHA256, TLS_RSA_WITH_AES_256_CBC_SHA256)",
    ]);
    // FTPS runs TLS 1.2 only, so no Transfer Family policy meets a 1.3 floor under either profile.
    expect(strongTlsPolicies("transfer", "1.3", { profile: "nist-800-52r2" })).toEqual([]);
  });
});

describe("TLS profiles", () => {
  it("strict is the default; the profiles are exactly strict and nist-800-52r2", () => {
    expect(DEFAULT_TLS_PROFILE).toBe("strict");
    expect(Object.keys(TLS_PROFILES)).toEqual(["strict", "nist-800-52r2"]);
    expect(TLS_PROFILES.strict).toMatchObject({
      minimumTlsVersion: "1.2",
      forwardSecrecy: true,
      nonAeadCiphers: [],
    });
  });

  it("nist-800-52r2 accepts exactly the four ECDHE CBC-SHA256/SHA384 suites besides AEAD ones", () => {
    expect(TLS_PROFILES["nist-800-52r2"]).toMatchObject({ minimumTlsVersion: "1.2", forwardSecrecy: true });
    expect(TLS_PROFILES["nist-800-52r2"].nonAeadCiphers).toEqual([
      "ECDHE-ECDSA-AES128-SHA256",
      "ECDHE-ECDSA-AES256-SHA384",
      "ECDHE-RSA-AES128-SHA256",
      "ECDHE-RSA-AES256-SHA384",
    ]);
    for (const c of TLS_PROFILES["nist-800-52r2"].nonAeadCiphers)
      expect({ c, traits: cipherTraits(c) }).toEqual({
        c,
        traits: { forwardSecret: true, aead: false, known: true },
      });
  });

  it.each([
    ["ELBSecurityPolicy-TLS13-1-2-2021-06", false, true],
    ["ELBSecurityPolicy-TLS13-1-2-Res-2021-06", true, true],
    ["ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06", false, false],
    ["ELBSecurityPolicy-FS-1-2-2019-08", false, false],
    ["ELBSecurityPolicy-TLS-1-2-2017-01", false, false],
    ["ELBSecurityPolicy-2016-08", false, false],
  ])("ELB %s: strict %s, nist-800-52r2 %s", (name, strict, nist) => {
    expect(assessElbSecurityPolicy(name).strong).toBe(strict);
    expect(assessElbSecurityPolicy(name, "1.2", "nist-800-52r2").strong).toBe(nist);
  });

  it("nist-800-52r2 still rejects CBC-SHA1, RSA key exchange and floors below the configured one", () => {
    const ext1 = assessElbSecurityPolicy("ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06", "1.2", "nist-800-52r2");
    expect(ext1.problems).toEqual([
      "includes ciphers without forward secrecy (AES128-GCM-SHA256, AES128-SHA256, AES256-GCM-SHA384, AES256-SHA256)",
      "includes CBC ciphers (AES128-SHA256, AES256-SHA256)",
    ]);
    const fs = assessElbSecurityPolicy("ELBSecurityPolicy-FS-1-2-2019-08", "1.2", "nist-800-52r2");
    expect(fs.problems).toEqual([
      "includes CBC ciphers (ECDHE-ECDSA-AES128-SHA, ECDHE-RSA-AES128-SHA, ECDHE-ECDSA-AES256-SHA, ECDHE-RSA-AES256-SHA)",
      "includes ciphers with SHA-1 or MD5 MACs (ECDHE-ECDSA-AES128-SHA, ECDHE-RSA-AES128-SHA, ECDHE-ECDSA-AES256-SHA, ECDHE-RSA-AES256-SHA)",
    ]);
    expect(
      assessElbSecurityPolicy("ELBSecurityPolicy-TLS13-1-2-2021-06", "1.3", "nist-800-52r2").problems,
    ).toEqual(["accepts TLS 1.2 (below the TLS 1.3 floor)"]);
  });

  it("the profile's CBC suites match in IANA spelling too (Transfer Family lists IANA names)", () => {
    expect(
      assessTlsPolicy("transfer", "TransferSecurityPolicy-2024-01", "1.2", { profile: "nist-800-52r2" }),
    ).toMatchObject({ known: true, strong: true, problems: [] });
  });

  it("an unknown profile name falls back to strict and is itself a problem", () => {
    const a = assessTlsPolicy("elb", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "1.2", {
      profile: "lenient" as never,
    });
    expect(a).toMatchObject({ strong: false, problems: ['the profile "lenient" is not a TLS profile'] });
  });

  it("nist-800-52r2 alternatives include the CBC-SHA256/384 ELB policies; strict ones come first either way", () => {
    const nist = strongElbSecurityPolicies("1.2", "nist-800-52r2");
    expect(nist.slice(0, STRONG_ELB_AT_13.length)).toEqual(STRONG_ELB_AT_13);
    expect(nist).toContain("ELBSecurityPolicy-TLS13-1-2-2021-06");
    for (const n of STRONG_ELB_AT_12) expect(nist).toContain(n);
  });
});

describe("classic ELB", () => {
  it("predefined names: TLS-1-2-2017-01 weak (non-FS, CBC), 2016-08 weak, retired names known but weak", () => {
    const a = assessTlsPolicy("classicElb", "ELBSecurityPolicy-TLS-1-2-2017-01");
    expect(a).toMatchObject({ known: true, strong: false, minVersion: "1.2", alternatives: [] });
    expect(assessTlsPolicy("classicElb", "ELBSecurityPolicy-2016-08").problems[0]).toMatch(/TLS 1\.0/);
    expect(assessTlsPolicy("classicElb", "ELBSecurityPolicy-2011-08")).toMatchObject({
      known: true,
      strong: false,
    });
    expect(assessTlsPolicy("classicElb", "ELBSecurityPolicy-2015-03").problems.join(" ")).toMatch(
      /DHE-DSS-AES128-SHA/,
    );
  });

  it("reference policy form is assessed from the predefined table", () => {
    const attrs = [{ name: "Reference-Security-Policy", value: "ELBSecurityPolicy-TLS-1-2-2017-01" }];
    expect(assessClassicElbSslAttributes(attrs)).toEqual(
      assessTlsPolicy("classicElb", "ELBSecurityPolicy-TLS-1-2-2017-01"),
    );
    expect(assessClassicElbSslAttributes([{ name: "Reference-Security-Policy", value: "nope" }]).known).toBe(
      false,
    );
  });

  it("explicit attributes: TLS 1.2 with ECDHE-GCM only is strong", () => {
    const attrs = [
      { name: "Protocol-TLSv1", value: "false" },
      { name: "Protocol-TLSv1.1", value: "false" },
      { name: "Protocol-TLSv1.2", value: "true" },
      { name: "Server-Defined-Cipher-Order", value: "true" },
      { name: "ECDHE-ECDSA-AES128-GCM-SHA256", value: "true" },
      { name: "ECDHE-RSA-AES256-GCM-SHA384", value: true },
      { name: "AES128-SHA", value: "false" },
    ];
    expect(assessClassicElbSslAttributes(attrs)).toMatchObject({
      known: true,
      strong: true,
      minVersion: "1.2",
      problems: [],
    });
    expect(assessClassicElbSslAttributes(attrs, "1.3").strong).toBe(false);
  });

  it("explicit attributes: enabled TLS 1.0 and CBC cipher are named", () => {
    const a = assessClassicElbSslAttributes([
      { name: "Protocol-TLSv1", value: "true" },
      { name: "Protocol-TLSv1.2", value: "true" },
      { name: "ECDHE-RSA-AES128-SHA", value: "true" },
    ]);
    expect(a.strong).toBe(false);
    expect(a.problems).toContain("accepts TLS 1.0 (below the TLS 1.2 floor)");
    expect(a.problems).toContain("includes CBC ciphers (ECDHE-RSA-AES128-SHA)");
  });

  it("explicit attributes: an unknown cipher fails closed", () => {
    const a = assessClassicElbSslAttributes([
      { name: "Protocol-TLSv1.2", value: "true" },
      { name: "ECDHE-RSA-AES128-GCM-SHA256", value: "true" },
      { name: "ECDHE-RSA-SUPERCIPHER", value: "true" },
    ]);
    expect(a).toMatchObject({ known: false, strong: false });
    expect(a.problems).toContain("includes ciphers this table does not know (ECDHE-RSA-SUPERCIPHER)");
  });

  it.each([
    ["no protocol enabled", [{ name: "ECDHE-RSA-AES128-GCM-SHA256", value: "true" }], "enables no protocol"],
    ["no cipher enabled", [{ name: "Protocol-TLSv1.2", value: "true" }], "enables no cipher"],
    [
      "an unknown protocol",
      [
        { name: "Protocol-TLSv1.3", value: "true" },
        { name: "ECDHE-RSA-AES128-GCM-SHA256", value: "true" },
      ],
      "enables protocols this table does not know (Protocol-TLSv1.3)",
    ],
    [
      "a value that is not true/false",
      [
        { name: "Protocol-TLSv1.2", value: "yes" },
        { name: "ECDHE-RSA-AES128-GCM-SHA256", value: "true" },
      ],
      'has attributes whose value is not "true" or "false" (Protocol-TLSv1.2)',
    ],
  ])("explicit attributes with %s fail closed", (_label, attrs, problem) => {
    const a = assessClassicElbSslAttributes(attrs);
    expect(a.strong).toBe(false);
    expect(a.problems).toContain(problem);
  });

  it.each([undefined, "ELBSecurityPolicy-2016-08", [{ value: "true" }], [null]])(
    "non-list attributes %p fail closed",
    (attrs) => {
      expect(assessClassicElbSslAttributes(attrs)).toMatchObject({ known: false, strong: false });
    },
  );
});
