import * as fs from "node:fs";
import * as path from "node:path";
import { TLS_ENDPOINT_TYPES, tlsStrongPolicy as policy } from "./tls-strong-policy";
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
      // AWS documents no OpenSearch policy as AEAD-only, so every one of them is blocked.
      const names = [
        "Policy-Min-TLS-1-0-2019-07",
        "Policy-Min-TLS-1-2-2019-07",
        "Policy-Min-TLS-1-2-PFS-2023-10",
      ];
      expect(Object.keys(TLS_SERVICES.openSearch.policies).sort()).toEqual([...names].sort());
      for (const name of names) {
        const v = await runResource(policy, type, {
          domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: name },
        });
        expect({ name, mandatory: v.mandatory.map((d) => d.message) }).toEqual({
          name,
          mandatory: [
            expect.stringMatching(
              /\ndomainEndpointOptions\.tlsSecurityPolicy (accepts TLS 1\.0|does not meet the floor)/,
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
    // No published Transfer Family policy is AEAD-only on its TLS side, so every one is blocked.
    const names = Object.keys(TLS_SERVICES.transfer.policies);
    expect(names).toHaveLength(15);
    for (const name of names) {
      const v = await runResource(policy, T, { securityPolicyName: name });
      expect({ name, mandatory: v.mandatory.length }).toEqual({ name, mandatory: 1 });
      expect(v.mandatory[0].message).toContain("use one of: none in the table meets the floor");
    }
    expect((await runResource(policy, T, {})).mandatory).toHaveLength(1);
    expect(
      (await runResource(policy, T, { securityPolicyName: "TransferSecurityPolicy-2018-11" })).mandatory,
    ).toHaveLength(1);
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
  it("recommends only policy names the strength rule accepts", () => {
    const text = policy.remediationSteps ?? "";
    const named = text.match(/ELBSecurityPolicy-[\w-]+|TLSv1\.\d_\d{4}|SecurityPolicy_TLS\w+/g) ?? [];
    expect(named.length).toBeGreaterThanOrEqual(4);
    const assessments: Record<string, (n: string) => { strong: boolean }> = {
      ELB: (n) => assessElbSecurityPolicy(n),
      TLSv: (n) => assessTlsPolicy("cloudFront", n),
      Sec: (n) => assessTlsPolicy("apiGateway", n),
    };
    for (const n of named) {
      const assess = Object.entries(assessments).find(([prefix]) => n.startsWith(prefix))![1];
      expect({ n, strong: assess(n).strong }).toEqual({ n, strong: true });
    }
  });
});

describe("phi-tls-strong-policy: the TLS service table", () => {
  it("judges exactly the resource types of the table, with their aliases and deprecated tokens", () => {
    expect([...TLS_ENDPOINT_TYPES].sort()).toEqual([
      "aws:alb/listener:Listener",
      "aws:apigateway/domainName:DomainName",
      "aws:apigatewayv2/domainName:DomainName",
      "aws:cloudfront/distribution:Distribution",
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
        "API Gateway: SecurityPolicy_TLS13_1_3_2025_09; " +
        "OpenSearch (with enforceHttps): none of the published policies qualifies; " +
        "Transfer Family: none of the published policies qualifies (where none qualifies, ",
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
      "securityPolicy is not set; API Gateway then accepts TLS 1.0; use one of: ",
    ],
    [
      "aws:apigatewayv2/domainName:DomainName",
      { domainNameConfiguration: {} },
      "domainNameConfiguration.securityPolicy is not set; the API then applies TLS_1_2, which allows RSA key exchange and CBC ciphers; use one of: ",
    ],
    [
      "aws:cloudfront/distribution:Distribution",
      { viewerCertificate: { acmCertificateArn: "arn" } },
      "viewerCertificate.minimumProtocolVersion is not set; CloudFront then accepts TLSv1; use one of: ",
    ],
    [
      "aws:opensearch/domain:Domain",
      { domainEndpointOptions: { enforceHttps: true } },
      "domainEndpointOptions.tlsSecurityPolicy is not set; older domains then accept TLS 1.0; use one of: ",
    ],
    [
      "aws:transfer/server:Server",
      {},
      "securityPolicyName is not set; the API then applies TransferSecurityPolicy-2018-11, which accepts CBC and SHA-1; use one of: ",
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
