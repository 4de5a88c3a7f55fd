/**
 * Regression tests for the fail-opens the generic fail-closed property (fail-closed.test.ts) found, one
 * focused case each. Expected: the finding stays mandatory, or (where the unknown field decides it)
 * becomes an advisory saying it is checked again at `pulumi up`.
 */
import { policies } from "../../policies/src/policies";
import { runResource, runStack, UNKNOWN_STRING, type Verdict } from "../../policies/src/testing/harness";
import { saysCheckedAtUp } from "./fail-closed";

const policy = (name: string) => policies.find((p) => p.name === name)!;
const mandatory = { enforcementLevel: "mandatory" as const };
const U = UNKNOWN_STRING;

/** Still reported: a mandatory violation, or an advisory that defers the check to `pulumi up`. */
function stillReported(v: Verdict): boolean {
  return v.mandatory.length > 0 || v.advisory.some((d) => saysCheckedAtUp(d.message));
}

describe("fail-opens found by the fail-closed property (regressions)", () => {
  it("phi-lb-access-logs: an unknown accessLogs.bucket is re-checked at pulumi up, not a silent pass (fixed; regression)", async () => {
    const p = policy("phi-lb-access-logs");
    const lb = "aws:lb/loadBalancer:LoadBalancer";
    const base = { internal: true, accessLogs: { enabled: true } };
    expect((await runResource(p, lb, base, mandatory)).mandatory).toHaveLength(1);
    const v = await runResource(p, lb, { ...base, accessLogs: { enabled: true, bucket: U } }, mandatory);
    expect(stillReported(v)).toBe(true);
    expect(v.text).toContain("accessLogs.bucket");
  });

  it("phi-egress-restricted: a port range with one unknown bound is decided by the known bound or re-checked (fixed; regression)", async () => {
    const p = policy("phi-egress-restricted");
    const rule = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
    const base = { ipProtocol: "tcp", cidrIpv4: "10.0.0.0/8", fromPort: 65536, toPort: 0 };
    expect((await runResource(p, rule, base, mandatory)).mandatory).toHaveLength(1);
    // toPort 70000 alone makes the range malformed whatever fromPort is: decidable, so mandatory.
    const decidable = await runResource(p, rule, { ...base, fromPort: U, toPort: 70000 }, mandatory);
    expect(decidable.mandatory.length).toBeGreaterThan(0);
    const undecided = await runResource(p, rule, { ...base, fromPort: U }, mandatory);
    expect(stillReported(undecided)).toBe(true);
    expect(undecided.text).toContain("fromPort");
  });

  it("phi-lb-mutual-tls: mode unknown with no trustStoreArn is a violation whatever the mode (fixed; regression)", async () => {
    const p = policy("phi-lb-mutual-tls");
    const listener = "aws:lb/listener:Listener";
    const v = await runResource(
      p,
      listener,
      { protocol: "HTTPS", mutualAuthentication: { mode: U } },
      mandatory,
    );
    expect(v.mandatory.length).toBeGreaterThan(0);
  });

  it("phi-tls-strong-policy: CloudFront default-certificate flag unknown, no minimumProtocolVersion: a violation either way (fixed; regression)", async () => {
    const p = policy("phi-tls-strong-policy");
    const cdn = "aws:cloudfront/distribution:Distribution";
    const v = await runResource(
      p,
      cdn,
      { viewerCertificate: { cloudfrontDefaultCertificate: U } },
      mandatory,
    );
    expect(v.mandatory.length).toBeGreaterThan(0);
  });

  const badBucket = { type: "aws:s3/bucket:Bucket", name: "logs", props: { bucket: "phi-audit-logs" } };

  it("phi-audit-log-bucket-immutable: a whole accessLogs block unknown, without a dependency, drops the reference (audit-buckets.ts:136)", async () => {
    const p = policy("phi-audit-log-bucket-immutable");
    const lb = (accessLogs: unknown) => ({
      type: "aws:lb/loadBalancer:LoadBalancer",
      name: "lb",
      props: { accessLogs },
    });
    expect(
      (await runStack(p, [badBucket, lb({ bucket: "phi-audit-logs" })], mandatory)).mandatory.length,
    ).toBeGreaterThan(0);
    expect(stillReported(await runStack(p, [badBucket, lb(U)], mandatory))).toBe(true);
  });

  it("phi-audit-log-bucket-immutable: a flow log whose logDestinationType is unknown and destination a bucket name drops the reference (audit-buckets.ts flowLogReference)", async () => {
    const p = policy("phi-audit-log-bucket-immutable");
    const flowLog = (logDestinationType: unknown) => ({
      type: "aws:ec2/flowLog:FlowLog",
      name: "fl",
      props: { trafficType: "ALL", logDestinationType, logDestination: "phi-audit-logs" },
    });
    expect((await runStack(p, [badBucket, flowLog("s3")], mandatory)).mandatory.length).toBeGreaterThan(0);
    expect(stillReported(await runStack(p, [badBucket, flowLog(U)], mandatory))).toBe(true);
  });

  it("phi-audit-log-bucket-immutable: a bucket tagged audit-log whose tags become unknown is no longer judged (audit-log-bucket-immutable.ts:57)", async () => {
    const p = policy("phi-audit-log-bucket-immutable");
    const tagged = (tags: unknown) => ({ ...badBucket, props: { bucket: "phi-audit-logs", tags } });
    const known = { "phi-channels:data-classification": "audit-log" };
    expect((await runStack(p, [tagged(known)], mandatory)).mandatory.length).toBeGreaterThan(0);
    expect(stillReported(await runStack(p, [tagged(U)], mandatory))).toBe(true);
  });
});
