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
