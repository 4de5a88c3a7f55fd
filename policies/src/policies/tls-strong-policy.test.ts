import { tlsStrongPolicy as policy } from "./tls-strong-policy";
import { runResource, secret, UNKNOWN_STRING, UNKNOWN_OBJECT } from "../testing/harness";
import {
  assessOpenSearchTlsPolicy,
  assessTransferSecurityPolicy,
  OPENSEARCH_TLS_POLICIES,
  strongElbSecurityPolicies,
  TRANSFER_SECURITY_POLICIES,
} from "../rules";

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

  it("API Gateway v1 and v2 domain names", async () => {
    const V1 = "aws:apigateway/domainName:DomainName";
    const V2 = "aws:apigatewayv2/domainName:DomainName";
    expect(
      (await runResource(policy, V1, { securityPolicy: "SecurityPolicy_TLS13_1_3_2025_09" })).diagnostics,
    ).toEqual([]);
    expect((await runResource(policy, V1, { securityPolicy: "TLS_1_2" })).mandatory).toHaveLength(1);
    expect((await runResource(policy, V1, {})).mandatory).toHaveLength(1);
    expect((await runResource(policy, V1, { securityPolicy: "TLS_1_0" })).mandatory).toHaveLength(1);
    expect(
      (
        await runResource(policy, V2, {
          domainNameConfiguration: {
            securityPolicy: "SecurityPolicy_TLS13_1_3_2025_09",
            certificateArn: UNKNOWN_STRING,
          },
        })
      ).diagnostics,
    ).toEqual([]);
    expect(
      (await runResource(policy, V2, { domainNameConfiguration: { securityPolicy: "TLS_1_0" } })).mandatory,
    ).toHaveLength(1);
  });

  it.each(["aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain"])(
    "%s endpoint options",
    async (type) => {
      for (const name of Object.keys(OPENSEARCH_TLS_POLICIES)) {
        const v = await runResource(policy, type, {
          domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: name },
        });
        expect(v.mandatory).toHaveLength(assessOpenSearchTlsPolicy(name).strong ? 0 : 1);
      }
      const pfs = "Policy-Min-TLS-1-2-PFS-2023-10";
      const plain = await runResource(policy, type, {
        domainEndpointOptions: { enforceHttps: false, tlsSecurityPolicy: pfs },
      });
      expect(plain.mandatory).toHaveLength(assessOpenSearchTlsPolicy(pfs).strong ? 1 : 2);
      expect(plain.mandatory[0].message).toContain("enforceHttps is not true");
      expect(
        (
          await runResource(policy, type, {
            domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-0-2019-07" },
          })
        ).mandatory,
      ).toHaveLength(1);
      expect((await runResource(policy, type, {})).mandatory).toHaveLength(2);
    },
  );

  it("Transfer Family servers", async () => {
    const T = "aws:transfer/server:Server";
    for (const name of Object.keys(TRANSFER_SECURITY_POLICIES)) {
      const v = await runResource(policy, T, { securityPolicyName: name });
      expect(v.mandatory).toHaveLength(assessTransferSecurityPolicy(name).strong ? 0 : 1);
    }
    expect((await runResource(policy, T, {})).mandatory).toHaveLength(1);
    expect(
      (await runResource(policy, T, { securityPolicyName: "TransferSecurityPolicy-2018-11" })).mandatory,
    ).toHaveLength(1);
  });
});
