import { tlsListenersOnly as policy } from "./tls-listeners-only";
import { runResource, secret, UNKNOWN_ARRAY, UNKNOWN_STRING } from "../testing/harness";

const LISTENERS = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"];
const TGS = ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"];
const ELB = "aws:elb/loadBalancer:LoadBalancer";
const redirect = [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }];

describe("phi-tls-listeners-only", () => {
  it.each(LISTENERS)("%s: HTTPS and TLS pass, others are blocked", async (type) => {
    for (const p of ["HTTPS", "TLS", "https"])
      expect((await runResource(policy, type, { protocol: p, loadBalancerArn: "arn" })).diagnostics).toEqual(
        [],
      );
    for (const p of ["HTTP", "TCP", "UDP", "TCP_UDP", "GENEVE", "HTTPSS", undefined])
      expect((await runResource(policy, type, { protocol: p, port: 80 })).mandatory).toHaveLength(1);
  });

  it("an HTTP listener with an unknown load balancer ARN is mandatory", async () => {
    const v = await runResource(policy, LISTENERS[0], {
      protocol: "HTTP",
      loadBalancerArn: UNKNOWN_STRING,
      defaultActions: UNKNOWN_ARRAY,
    });
    expect(v.mandatory).toHaveLength(1);
    expect(v.advisory).toHaveLength(0);
  });

  it("HTTP redirect listeners are blocked by default and allowed only when they redirect everything to HTTPS", async () => {
    expect(
      (await runResource(policy, LISTENERS[1], { protocol: "HTTP", defaultActions: redirect })).mandatory,
    ).toHaveLength(1);
    const cfg = { allowHttpRedirect: true };
    expect(
      (await runResource(policy, LISTENERS[1], { protocol: "HTTP", defaultActions: redirect }, cfg))
        .diagnostics,
    ).toEqual([]);
    const forward = [...redirect, { type: "forward", targetGroupArn: "tg" }];
    expect(
      (await runResource(policy, LISTENERS[1], { protocol: "HTTP", defaultActions: forward }, cfg)).mandatory,
    ).toHaveLength(1);
    const toHttp = [{ type: "redirect", redirect: { protocol: "HTTP" } }];
    expect(
      (await runResource(policy, LISTENERS[1], { protocol: "HTTP", defaultActions: toHttp }, cfg)).mandatory,
    ).toHaveLength(1);
    expect(
      (await runResource(policy, LISTENERS[1], { protocol: "TCP", defaultActions: redirect }, cfg)).mandatory,
    ).toHaveLength(1);
    const u = await runResource(
      policy,
      LISTENERS[1],
      { protocol: "HTTP", defaultActions: UNKNOWN_ARRAY },
      cfg,
    );
    expect(u.mandatory).toEqual([]);
    expect(u.advisory[0].message).toContain("`pulumi up`");
    await expect(
      runResource(policy, LISTENERS[0], { protocol: "HTTPS" }, { allowHttpRedirect: "yes" }),
    ).rejects.toThrow(/invalid config/);
  });

  it("unknown protocol is advisory", async () => {
    const v = await runResource(policy, LISTENERS[0], { protocol: UNKNOWN_STRING });
    expect(v.advisory).toHaveLength(1);
    expect(v.mandatory).toEqual([]);
  });

  it.each(TGS)(
    "%s: target groups must be HTTPS/TLS; lambda and protocol-less are not applicable",
    async (type) => {
      expect((await runResource(policy, type, { protocol: "HTTPS", port: 443 })).diagnostics).toEqual([]);
      expect((await runResource(policy, type, { protocol: "TLS", port: 443 })).diagnostics).toEqual([]);
      for (const p of ["HTTP", "TCP", "GENEVE", "UDP"])
        expect((await runResource(policy, type, { protocol: p })).mandatory).toHaveLength(1);
      expect((await runResource(policy, type, { targetType: "lambda" })).notApplicable).toHaveLength(1);
      expect((await runResource(policy, type, {})).notApplicable).toHaveLength(1);
    },
  );

  it("classic ELB needs https/ssl on both sides of every listener", async () => {
    const ok = {
      listeners: [
        { lbProtocol: "https", instanceProtocol: "HTTPS", lbPort: 443, instancePort: 443 },
        { lbProtocol: "SSL", instanceProtocol: "ssl" },
      ],
    };
    expect((await runResource(policy, ELB, ok)).diagnostics).toEqual([]);
    const bad = {
      listeners: [
        ok.listeners[0],
        { lbProtocol: "https", instanceProtocol: "http" },
        { lbProtocol: "tcp", instanceProtocol: "tcp" },
      ],
    };
    const v = await runResource(policy, ELB, bad);
    expect(v.mandatory.map((d) => d.message.split("\n")[1])).toEqual([
      "listeners[1].instanceProtocol is not https or ssl",
      "listeners[2].lbProtocol is not https or ssl",
      "listeners[2].instanceProtocol is not https or ssl",
    ]);
  });

  it("never prints values", async () => {
    const v = await runResource(policy, LISTENERS[0], {
      protocol: secret("SENTINELPROTO"),
      port: 31337,
      certificateArn: "arn:SENTINEL",
    });
    expect(v.mandatory).toHaveLength(1);
    expect(v.text).not.toMatch(/SENTINEL|31337/);
  });

  it("other types are not applicable", async () => {
    expect((await runResource(policy, "aws:s3/bucket:Bucket", {})).notApplicable).toHaveLength(1);
  });
});

describe("phi-tls-listeners-only: CloudFront viewers and origins", () => {
  const CF = "aws:cloudfront/distribution:Distribution";
  const MT = "aws:cloudfront/multitenantDistribution:MultitenantDistribution";
  const customOrigin = (config: Record<string, unknown> = {}) => ({
    originId: "api",
    domainName: "api.phi.example",
    customOriginConfig: {
      httpPort: 80,
      httpsPort: 443,
      originProtocolPolicy: "https-only",
      originSslProtocols: ["TLSv1.2"],
      ...config,
    },
  });
  /** One valid distribution; each case changes one field. */
  const valid = (behaviourList: string) => ({
    enabled: true,
    defaultCacheBehavior: { targetOriginId: "api", viewerProtocolPolicy: "https-only" },
    [behaviourList]: [
      { pathPattern: "/docs/*", targetOriginId: "docs", viewerProtocolPolicy: "redirect-to-https" },
    ],
    origins: [customOrigin(), { originId: "docs", domainName: "docs.s3.amazonaws.com", s3OriginConfig: {} }],
  });
  const message = (v: { mandatory: { message: string }[] }) =>
    v.mandatory.map((d) => d.message.split("\n")[1]);

  it.each([
    [CF, "orderedCacheBehaviors"],
    [MT, "cacheBehaviors"],
  ])("%s: the valid fixture passes", async (type, list) => {
    expect((await runResource(policy, type, valid(list))).diagnostics).toEqual([]);
  });

  it.each([
    [CF, "orderedCacheBehaviors"],
    [MT, "cacheBehaviors"],
  ])("%s: allow-all on the default or an ordered behaviour is blocked", async (type, list) => {
    const base = valid(list);
    const onDefault = {
      ...base,
      defaultCacheBehavior: { targetOriginId: "api", viewerProtocolPolicy: "allow-all" },
    };
    expect(message(await runResource(policy, type, onDefault))).toEqual([
      "defaultCacheBehavior.viewerProtocolPolicy is allow-all, so viewers can send requests (URLs, cookies, PHI) to CloudFront over plain HTTP; set https-only or redirect-to-https",
    ]);
    const onOrdered = {
      ...base,
      [list]: [{ pathPattern: "/x/*", targetOriginId: "api", viewerProtocolPolicy: "ALLOW-ALL" }],
    };
    expect(message(await runResource(policy, type, onOrdered))).toEqual([
      `${list}[0].viewerProtocolPolicy is allow-all, so viewers can send requests (URLs, cookies, PHI) to CloudFront over plain HTTP; set https-only or redirect-to-https`,
    ]);
    const misspelt = {
      ...base,
      [list]: [{ pathPattern: "/x/*", targetOriginId: "api", viewerProtocolPolicy: "https" }],
    };
    expect(message(await runResource(policy, type, misspelt))).toEqual([
      `${list}[0].viewerProtocolPolicy is not one of allow-all, https-only, redirect-to-https (unknown spellings fail closed); set https-only or redirect-to-https`,
    ]);
  });

  it.each([
    [
      { originProtocolPolicy: "http-only" },
      "origins[0].customOriginConfig.originProtocolPolicy is http-only, so CloudFront may forward requests to this origin over plain HTTP; set https-only",
    ],
    [
      { originProtocolPolicy: "match-viewer" },
      "origins[0].customOriginConfig.originProtocolPolicy is match-viewer, so CloudFront may forward requests to this origin over plain HTTP; set https-only",
    ],
    [
      { originSslProtocols: ["TLSv1.1", "TLSv1.2"] },
      'origins[0].customOriginConfig.originSslProtocols includes TLSv1.1, so CloudFront may reach the origin below TLS 1.2; set ["TLSv1.2"]',
    ],
    [
      { originSslProtocols: ["SSLv3", "TLSv1"] },
      'origins[0].customOriginConfig.originSslProtocols includes SSLv3, TLSv1, so CloudFront may reach the origin below TLS 1.2; set ["TLSv1.2"]',
    ],
    [
      { originSslProtocols: ["TLSv1.3"] },
      'origins[0].customOriginConfig.originSslProtocols includes an unknown spelling, so CloudFront may reach the origin below TLS 1.2; set ["TLSv1.2"]',
    ],
    [
      { originSslProtocols: [] },
      'origins[0].customOriginConfig.originSslProtocols enables no protocol; set ["TLSv1.2"]',
    ],
  ])("a custom origin with %p is blocked", async (change, expected) => {
    const props = { ...valid("orderedCacheBehaviors"), origins: [customOrigin(change)] };
    expect(message(await runResource(policy, CF, props))).toEqual([expected]);
  });

  it("unknown values at preview: advisory for what they decide, mandatory for what is known bad", async () => {
    const base = valid("orderedCacheBehaviors");
    const unknownVpp = {
      ...base,
      defaultCacheBehavior: { targetOriginId: "api", viewerProtocolPolicy: UNKNOWN_STRING },
    };
    const u = await runResource(policy, CF, unknownVpp);
    expect(u.mandatory).toEqual([]);
    expect(u.advisory.map((d) => d.message.split("\n")[1])).toEqual([
      "defaultCacheBehavior.viewerProtocolPolicy: it is not known at preview; this policy checks it again at `pulumi up`",
    ]);
    // A known TLSv1 beside an unknown item is decidable.
    const mixed = { ...base, origins: [customOrigin({ originSslProtocols: [UNKNOWN_STRING, "TLSv1"] })] };
    expect((await runResource(policy, CF, mixed)).mandatory).toHaveLength(1);
    const onlyUnknown = {
      ...base,
      origins: [customOrigin({ originSslProtocols: [UNKNOWN_STRING, "TLSv1.2"] })],
    };
    const ou = await runResource(policy, CF, onlyUnknown);
    expect(ou.mandatory).toEqual([]);
    expect(ou.advisory).toHaveLength(1);
    expect((await runResource(policy, CF, { ...base, origins: UNKNOWN_ARRAY })).advisory).toHaveLength(1);
    // An allow-all default behaviour with unknown origins is still mandatory.
    const bad = {
      ...base,
      defaultCacheBehavior: { targetOriginId: "api", viewerProtocolPolicy: "allow-all" },
      origins: UNKNOWN_ARRAY,
    };
    expect((await runResource(policy, CF, bad)).mandatory).toHaveLength(1);
  });

  it("aws:cloudfront/vpcOrigin:VpcOrigin: https-only with TLSv1.2 items", async () => {
    const VO = "aws:cloudfront/vpcOrigin:VpcOrigin";
    const config = (change: Record<string, unknown> = {}) => ({
      vpcOriginEndpointConfig: {
        name: "api",
        arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/api/1",
        httpPort: 80,
        httpsPort: 443,
        originProtocolPolicy: "https-only",
        originSslProtocols: { items: ["TLSv1.2"], quantity: 1 },
        ...change,
      },
    });
    expect((await runResource(policy, VO, config())).diagnostics).toEqual([]);
    expect(message(await runResource(policy, VO, config({ originProtocolPolicy: "http-only" })))).toEqual([
      "vpcOriginEndpointConfig.originProtocolPolicy is http-only, so CloudFront may forward requests to this VPC origin over plain HTTP; set https-only",
    ]);
    expect(
      message(
        await runResource(
          policy,
          VO,
          config({ originSslProtocols: { items: ["TLSv1", "TLSv1.2"], quantity: 2 } }),
        ),
      ),
    ).toEqual([
      'vpcOriginEndpointConfig.originSslProtocols.items includes TLSv1, so CloudFront may reach the origin below TLS 1.2; set ["TLSv1.2"]',
    ]);
  });
});

describe("phi-tls-listeners-only: Transfer Family", () => {
  const T = "aws:transfer/server:Server";
  it("SFTP and FTPS pass; plain FTP is blocked; unset means SFTP", async () => {
    expect((await runResource(policy, T, { protocols: ["SFTP", "FTPS"] })).diagnostics).toEqual([]);
    expect((await runResource(policy, T, {})).diagnostics).toEqual([]);
    const ftp = await runResource(policy, T, { protocols: ["SFTP", "ftp"] });
    expect(ftp.mandatory.map((d) => d.message.split("\n")[1])).toEqual([
      "protocols includes FTP, which carries files and credentials in clear text; offer SFTP or FTPS instead",
    ]);
    expect((await runResource(policy, T, { protocols: UNKNOWN_ARRAY })).advisory).toHaveLength(1);
    expect((await runResource(policy, T, { protocols: [UNKNOWN_STRING, "FTP"] })).mandatory).toHaveLength(1);
  });
});
