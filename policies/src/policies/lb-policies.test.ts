import { lbInternal } from "./lb-internal";
import { lbAccessLogs } from "./lb-access-logs";
import { lbDeletionProtection } from "./lb-deletion-protection";
import { runResource, UNKNOWN_BOOL, UNKNOWN_STRING } from "../testing/harness";

const LBS = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"];
const ELB = "aws:elb/loadBalancer:LoadBalancer";

describe("phi-lb-internal", () => {
  it.each(LBS)("%s", async (type) => {
    expect(
      (await runResource(lbInternal, type, { internal: true, dropInvalidHeaderFields: true })).diagnostics,
    ).toEqual([]);
    expect(
      (await runResource(lbInternal, type, { internal: true, loadBalancerType: "network" })).diagnostics,
    ).toEqual([]);
    expect((await runResource(lbInternal, type, { dropInvalidHeaderFields: true })).mandatory).toHaveLength(
      1,
    );
    expect((await runResource(lbInternal, type, { internal: true })).mandatory).toHaveLength(1);
    expect(
      (await runResource(lbInternal, type, { internal: false, loadBalancerType: "application" })).mandatory,
    ).toHaveLength(2);
    const u = await runResource(lbInternal, type, {
      internal: UNKNOWN_BOOL,
      dropInvalidHeaderFields: false,
      name: UNKNOWN_STRING,
    });
    expect(u.mandatory).toHaveLength(1);
    expect(u.advisory).toHaveLength(1);
  });
  it("classic ELB", async () => {
    expect((await runResource(lbInternal, ELB, { internal: true })).diagnostics).toEqual([]);
    expect((await runResource(lbInternal, ELB, {})).mandatory).toHaveLength(1);
    expect((await runResource(lbInternal, "aws:ec2/vpc:Vpc", {})).notApplicable).toHaveLength(1);
  });
});

describe("phi-lb-access-logs", () => {
  it.each(LBS)("%s", async (type) => {
    expect(
      (await runResource(lbAccessLogs, type, { accessLogs: { enabled: true, bucket: "logs" } })).diagnostics,
    ).toEqual([]);
    // An unknown bucket is not a pass: it is re-checked at `pulumi up`; a known-empty one is mandatory.
    const unknownBucket = await runResource(lbAccessLogs, type, {
      accessLogs: { enabled: true, bucket: UNKNOWN_STRING },
    });
    expect(unknownBucket.mandatory).toEqual([]);
    expect(unknownBucket.advisory).toHaveLength(1);
    expect(unknownBucket.advisory[0].message).toMatch(
      /accessLogs\.bucket: .*not known at preview.*`pulumi up`/,
    );
    expect(
      (await runResource(lbAccessLogs, type, { accessLogs: { enabled: true, bucket: "" } })).mandatory,
    ).toHaveLength(1);
    // A decidable violation stays mandatory next to the unknown bucket.
    const disabled = await runResource(lbAccessLogs, type, {
      accessLogs: { enabled: false, bucket: UNKNOWN_STRING },
    });
    expect(disabled.mandatory).toHaveLength(1);
    expect(disabled.advisory).toHaveLength(1);
    expect(
      (await runResource(lbAccessLogs, type, { accessLogs: { bucket: "logs" } })).mandatory,
    ).toHaveLength(1);
    expect((await runResource(lbAccessLogs, type, { accessLogs: { enabled: true } })).mandatory).toHaveLength(
      1,
    );
    expect((await runResource(lbAccessLogs, type, {})).mandatory).toHaveLength(1);
    expect(
      (await runResource(lbAccessLogs, type, { accessLogs: { enabled: UNKNOWN_BOOL, bucket: "x" } }))
        .advisory,
    ).toHaveLength(1);
    expect(
      (await runResource(lbAccessLogs, type, { loadBalancerType: "gateway" })).notApplicable,
    ).toHaveLength(1);
  });
  it("classic ELB: enabled defaults to true", async () => {
    expect((await runResource(lbAccessLogs, ELB, { accessLogs: { bucket: "logs" } })).diagnostics).toEqual(
      [],
    );
    expect(
      (await runResource(lbAccessLogs, ELB, { accessLogs: { bucket: "logs", enabled: false } })).mandatory,
    ).toHaveLength(1);
    expect((await runResource(lbAccessLogs, ELB, {})).mandatory).toHaveLength(1);
  });
});

describe("phi-lb-deletion-protection", () => {
  it("is advisory", async () => {
    expect(
      (await runResource(lbDeletionProtection, LBS[1], { enableDeletionProtection: true })).diagnostics,
    ).toEqual([]);
    const v = await runResource(lbDeletionProtection, LBS[0], {});
    expect(v.advisory).toHaveLength(1);
    expect(v.mandatory).toEqual([]);
    expect((await runResource(lbDeletionProtection, ELB, {})).notApplicable).toHaveLength(1);
  });
});
