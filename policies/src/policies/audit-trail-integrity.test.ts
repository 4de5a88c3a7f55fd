import { auditTrailIntegrity as policy } from "./audit-trail-integrity";
import { runResource, secret, UNKNOWN_BOOL } from "../testing/harness";

const TRAIL = "aws:cloudtrail/trail:Trail";
/** The valid fixture: a trail with log file validation, logging left at its default (on). */
const trail = (props: Record<string, unknown> = {}) => ({
  s3BucketName: "phi-audit-logs",
  isMultiRegionTrail: true,
  enableLogFileValidation: true,
  ...props,
});
const lines = (v: Awaited<ReturnType<typeof runResource>>) =>
  v.diagnostics.map((d) => `${d.enforcementLevel}: ${d.message.split("\n")[1]}`);
const STOPPED = "mandatory: enableLogging is not true, so the trail is stopped and records nothing";
const NO_DIGEST =
  "mandatory: enableLogFileValidation is not true (it defaults to false), so no digest proves that the delivered log files were not altered or deleted";

describe("phi-audit-trail-integrity", () => {
  it("passes a validated trail, logging by default or explicitly", async () => {
    expect((await runResource(policy, TRAIL, trail())).diagnostics).toEqual([]);
    expect((await runResource(policy, TRAIL, trail({ enableLogging: true }))).diagnostics).toEqual([]);
    expect((await runResource(policy, TRAIL, trail({ enableLogging: "true" }))).diagnostics).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ["enableLogging false", { enableLogging: false }, [STOPPED]],
    ['enableLogging "false"', { enableLogging: "false" }, [STOPPED]],
    ['enableLogging "0" (read as false by the provider)', { enableLogging: "0" }, [STOPPED]],
    ["enableLogFileValidation unset (default false)", { enableLogFileValidation: undefined }, [NO_DIGEST]],
    ["enableLogFileValidation false", { enableLogFileValidation: false }, [NO_DIGEST]],
    ["both", { enableLogging: false, enableLogFileValidation: false }, [STOPPED, NO_DIGEST]],
  ])("blocks %s", async (_label, props, expected) => {
    expect(lines(await runResource(policy, TRAIL, trail(props)))).toEqual(expected);
  });

  it("an unknown flag is advisory; the other, known, still decides", async () => {
    expect(lines(await runResource(policy, TRAIL, trail({ enableLogging: UNKNOWN_BOOL })))).toEqual([
      "advisory: enableLogging: it is not known at preview; this policy checks it again at `pulumi up`",
    ]);
    expect(
      lines(
        await runResource(
          policy,
          TRAIL,
          trail({ enableLogging: UNKNOWN_BOOL, enableLogFileValidation: false }),
        ),
      ),
    ).toEqual([
      NO_DIGEST,
      "advisory: enableLogging: it is not known at preview; this policy checks it again at `pulumi up`",
    ]);
    expect(lines(await runResource(policy, TRAIL, trail({ enableLogFileValidation: UNKNOWN_BOOL })))).toEqual(
      [
        "advisory: enableLogFileValidation: it is not known at preview; this policy checks it again at `pulumi up`",
      ],
    );
  });

  it("never prints the bucket name, secret or not; other types are not applicable", async () => {
    const v = await runResource(
      policy,
      TRAIL,
      trail({ s3BucketName: secret("sentinel-bucket-77"), enableLogFileValidation: false }),
    );
    expect(v.mandatory).toHaveLength(1);
    expect(v.text).not.toContain("sentinel-bucket-77");
    expect((await runResource(policy, "aws:s3/bucket:Bucket", {})).notApplicable).toEqual([
      "aws:s3/bucket:Bucket is not a CloudTrail trail",
    ]);
  });
});
