/**
 * Known values of the wrong shape in a security group's inline rules (`ingress: 0`, an element that is a
 * string or a list) are mandatory violations (fail closed), never "not known at preview" advisories.
 * Found by the property suite (test/property); grants.ts reports them as malformed grants.
 */ import { ingressAllowlistedPorts } from "../../policies/src/policies/ingress-allowlisted-ports";
import { ingressPrivateSources } from "../../policies/src/policies/ingress-private-sources";
import { runResource } from "../../policies/src/testing/harness";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";

const MALFORMED: [string, Record<string, unknown>][] = [
  ["ingress is a number", { ingress: 0 }],
  ["ingress is a string", { ingress: "tcp/22 0.0.0.0/0" }],
  ["ingress is an object, not a list", { ingress: { protocol: "-1", cidrBlocks: ["0.0.0.0/0"] } }],
  ["an ingress element is a string", { ingress: ["tcp/22"] }],
  ["an ingress element is a list", { ingress: [[{ protocol: "-1" }]] }],
];

describe.each([SG, DEFAULT_SG])("%s with a malformed known ingress", (type) => {
  it.each(MALFORMED)("%s → mandatory violation of both ingress policies", async (_what, props) => {
    for (const policy of [ingressAllowlistedPorts, ingressPrivateSources]) {
      const v = await runResource(policy, type, props);
      expect({ policy: policy.name, blocks: v.mandatory.length > 0, said: v.text.trim() }).toMatchObject({
        policy: policy.name,
        blocks: true,
      });
      // A known value must never be described as unknown at preview.
      expect(v.text).not.toMatch(/not known at preview/);
    }
  });
});
