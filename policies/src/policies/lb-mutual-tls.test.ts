import { lbMutualTls as policy } from "./lb-mutual-tls";
import { runResource, secret, UNKNOWN_STRING } from "../testing/harness";

const LISTENERS = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"];
const TRUST_STORE = "arn:aws:elasticloadbalancing:us-east-1:123456789012:truststore/ts/0123456789abcdef";

describe("phi-lb-mutual-tls", () => {
  it.each(LISTENERS)("%s: verify with a trust store passes", async (type) => {
    const v = await runResource(policy, type, {
      protocol: "HTTPS",
      mutualAuthentication: { mode: "verify", trustStoreArn: TRUST_STORE },
    });
    expect(v.diagnostics).toEqual([]);
  });

  it.each([
    ["no mutualAuthentication", {}],
    ["mode off", { mutualAuthentication: { mode: "off" } }],
    ["mode passthrough", { mutualAuthentication: { mode: "passthrough" } }],
    ["verify without a trust store", { mutualAuthentication: { mode: "verify" } }],
  ])("%s is an advisory violation", async (_what, extra) => {
    const v = await runResource(policy, LISTENERS[0], { protocol: "https", ...extra });
    expect(v.advisory).toHaveLength(1);
    expect(v.mandatory).toEqual([]);
  });

  it("is not applicable to TLS (NLB) and HTTP listeners, nor to other types", async () => {
    for (const protocol of ["TLS", "HTTP"]) {
      expect((await runResource(policy, LISTENERS[1], { protocol })).notApplicable).toHaveLength(1);
    }
    expect((await runResource(policy, "aws:lb/targetGroup:TargetGroup", {})).notApplicable).toHaveLength(1);
  });

  it("says what is unknown at preview instead of passing", async () => {
    const v = await runResource(policy, LISTENERS[0], {
      protocol: "HTTPS",
      mutualAuthentication: UNKNOWN_STRING,
    });
    expect(v.advisory).toHaveLength(1);
    expect(v.text).toContain("mutualAuthentication.mode");
    expect(v.text).toMatch(/pulumi up/);
  });

  describe("mode unknown at preview (level raised to mandatory to tell violations from deferred checks)", () => {
    const mandatory = { enforcementLevel: "mandatory" as const };
    it.each([
      ["no trustStoreArn", { mode: UNKNOWN_STRING }],
      ["an empty trustStoreArn", { mode: UNKNOWN_STRING, trustStoreArn: "" }],
    ])("with %s is a violation whatever the mode", async (_what, mutualAuthentication) => {
      const v = await runResource(
        policy,
        LISTENERS[0],
        { protocol: "HTTPS", mutualAuthentication },
        mandatory,
      );
      expect(v.mandatory).toHaveLength(1);
      expect(v.mandatory[0].message).toContain("mutualAuthentication.trustStoreArn is not set");
      expect(v.advisory).toEqual([]);
    });

    it.each([
      ["a trust store", TRUST_STORE],
      ["an unknown trust store", UNKNOWN_STRING],
    ])("with %s is re-checked at pulumi up", async (_what, trustStoreArn) => {
      const v = await runResource(
        policy,
        LISTENERS[1],
        { protocol: "HTTPS", mutualAuthentication: { mode: UNKNOWN_STRING, trustStoreArn } },
        mandatory,
      );
      expect(v.mandatory).toEqual([]);
      expect(v.advisory).toHaveLength(1);
      expect(v.advisory[0].message).toMatch(
        /mutualAuthentication\.mode: .*not known at preview.*`pulumi up`/,
      );
    });

    it("verify with an unknown trust store is re-checked at pulumi up", async () => {
      const v = await runResource(
        policy,
        LISTENERS[0],
        { protocol: "HTTPS", mutualAuthentication: { mode: "verify", trustStoreArn: UNKNOWN_STRING } },
        mandatory,
      );
      expect(v.mandatory).toEqual([]);
      expect(v.advisory).toHaveLength(1);
      expect(v.text).toContain("mutualAuthentication.trustStoreArn");
    });
  });

  it("never echoes property values (they may be secrets)", async () => {
    const v = await runResource(policy, LISTENERS[0], {
      protocol: "HTTPS",
      mutualAuthentication: secret({ mode: "SENTINEL-MODE-31337" }),
    });
    expect(v.advisory).toHaveLength(1);
    expect(v.text).not.toContain("SENTINEL-MODE-31337");
  });
});
