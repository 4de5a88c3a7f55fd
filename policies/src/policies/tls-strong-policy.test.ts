import * as fs from "node:fs";
import * as path from "node:path";
import {
  TLS_ENDPOINT_TYPES,
  tlsStrongPolicy as policy,
  tlsStrongPolicyConfigSchema,
} from "./tls-strong-policy";
import { policies } from "./index";
import {
  runResource,
  runStack,
  secret,
  UNKNOWN_NUMBER,
  UNKNOWN_STRING,
  UNKNOWN_OBJECT,
  urnOf,
  type StackResourceSpec,
} from "../testing/harness";
import { assessElbSecurityPolicy, assessTlsPolicy, strongElbSecurityPolicies, TLS_SERVICES } from "../rules";

const LISTENERS = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"];
const STRONG = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06";
const STRONG13 = "ELBSecurityPolicy-TLS13-1-3-2021-06";

describe("phi-tls-strong-policy: ELB listeners", () => {
  it.each(LISTENERS)("%s: strong policy passes, missing / weak / unknown names fail closed", async (type) => {
    expect((await runResource(policy, type, { protocol: "HTTPS", sslPolicy: STRONG })).diagnostics).toEqual(
      [],
    );
    expect((await runResource(policy, type, { protocol: "TLS", sslPolicy: STRONG13 })).diagnostics).toEqual(
      [],
    );
    const unset = await runResource(policy, type, { protocol: "HTTPS" });
    expect(unset.mandatory[0].message).toContain(
      "sslPolicy is not set; the API then applies ELBSecurityPolicy-2016-08",
    );
    expect(unset.mandatory[0].message).toContain(STRONG13);
    for (const name of [
      "ELBSecurityPolicy-TLS13-1-2-2021-06",
      "ELBSecurityPolicy-2016-08",
      "ELBSecurityPolicy-TLS-1-1-2017-01",
      "elbsecuritypolicy-tls13-1-2-2021-06",
      "ELBSecurityPolicy-SENTINEL",
    ])
      expect(
        (await runResource(policy, type, { protocol: "HTTPS", sslPolicy: name })).mandatory,
      ).toHaveLength(1);
  });

  it("minimumTlsVersion 1.3 rejects TLS 1.2 policies and lists only 1.3 ones", async () => {
    const v = await runResource(
      policy,
      LISTENERS[0],
      { protocol: "HTTPS", sslPolicy: STRONG },
      { minimumTlsVersion: "1.3" },
    );
    expect(v.mandatory).toHaveLength(1);
    expect(v.mandatory[0].message).toContain("below the floor of TLS 1.3");
    expect(strongElbSecurityPolicies("1.3")).toContain(STRONG13);
    expect(
      (
        await runResource(
          policy,
          LISTENERS[0],
          { protocol: "HTTPS", sslPolicy: STRONG13 },
          { minimumTlsVersion: "1.3" },
        )
      ).diagnostics,
    ).toEqual([]);
    await expect(runResource(policy, LISTENERS[0], {}, { minimumTlsVersion: "1.1" })).rejects.toThrow(
      /invalid config/,
    );
  });

  it("a weak sslPolicy with an unknown certificate is mandatory", async () => {
    const v = await runResource(policy, LISTENERS[1], {
      protocol: "HTTPS",
      sslPolicy: "ELBSecurityPolicy-2016-08",
      certificateArn: UNKNOWN_STRING,
      loadBalancerArn: UNKNOWN_STRING,
    });
    expect(v.mandatory).toHaveLength(1);
  });

  it("unknown sslPolicy or protocol (with no policy) is advisory; plain HTTP listeners are not applicable", async () => {
    expect(
      (await runResource(policy, LISTENERS[0], { protocol: "HTTPS", sslPolicy: UNKNOWN_STRING })).advisory,
    ).toHaveLength(1);
    expect((await runResource(policy, LISTENERS[0], { protocol: UNKNOWN_STRING })).advisory).toHaveLength(1);
    expect(
      (
        await runResource(policy, LISTENERS[0], {
          protocol: UNKNOWN_STRING,
          sslPolicy: "ELBSecurityPolicy-2016-08",
        })
      ).mandatory,
    ).toHaveLength(1);
    expect((await runResource(policy, LISTENERS[0], { protocol: "HTTP" })).notApplicable).toHaveLength(1);
  });

  it("never prints the policy name, even when secret", async () => {
    const v = await runResource(policy, LISTENERS[0], {
      protocol: "HTTPS",
      sslPolicy: secret("ELBSecurityPolicy-SENTINEL"),
      certificateArn: "arn:aws:acm:SENTINEL",
    });
    expect(v.mandatory).toHaveLength(1);
    expect(v.text).not.toContain("SENTINEL");
  });
});

describe("phi-tls-strong-policy: other TLS floors", () => {
  it("classic ELB negotiation policies", async () => {
    const ref = (n: string) => [{ name: "Reference-Security-Policy", value: n }];
    const SSL = "aws:elb/sslNegotiationPolicy:SslNegotiationPolicy";
    const LBP = "aws:elb/loadBalancerPolicy:LoadBalancerPolicy";
    expect(
      (await runResource(policy, SSL, { attributes: ref("ELBSecurityPolicy-2016-08") })).mandatory,
    ).toHaveLength(1);
    expect(
      (
        await runResource(policy, SSL, {
          attributes: [
            { name: "Protocol-TLSv1", value: "true" },
            { name: "ECDHE-RSA-AES128-SHA", value: "true" },
          ],
        })
      ).mandatory,
    ).toHaveLength(1);
    expect(
      (
        await runResource(policy, SSL, {
          attributes: [{ name: "Reference-Security-Policy", value: UNKNOWN_STRING }],
        })
      ).advisory,
    ).toHaveLength(1);
    expect(
      (
        await runResource(policy, LBP, {
          policyTypeName: "SSLNegotiationPolicyType",
          policyAttributes: ref("ELBSecurityPolicy-2016-08"),
        })
      ).mandatory,
    ).toHaveLength(1);
    expect(
      (await runResource(policy, LBP, { policyTypeName: "ProxyProtocolPolicyType" })).notApplicable,
    ).toHaveLength(1);
  });

  it("CloudFront viewer certificates", async () => {
    const CF = "aws:cloudfront/distribution:Distribution";
    expect(
      (
        await runResource(policy, CF, {
          viewerCertificate: {
            acmCertificateArn: "arn",
            minimumProtocolVersion: "TLSv1.2_2021",
            sslSupportMethod: "sni-only",
          },
        })
      ).diagnostics,
    ).toEqual([]);
    expect(
      (await runResource(policy, CF, { viewerCertificate: { cloudfrontDefaultCertificate: true } }))
        .mandatory,
    ).toHaveLength(1);
    expect(
      (
        await runResource(policy, CF, {
          viewerCertificate: { acmCertificateArn: "arn", minimumProtocolVersion: "TLSv1.1_2016" },
        })
      ).mandatory,
    ).toHaveLength(1);
    expect(
      (await runResource(policy, CF, { viewerCertificate: { acmCertificateArn: "arn" } })).mandatory,
    ).toHaveLength(1);
    expect((await runResource(policy, CF, { viewerCertificate: UNKNOWN_OBJECT })).advisory).toHaveLength(1);
  });

  describe("CloudFront with cloudfrontDefaultCertificate unknown at preview", () => {
    const CF = "aws:cloudfront/distribution:Distribution";
    const withFlagUnknown = (extra: Record<string, unknown>) =>
      runResource(policy, CF, {
        viewerCertificate: { cloudfrontDefaultCertificate: UNKNOWN_STRING, ...extra },
      });

    // Both branches fail: the default certificate accepts TLSv1, and a custom certificate with this
    // minimumProtocolVersion is judged exactly as when the flag is known false.
    it.each([
      ["unset", {}],
      ["empty", { minimumProtocolVersion: "" }],
      ["weak", { minimumProtocolVersion: "TLSv1.1_2016" }],
      ["not in the table", { minimumProtocolVersion: "TLSv9_2099" }],
    ])("a %s minimumProtocolVersion is mandatory", async (_what, extra) => {
      const v = await withFlagUnknown(extra);
      const custom = await runResource(policy, CF, {
        viewerCertificate: { cloudfrontDefaultCertificate: false, ...extra },
      });
      expect(v.mandatory).toHaveLength(1);
      expect(v.mandatory[0].message).toContain("viewerCertificate.minimumProtocolVersion");
      expect(v.mandatory.map((d) => d.message)).toEqual(custom.mandatory.map((d) => d.message));
      expect(v.advisory).toEqual([]);
    });

    it("a strong minimumProtocolVersion leaves the decision to the flag (advisory)", async () => {
      const v = await withFlagUnknown({ minimumProtocolVersion: "TLSv1.2_2021" });
      expect(v.mandatory).toEqual([]);
      expect(v.advisory).toHaveLength(1);
      expect(v.advisory[0].message).toMatch(
        /viewerCertificate\.cloudfrontDefaultCertificate: .*not known at preview.*`pulumi up`/,
      );
    });

    it("an unknown minimumProtocolVersion names both fields (advisory)", async () => {
      const v = await withFlagUnknown({ minimumProtocolVersion: UNKNOWN_STRING });
      expect(v.mandatory).toEqual([]);
      expect(v.advisory).toHaveLength(2);
      expect(v.text).toContain("viewerCertificate.cloudfrontDefaultCertificate");
      expect(v.text).toContain("viewerCertificate.minimumProtocolVersion");
    });
  });

  it("API Gateway v1 custom domains: accepted names by endpoint type, TLS_1_2 by default", async () => {
    const V1 = "aws:apigateway/domainName:DomainName";
    const regional = (securityPolicy?: unknown) => ({
      endpointConfiguration: { types: "REGIONAL" },
      ...(securityPolicy === undefined ? {} : { securityPolicy }),
    });
    expect((await runResource(policy, V1, regional("SecurityPolicy_TLS13_1_3_2025_09"))).diagnostics).toEqual(
      [],
    );
    expect(
      (await runResource(policy, V1, regional("SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09"))).diagnostics,
    ).toEqual([]);
    // Edge-optimized is the default endpoint type; its own enhanced policies pass there.
    expect(
      (await runResource(policy, V1, { securityPolicy: "SecurityPolicy_TLS13_2025_EDGE" })).diagnostics,
    ).toEqual([]);
    const unset = await runResource(policy, V1, regional());
    expect(unset.mandatory.map((d) => d.message.split("\n")[1])).toEqual([
      "securityPolicy is not set (endpointConfiguration.types REGIONAL); API Gateway then applies TLS_1_2, which allows RSA key exchange and CBC ciphers; use one of: SecurityPolicy_TLS13_1_3_2025_09, SecurityPolicy_TLS13_1_3_FIPS_2025_09, SecurityPolicy_TLS13_1_2_FIPS_PFS_PQ_2025_09, SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09 (a SecurityPolicy_* policy also needs endpointAccessMode BASIC or STRICT)",
    ]);
    for (const name of ["TLS_1_2", "TLS_1_0", "SecurityPolicy_TLS13_1_2_2021_06"])
      expect((await runResource(policy, V1, regional(name))).mandatory).toHaveLength(1);
    // A policy AWS accepts only for the other endpoint type is named as such, and never recommended.
    const wrongType = await runResource(policy, V1, regional("SecurityPolicy_TLS13_2025_EDGE"));
    expect(wrongType.mandatory).toHaveLength(1);
    expect(wrongType.mandatory[0].message).toContain(
      "\nsecurityPolicy (endpointConfiguration.types REGIONAL) is not a policy AWS accepts for an API Gateway custom domain (accepted: TLS_1_0, TLS_1_2, SecurityPolicy_TLS13_1_3_2025_09,",
    );
    const edgeUnset = await runResource(policy, V1, {});
    expect(edgeUnset.mandatory[0].message).toContain(
      "use one of: SecurityPolicy_TLS13_2025_EDGE, SecurityPolicy_TLS12_PFS_2025_EDGE (a SecurityPolicy_*",
    );
    expect(edgeUnset.mandatory[0].message).not.toContain("SecurityPolicy_TLS13_1_3_2025_09");
    // Pulumi 7 spells types as a string; a one-element list (older programs) is read the same way.
    expect(
      (
        await runResource(policy, V1, {
          endpointConfiguration: { types: ["REGIONAL"] },
          securityPolicy: "SecurityPolicy_TLS13_1_3_2025_09",
        })
      ).diagnostics,
    ).toEqual([]);
    const bogus = await runResource(policy, V1, {
      endpointConfiguration: { types: "GLOBAL" },
      securityPolicy: "SecurityPolicy_TLS13_1_3_2025_09",
    });
    expect(bogus.mandatory.map((d) => d.message.split("\n")[1])).toEqual([
      "endpointConfiguration.types is not one of EDGE, REGIONAL, PRIVATE, so which security policies AWS accepts for securityPolicy is not known; set it to one of them",
    ]);
  });

  it("API Gateway v1 custom domains with the endpoint type unknown at preview", async () => {
    const V1 = "aws:apigateway/domainName:DomainName";
    const typesUnknown = (securityPolicy: unknown) => ({
      endpointConfiguration: { types: UNKNOWN_STRING },
      securityPolicy,
    });
    // Weak for every endpoint type: decidable, mandatory.
    const weak = await runResource(policy, V1, typesUnknown("TLS_1_2"));
    expect(weak.advisory).toEqual([]);
    expect(weak.mandatory.map((d) => d.message.split("\n")[1])).toEqual([
      "securityPolicy does not meet the strict profile (TLS >= 1.2, forward-secret AEAD ciphers only) for any endpointConfiguration.types (EDGE, REGIONAL, PRIVATE); use, by endpoint type, EDGE: SecurityPolicy_TLS13_2025_EDGE, SecurityPolicy_TLS12_PFS_2025_EDGE; REGIONAL, PRIVATE: SecurityPolicy_TLS13_1_3_2025_09, SecurityPolicy_TLS13_1_3_FIPS_2025_09, SecurityPolicy_TLS13_1_2_FIPS_PFS_PQ_2025_09, SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09 (a SecurityPolicy_* policy also needs endpointAccessMode BASIC or STRICT)",
    ]);
    // Strong for one endpoint type only: decided at `pulumi up`.
    const edgeOnly = await runResource(policy, V1, typesUnknown("SecurityPolicy_TLS13_2025_EDGE"));
    expect(edgeOnly.mandatory).toEqual([]);
    expect(edgeOnly.advisory.map((d) => d.message.split("\n")[1])).toEqual([
      "endpointConfiguration.types (which security policies AWS accepts for securityPolicy): it is not known at preview; this policy checks it again at `pulumi up`",
    ]);
    expect((await runResource(policy, V1, typesUnknown(UNKNOWN_STRING))).advisory).toHaveLength(1);
  });

  it("API Gateway REST APIs: the default execute-api endpoint's policy, unless that endpoint is disabled", async () => {
    const REST = "aws:apigateway/restApi:RestApi";
    const unset = await runResource(policy, REST, { name: "claims" });
    expect(unset.mandatory.map((d) => d.message.split("\n")[1])).toEqual([
      "securityPolicy is not set (endpointConfiguration.types EDGE, disableExecuteApiEndpoint not true); the default execute-api endpoint of an edge-optimized API then accepts TLS 1.0; use one of: SecurityPolicy_TLS13_2025_EDGE, SecurityPolicy_TLS12_PFS_2025_EDGE (a SecurityPolicy_* policy also needs endpointAccessMode BASIC or STRICT)",
    ]);
    const privateUnset = await runResource(policy, REST, { endpointConfiguration: { types: "PRIVATE" } });
    expect(privateUnset.mandatory[0].message).toContain(
      "\nsecurityPolicy is not set (endpointConfiguration.types PRIVATE, disableExecuteApiEndpoint not true); the default execute-api endpoint of a private API then applies TLS_1_2",
    );
    expect(
      (
        await runResource(policy, REST, {
          endpointConfiguration: { types: "REGIONAL" },
          securityPolicy: "SecurityPolicy_TLS13_1_3_FIPS_2025_09",
          endpointAccessMode: "STRICT",
        })
      ).diagnostics,
    ).toEqual([]);
    expect((await runResource(policy, REST, { securityPolicy: "TLS_1_0" })).mandatory).toHaveLength(1);
    // A misspelt endpoint type: the fix names the real types, and disabling the endpoint that is judged.
    const bogus = await runResource(policy, REST, { endpointConfiguration: { types: "GLOBAL" } });
    expect(bogus.mandatory.map((d) => d.message.split("\n")[1])).toEqual([
      "endpointConfiguration.types is not one of EDGE, REGIONAL, PRIVATE, so which security policies AWS accepts for securityPolicy is not known; set it to one of them, or set disableExecuteApiEndpoint: true if clients use only a custom domain",
    ]);
    // With the execute-api endpoint disabled, clients reach the API only through custom domains.
    expect((await runResource(policy, REST, { disableExecuteApiEndpoint: true })).notApplicable).toEqual([
      "the default execute-api endpoint is disabled (clients use a custom domain)",
    ]);
    expect((await runResource(policy, REST, { disableExecuteApiEndpoint: false })).mandatory).toHaveLength(1);
    const flagUnknown = await runResource(policy, REST, { disableExecuteApiEndpoint: UNKNOWN_STRING });
    expect(flagUnknown.mandatory).toEqual([]);
    expect(flagUnknown.advisory.map((d) => d.message.split("\n")[1])).toEqual([
      "disableExecuteApiEndpoint (whether the endpoint uses securityPolicy, which fails this policy): it is not known at preview; this policy checks it again at `pulumi up`",
    ]);
    expect(
      (
        await runResource(policy, REST, {
          disableExecuteApiEndpoint: UNKNOWN_STRING,
          securityPolicy: "SecurityPolicy_TLS13_2025_EDGE",
        })
      ).diagnostics,
    ).toEqual([]);
  });

  it("API Gateway v2 custom domains: no policy AWS accepts passes, and the message says what to do instead", async () => {
    const V2 = "aws:apigatewayv2/domainName:DomainName";
    const v2 = (securityPolicy: unknown) => ({
      domainNameConfiguration: { securityPolicy, certificateArn: UNKNOWN_STRING, endpointType: "REGIONAL" },
    });
    const NONE =
      "no policy AWS accepts here meets the strict profile: API Gateway v2 custom domains accept only TLS_1_0 and TLS_1_2, and both allow RSA key exchange and CBC ciphers. " +
      "Serve a REST API through an aws.apigateway.DomainName (REGIONAL) with securityPolicy SecurityPolicy_TLS13_1_3_2025_09 and endpointAccessMode STRICT " +
      "(HTTP APIs cannot be mapped to a domain with an enhanced policy, and WebSocket APIs always use TLS_1_2), " +
      "put a load balancer or CloudFront distribution whose TLS policy passes in front of the API, or record an exemption";
    const tls12 = await runResource(policy, V2, v2("TLS_1_2"));
    expect(tls12.mandatory.map((d) => d.message.split("\n")[1])).toEqual([
      `domainNameConfiguration.securityPolicy does not meet the strict profile (TLS >= 1.2, forward-secret AEAD ciphers only); ${NONE}`,
    ]);
    // The enhanced REST API policies are strong, but AWS rejects them here: never recommended, named as such.
    const enhanced = await runResource(policy, V2, v2("SecurityPolicy_TLS13_1_3_2025_09"));
    expect(enhanced.mandatory.map((d) => d.message.split("\n")[1])).toEqual([
      `domainNameConfiguration.securityPolicy is not a policy AWS accepts for an API Gateway v2 custom domain (accepted: TLS_1_0, TLS_1_2); ${NONE}`,
    ]);
    expect((await runResource(policy, V2, v2("TLS_1_0"))).mandatory).toHaveLength(1);
    expect(
      (await runResource(policy, V2, v2("TLS_1_2"), { tlsProfile: "nist-800-52r2" })).mandatory[0].message,
    ).toContain("no policy AWS accepts here meets the nist-800-52r2 profile: API Gateway v2 custom domains");
  });

  it.each(["aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain"])(
    "%s endpoint options: no policy can be shown to pass, and the message says so",
    async (type) => {
      // AWS documents no OpenSearch policy's cipher suites, so every one of them is blocked.
      const names = [
        "Policy-Min-TLS-1-0-2019-07",
        "Policy-Min-TLS-1-2-2019-07",
        "Policy-Min-TLS-1-2-PFS-2023-10",
        "Policy-Min-TLS-1-2-RFC9151-FIPS-2024-08",
      ];
      expect(Object.keys(TLS_SERVICES.openSearch.policies).sort()).toEqual([...names].sort());
      for (const tlsProfile of ["strict", "nist-800-52r2"])
        for (const name of names) {
          const v = await runResource(
            policy,
            type,
            { domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: name } },
            { tlsProfile },
          );
          expect({ name, tlsProfile, mandatory: v.mandatory.map((d) => d.message) }).toEqual({
            name,
            tlsProfile,
            mandatory: [
              expect.stringMatching(
                /\ndomainEndpointOptions\.tlsSecurityPolicy (accepts TLS 1\.0|does not meet the (strict|nist-800-52r2) profile).*no policy AWS accepts here meets the (strict|nist-800-52r2) profile: AWS publishes no cipher suites for any OpenSearch TLS policy, so none can be shown to meet the profile; set Policy-Min-TLS-1-2-PFS-2023-10 \(TLS 1\.2\+, forward secrecy documented\) and record an exemption, or keep PHI out of the domain$/,
              ),
            ],
          });
        }
      const pfs = "Policy-Min-TLS-1-2-PFS-2023-10";
      const plain = await runResource(policy, type, {
        domainEndpointOptions: { enforceHttps: false, tlsSecurityPolicy: pfs },
      });
      expect(plain.mandatory).toHaveLength(2);
      expect(plain.mandatory[0].message).toContain("enforceHttps is not true");
      expect((await runResource(policy, type, {})).mandatory).toHaveLength(2);
    },
  );

  it("Transfer Family servers: the TLS policy is judged only when the server offers FTPS", async () => {
    const T = "aws:transfer/server:Server";
    const names = Object.keys(TLS_SERVICES.transfer.policies);
    expect(names).toHaveLength(15);
    // The default protocol is SFTP, which uses none of the policy's TLS ciphers.
    expect((await runResource(policy, T, {})).notApplicable).toEqual([
      "the server does not offer FTPS (protocols), so its TLS ciphers are not used",
    ]);
    for (const protocols of [["SFTP"], ["AS2"], ["sftp", "AS2"]])
      expect(
        (await runResource(policy, T, { protocols, securityPolicyName: "TransferSecurityPolicy-2018-11" }))
          .notApplicable,
      ).toHaveLength(1);
    // With FTPS, no published policy passes the strict profile.
    for (const name of names) {
      const v = await runResource(policy, T, { protocols: ["SFTP", "FTPS"], securityPolicyName: name });
      expect({ name, mandatory: v.mandatory.length }).toEqual({ name, mandatory: 1 });
    }
    const strict = await runResource(policy, T, {
      protocols: ["FTPS"],
      securityPolicyName: "TransferSecurityPolicy-2024-01",
    });
    expect(strict.mandatory.map((d) => d.message.split("\n")[1])).toEqual([
      "protocols include FTPS and securityPolicyName does not meet the strict profile (TLS >= 1.2, forward-secret AEAD ciphers only); no policy AWS accepts here meets the strict profile: every published Transfer Family policy offers ECDHE CBC-SHA256/SHA384 suites on FTPS: serve SFTP only (remove FTPS from protocols), select tlsProfile nist-800-52r2, or record an exemption",
    ]);
    const unset = await runResource(policy, T, { protocols: ["ftps"] });
    expect(unset.mandatory[0].message).toContain(
      "\nprotocols include FTPS and securityPolicyName is not set; the provider then applies TransferSecurityPolicy-2018-11",
    );
  });

  it("Transfer Family servers under nist-800-52r2, and with protocols unknown at preview", async () => {
    const T = "aws:transfer/server:Server";
    const nist = { tlsProfile: "nist-800-52r2" };
    const ftps = (securityPolicyName: unknown) => ({ protocols: ["FTPS"], securityPolicyName });
    expect((await runResource(policy, T, ftps("TransferSecurityPolicy-2024-01"), nist)).diagnostics).toEqual(
      [],
    );
    expect(
      (await runResource(policy, T, ftps("TransferSecurityPolicy-FIPS-2025-03"), nist)).diagnostics,
    ).toEqual([]);
    const legacy = await runResource(policy, T, ftps("TransferSecurityPolicy-2018-11"), nist);
    expect(legacy.mandatory[0].message).toContain(
      "\nprotocols include FTPS and securityPolicyName does not meet the nist-800-52r2 profile (TLS >= 1.2, forward-secret AEAD ciphers or ECDHE CBC-SHA256/SHA384 (ECDHE-ECDSA-AES128-SHA256, ECDHE-ECDSA-AES256-SHA384, ECDHE-RSA-AES128-SHA256, ECDHE-RSA-AES256-SHA384)); use one of: TransferSecurityPolicy-2025-03,",
    );
    // A weak policy with the protocols unknown: the server may not offer FTPS, so advisory.
    const weak = await runResource(policy, T, {
      protocols: UNKNOWN_STRING,
      securityPolicyName: "TransferSecurityPolicy-2018-11",
    });
    expect(weak.mandatory).toEqual([]);
    expect(weak.advisory.map((d) => d.message.split("\n")[1])).toEqual([
      "protocols (whether the endpoint uses securityPolicyName, which fails this policy): it is not known at preview; this policy checks it again at `pulumi up`",
    ]);
    expect(
      (await runResource(policy, T, { protocols: ["SFTP", UNKNOWN_STRING] }, nist)).advisory,
    ).toHaveLength(1);
    // A policy that passes leaves only the list itself to check at `pulumi up` (it may not be a list).
    const strong = await runResource(
      policy,
      T,
      { protocols: UNKNOWN_STRING, securityPolicyName: "TransferSecurityPolicy-2024-01" },
      nist,
    );
    expect(strong.mandatory).toEqual([]);
    expect(strong.advisory.map((d) => d.message.split("\n")[1])).toEqual([
      "protocols (whether it is a list that includes FTPS): it is not known at preview; this policy checks it again at `pulumi up`",
    ]);
    expect(
      (await runResource(policy, T, { protocols: "FTPS" })).mandatory.map((d) => d.message.split("\n")[1]),
    ).toEqual(["protocols is not a list of protocols"]);
  });

  it("tlsProfile nist-800-52r2 accepts ECDHE CBC-SHA256/SHA384 listeners; other values are refused", async () => {
    const listener = { protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" };
    expect((await runResource(policy, LISTENERS[0], listener)).mandatory[0].message).toContain(
      "\nsslPolicy does not meet the strict profile (TLS >= 1.2, forward-secret AEAD ciphers only); use one of: ELBSecurityPolicy-TLS13-1-3-2021-06,",
    );
    expect(
      (await runResource(policy, LISTENERS[0], listener, { tlsProfile: "nist-800-52r2" })).diagnostics,
    ).toEqual([]);
    expect(
      (
        await runResource(policy, LISTENERS[0], listener, {
          tlsProfile: "nist-800-52r2",
          minimumTlsVersion: "1.3",
        })
      ).mandatory[0].message,
    ).toContain(
      "\nsslPolicy accepts TLS 1.2, below the floor of TLS 1.3; use one of: ELBSecurityPolicy-TLS13-1-3-2021-06",
    );
    await expect(runResource(policy, LISTENERS[0], listener, { tlsProfile: "nist" })).rejects.toThrow(
      /invalid config/,
    );
    expect(tlsStrongPolicyConfigSchema.properties.tlsProfile).toMatchObject({
      enum: ["strict", "nist-800-52r2"],
      default: "strict",
    });
  });
});

describe("phi-tls-strong-policy (stack): classic ELB https/ssl listeners need an SSL negotiation policy", () => {
  const ELB = "aws:elb/loadBalancer:LoadBalancer";
  const SSL = "aws:elb/sslNegotiationPolicy:SslNegotiationPolicy";
  const LBP = "aws:elb/loadBalancerPolicy:LoadBalancerPolicy";
  const LISTENER_POLICY = "aws:elb/listenerPolicy:ListenerPolicy";
  const REF = [{ name: "Reference-Security-Policy", value: "ELBSecurityPolicy-TLS-1-2-2017-01" }];
  const elb = (
    name: string,
    listeners: unknown[],
    props: Record<string, unknown> = {},
  ): StackResourceSpec => ({
    type: ELB,
    name,
    props: { name: `${name}-elb`, id: `${name}-elb`, internal: true, listeners, ...props },
  });
  const https = (lbPort: unknown, lbProtocol: unknown = "https") => ({
    lbPort,
    lbProtocol,
    instancePort: 8443,
    instanceProtocol: "https",
    sslCertificateId: "arn:aws:acm:us-east-1:123456789012:certificate/SENTINEL",
  });
  const negotiation = (
    name: string,
    loadBalancer: unknown,
    lbPort: unknown,
    deps?: Record<string, string[]>,
  ) => ({
    type: SSL,
    name,
    props: { name, loadBalancer, lbPort, attributes: REF },
    deps,
  });
  const lbPolicy = (name: string, elbName: string, policyTypeName: unknown = "SSLNegotiationPolicyType") => ({
    type: LBP,
    name,
    props: { loadBalancerName: `${elbName}-elb`, policyName: name, policyTypeName, policyAttributes: REF },
  });
  const listenerPolicy = (
    name: string,
    loadBalancerName: unknown,
    loadBalancerPort: unknown,
    policyNames: unknown,
    deps?: Record<string, string[]>,
  ) => ({ type: LISTENER_POLICY, name, props: { loadBalancerName, loadBalancerPort, policyNames }, deps });

  it("passes when every https/ssl listener has an SslNegotiationPolicy on its port (by name or by id)", async () => {
    const v = await runStack(policy, [
      elb("web", [
        https(443),
        https(8443, "SSL"),
        { lbPort: 80, lbProtocol: "http", instancePort: 80, instanceProtocol: "http" },
      ]),
      negotiation("web-443", "web-elb", 443),
      negotiation("web-8443", "web-elb", 8443),
    ]);
    expect(v.diagnostics).toEqual([]);
    expect(v.notApplicable).toEqual([]);
    // A stack without classic ELBs is not applicable.
    expect((await runStack(policy, [negotiation("orphan", "gone", 443)])).notApplicable).toEqual([
      "no classic ELB in this stack",
    ]);
  });

  it("blocks a listener with no negotiation policy, naming the listener and its port field only", async () => {
    const v = await runStack(policy, [elb("web", [{ lbPort: 80, lbProtocol: "http" }, https(443, "HTTPS")])]);
    expect(v.mandatory).toHaveLength(1);
    expect(v.mandatory[0].urn).toBe(urnOf(ELB, "web"));
    expect(v.mandatory[0].message).toContain(
      "listeners[1] is an https/ssl listener with no SSL negotiation policy on its port (listeners[1].lbPort); AWS then applies ELBSecurityPolicy-2016-08",
    );
    expect(v.mandatory[0].message).toContain(
      "whose attributes enable only TLS >= 1.2 and forward-secret AEAD ciphers (e.g. Protocol-TLSv1.2 with ECDHE-RSA-AES128-GCM-SHA256); no predefined classic ELB policy meets the floor",
    );
    expect(v.text).not.toContain("443");
    expect(v.text).not.toContain("SENTINEL");
  });

  it("a policy on another port or another load balancer does not count", async () => {
    const wrongPort = await runStack(policy, [elb("web", [https(443)]), negotiation("p", "web-elb", 8443)]);
    expect(wrongPort.mandatory).toHaveLength(1);
    expect(wrongPort.mandatory[0].message).toContain("listeners[0].lbPort");
    const otherElb = await runStack(policy, [
      elb("web", [https(443)]),
      elb("api", [https(443)]),
      negotiation("p", "api-elb", 443),
    ]);
    expect(otherElb.mandatory.map((d) => d.urn)).toEqual([urnOf(ELB, "web")]);
  });

  it("accepts a ListenerPolicy naming an SSLNegotiationPolicyType LoadBalancerPolicy on the port", async () => {
    const base = [elb("web", [https(443)]), lbPolicy("tls12", "web")];
    expect(
      (await runStack(policy, [...base, listenerPolicy("lp", "web-elb", 443, ["tls12"])])).diagnostics,
    ).toEqual([]);
    // Wrong port, a non-SSL policy type, or a name that no policy of this ELB has: blocked.
    for (const specs of [
      [...base, listenerPolicy("lp", "web-elb", 8443, ["tls12"])],
      [
        elb("web", [https(443)]),
        lbPolicy("proxy", "web", "ProxyProtocolPolicyType"),
        listenerPolicy("lp", "web-elb", 443, ["proxy"]),
      ],
      [...base, listenerPolicy("lp", "web-elb", 443, ["not-in-stack"])],
      [
        elb("web", [https(443)]),
        elb("api", []),
        lbPolicy("tls12", "api"),
        listenerPolicy("lp", "web-elb", 443, ["tls12"]),
      ],
    ])
      expect((await runStack(policy, specs)).mandatory).toHaveLength(1);
  });

  it("follows property dependencies at preview, when names and ids are unknown", async () => {
    const previewElb = elb("web", [https(443)], { name: UNKNOWN_STRING, id: UNKNOWN_STRING });
    expect(
      (await runStack(policy, [previewElb, negotiation("p", UNKNOWN_STRING, 443, { loadBalancer: ["web"] })]))
        .diagnostics,
    ).toEqual([]);
    const viaListenerPolicy = await runStack(policy, [
      previewElb,
      {
        ...lbPolicy("tls12", "web"),
        props: { ...lbPolicy("tls12", "web").props, loadBalancerName: UNKNOWN_STRING },
        deps: { loadBalancerName: ["web"] },
      },
      listenerPolicy("lp", UNKNOWN_STRING, 443, [UNKNOWN_STRING], {
        loadBalancerName: ["web"],
        policyNames: ["tls12"],
      }),
    ]);
    expect(viaListenerPolicy.diagnostics).toEqual([]);
  });

  it("an unknown lbPort at preview is advisory when a policy is attached to the ELB, mandatory when none is", async () => {
    const v = await runStack(policy, [elb("web", [https(UNKNOWN_NUMBER)]), negotiation("p", "web-elb", 443)]);
    expect(v.mandatory).toEqual([]);
    expect(v.advisory).toHaveLength(1);
    expect(v.advisory[0].message).toContain("listeners[0].lbPort");
    expect(v.advisory[0].message).toContain("checks it again at `pulumi up`");
    // Decidable from known values: nothing is attached to this ELB on any port.
    expect((await runStack(policy, [elb("web", [https(UNKNOWN_NUMBER)])])).mandatory).toHaveLength(1);
    // The attachment's own port or load balancer unknown (no dependency): advisory, not a pass.
    for (const specs of [
      [elb("web", [https(443)]), negotiation("p", "web-elb", UNKNOWN_NUMBER)],
      [elb("web", [https(443)]), negotiation("p", UNKNOWN_STRING, 443)],
      [
        elb("web", [https(443)]),
        lbPolicy("t", "web", UNKNOWN_STRING),
        listenerPolicy("lp", "web-elb", 443, ["t"]),
      ],
    ]) {
      const r = await runStack(policy, specs);
      expect(r.mandatory).toEqual([]);
      expect(r.advisory).toHaveLength(1);
    }
    // An unknown protocol with nothing attached on the port is advisory too.
    expect(
      (await runStack(policy, [elb("web", [https(443, UNKNOWN_STRING)])])).advisory[0].message,
    ).toContain("listeners[0].lbProtocol");
  });

  it("runs in the pack's wrapped policy, where an exemption of the ELB turns it advisory", async () => {
    const wrapped = policies.find((p) => p.name === "phi-tls-strong-policy")!;
    const specs = [elb("web", [https(443)])];
    expect((await runStack(wrapped, specs)).mandatory.map((d) => d.urn)).toEqual([urnOf(ELB, "web")]);
    const exempted = await runStack(wrapped, specs, {
      exemptions: [
        {
          resource: "web",
          reason: "legacy partner endpoint, replaced by the ALB channel",
          ticket: "SEC-123",
          // Within the default maxExemptionDays (365) of whenever the test runs.
          expires: new Date(Date.now() + 100 * 86_400_000).toISOString().slice(0, 10),
          approvedBy: "jane.doe@example.com",
        },
      ],
    });
    expect(exempted.mandatory).toEqual([]);
    expect(exempted.advisory).toHaveLength(1);
    expect(exempted.advisory[0].message).toContain("listeners[0].lbPort");
  });
});

describe("phi-tls-strong-policy remediation", () => {
  const text = policy.remediationSteps ?? "";
  const NIST = "tlsProfile nist-800-52r2 also accepts";
  const named = (part: string) =>
    part.match(
      /ELBSecurityPolicy-[\w-]+|TLSv1\.\d_\d{4}|SecurityPolicy_TLS\w+|TransferSecurityPolicy-[\w-]+/g,
    ) ?? [];
  const assess = (n: string, profile: "strict" | "nist-800-52r2") =>
    n.startsWith("ELB")
      ? assessElbSecurityPolicy(n, "1.2", profile)
      : n.startsWith("TLSv")
        ? assessTlsPolicy("cloudFront", n, "1.2", { profile })
        : n.startsWith("Transfer")
          ? assessTlsPolicy("transfer", n, "1.2", { profile })
          : assessTlsPolicy("apiGateway", n, "1.2", { profile });

  it("recommends only names that pass under both profiles, and nist-only examples only for nist", () => {
    const [both, nistOnly] = text.split(NIST);
    expect(named(both)).toEqual([
      "ELBSecurityPolicy-TLS13-1-3-2021-06",
      "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
      "TLSv1.3_2025",
      "TLSv1.2_2021",
      "SecurityPolicy_TLS13_1_3_2025_09",
      "SecurityPolicy_TLS13_1_3_FIPS_2025_09",
      "SecurityPolicy_TLS13_2025_EDGE",
      "TransferSecurityPolicy-2024-01",
    ]);
    for (const n of named(both).filter((n) => !n.startsWith("Transfer")))
      for (const profile of ["strict", "nist-800-52r2"] as const)
        expect({ n, profile, strong: assess(n, profile).strong }).toEqual({ n, profile, strong: true });
    // The Transfer Family name is offered for nist-800-52r2 only, and says so.
    expect(both).toContain("select tlsProfile nist-800-52r2 (TransferSecurityPolicy-2024-01 meets it)");
    expect(named(nistOnly)).toEqual([
      "TransferSecurityPolicy-2024-01",
      "ELBSecurityPolicy-TLS13-1-2-2021-06",
    ]);
    for (const n of named(nistOnly)) {
      expect({ n, strict: assess(n, "strict").strong }).toEqual({ n, strict: false });
      expect({ n, nist: assess(n, "nist-800-52r2").strong }).toEqual({ n, nist: true });
    }
  });
});

describe("phi-tls-strong-policy: the TLS service table", () => {
  it("judges exactly the resource types of the table, with their aliases and deprecated tokens", () => {
    expect([...TLS_ENDPOINT_TYPES].sort()).toEqual([
      "aws:alb/listener:Listener",
      "aws:apigateway/domainName:DomainName",
      "aws:apigateway/restApi:RestApi",
      "aws:apigatewayv2/domainName:DomainName",
      "aws:cloudfront/distribution:Distribution",
      "aws:cloudfront/multitenantDistribution:MultitenantDistribution",
      "aws:elasticsearch/domain:Domain",
      "aws:elb/loadBalancerPolicy:LoadBalancerPolicy",
      "aws:elb/sslNegotiationPolicy:SslNegotiationPolicy",
      "aws:lb/listener:Listener",
      "aws:opensearch/domain:Domain",
      "aws:transfer/server:Server",
    ]);
  });

  it("every token of the table is a resource type @pulumi/aws declares", () => {
    const awsDir = path.dirname(require.resolve("@pulumi/aws/package.json"));
    for (const token of TLS_ENDPOINT_TYPES) {
      const [, module, file] = /^aws:([a-z0-9]+)\/([A-Za-z0-9]+):[A-Za-z0-9]+$/.exec(token)!;
      const source = fs.readFileSync(path.join(awsDir, module, `${file}.js`), "utf8");
      expect({ token, declared: source.includes(`__pulumiType = '${token}'`) }).toEqual({
        token,
        declared: true,
      });
    }
  });

  it("remediation names the strong choices of each service, from the tables", () => {
    expect(policy.remediationSteps).toContain(
      "ELB listeners: ELBSecurityPolicy-TLS13-1-3-2021-06 or ELBSecurityPolicy-TLS13-1-3-PQ-2025-09; " +
        "CloudFront: TLSv1.3_2025 or TLSv1.2_2021 with an ACM certificate; " +
        "API Gateway REST APIs and custom domains (with endpointAccessMode BASIC or STRICT): SecurityPolicy_TLS13_1_3_2025_09 or SecurityPolicy_TLS13_1_3_FIPS_2025_09 (edge-optimized: SecurityPolicy_TLS13_2025_EDGE); API Gateway v2 domains accept only TLS_1_0 and TLS_1_2, which fail; " +
        "OpenSearch (with enforceHttps): AWS publishes no cipher suites for any OpenSearch TLS policy, so none can be shown to qualify; Policy-Min-TLS-1-2-PFS-2023-10 is the strongest documented (TLS 1.2+, forward secrecy): keep PHI out of the domain or record an exemption naming it; " +
        "Transfer Family (FTPS): every published policy offers ECDHE CBC-SHA256/SHA384 suites on FTPS: serve SFTP only (the TLS policy is then unused), select tlsProfile nist-800-52r2 (TransferSecurityPolicy-2024-01 meets it), or record an exemption (where none qualifies, ",
    );
  });

  it.each([
    [
      "aws:lb/listener:Listener",
      { protocol: "HTTPS" },
      "sslPolicy is not set; the API then applies ELBSecurityPolicy-2016-08, which accepts TLS 1.0 and CBC/SHA-1 ciphers; use one of: ",
    ],
    [
      "aws:apigateway/domainName:DomainName",
      {},
      "securityPolicy is not set (endpointConfiguration.types EDGE); API Gateway then applies TLS_1_2, which allows RSA key exchange and CBC ciphers; use one of: ",
    ],
    [
      "aws:apigateway/restApi:RestApi",
      { endpointConfiguration: { types: "REGIONAL" } },
      "securityPolicy is not set (endpointConfiguration.types REGIONAL, disableExecuteApiEndpoint not true); the default execute-api endpoint of a Regional API then accepts TLS 1.0; use one of: ",
    ],
    [
      "aws:apigatewayv2/domainName:DomainName",
      { domainNameConfiguration: {} },
      "domainNameConfiguration.securityPolicy is not set; the API then applies TLS_1_2, which allows RSA key exchange and CBC ciphers; no policy AWS accepts here meets the strict profile: ",
    ],
    [
      "aws:cloudfront/distribution:Distribution",
      { viewerCertificate: { acmCertificateArn: "arn" } },
      "viewerCertificate.minimumProtocolVersion is not set; CloudFront then accepts TLSv1; use one of: ",
    ],
    [
      "aws:cloudfront/multitenantDistribution:MultitenantDistribution",
      { viewerCertificate: { acmCertificateArn: "arn" } },
      "viewerCertificate.minimumProtocolVersion is not set; CloudFront then accepts TLSv1; use one of: ",
    ],
    [
      "aws:opensearch/domain:Domain",
      { domainEndpointOptions: { enforceHttps: true } },
      "domainEndpointOptions.tlsSecurityPolicy is not set; older domains then accept TLS 1.0; no policy AWS accepts here meets the strict profile: ",
    ],
    [
      "aws:transfer/server:Server",
      { protocols: ["FTPS"] },
      "protocols include FTPS and securityPolicyName is not set; the provider then applies TransferSecurityPolicy-2018-11, which offers RSA key-exchange and CBC suites on FTPS; no policy AWS accepts here meets the strict profile: ",
    ],
  ])("%s: an unset policy names the API default", async (type, props, message) => {
    const v = await runResource(policy, type, props);
    expect(v.mandatory).toHaveLength(1);
    expect(v.mandatory[0].message).toContain(`\n${message}`);
  });

  it("a type outside the table is not applicable", async () => {
    expect((await runResource(policy, "aws:s3/bucketV2:BucketV2", {})).notApplicable).toEqual([
      "aws:s3/bucketV2:BucketV2 sets no TLS security policy this pack knows",
    ]);
  });
});
