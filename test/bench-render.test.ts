/**
 * tools/bench/render.ts: the peer-pack rows of the bench table (issue 12 §5). awsguard against the floor, the
 * two targets (ours at most 1.3x the floor, and no more than awsguard), and, when awsguard was not
 * measured, rows that say so with the reason and no ratio.
 */
import { peerStartRow, peerThroughputRows, renderTable, type PeerThroughput } from "../tools/bench/render";

const TARGETS = { allChecksRatio: 1.3, awsguardRatio: 1 };

const measured: PeerThroughput = {
  resources: 3000,
  analyze: {
    msPerResource: { real: 1.256, floor: 0.835, awsguard: 0.912 },
    pairedRatio: 1.504,
    awsguardPairedRatio: 1.092,
    realOverAwsguardPairedRatio: 1.377,
  },
  analyzeStack: {
    medianMs: { real: 787.4, floor: 326, awsguard: 341.2 },
    awsguardPairedRatio: 1.047,
    realOverAwsguardPairedRatio: 2.308,
  },
  policies: { awsguard: Array.from({ length: 26 }, (_, i) => `awsguard-policy-${i}`) },
};

describe("peerThroughputRows", () => {
  it("renders awsguard beside the floor and both issue 12 targets, missed here", () => {
    expect(renderTable(peerThroughputRows(measured, undefined, TARGETS))).toBe(
      [
        "metric                                   ours                               floor/baseline       ratio  target       met?",
        "---------------------------------------  ---------------------------------  -------------------  -----  -----------  ----",
        "b. awsguard 0.3.1 Analyze (ms/resource)  0.912 ms (26 policies, mandatory)  0.835 ms             1.09x  (reference)  n/a",
        "b. issue 12: ours vs floor, all checks   1.256 ms                           0.835 ms             1.50x  <= 1.3x      NO",
        "b. issue 12: ours vs awsguard 0.3.1      1.256 ms                           0.912 ms (awsguard)  1.38x  <= 1x        NO",
        "b. awsguard 0.3.1 AnalyzeStack of 3000   341 ms                             326 ms               1.05x  (reference)  n/a",
        "b. AnalyzeStack: ours vs awsguard 0.3.1  787 ms                             341 ms (awsguard)    2.31x  (reference)  n/a",
      ].join("\n"),
    );
  });

  it("meets both targets at or under them", () => {
    const rows = peerThroughputRows(
      {
        ...measured,
        analyze: { ...measured.analyze, pairedRatio: 1.3, realOverAwsguardPairedRatio: 0.96 },
      },
      undefined,
      TARGETS,
    );
    expect(rows.slice(1, 3)).toEqual([
      {
        metric: "b. issue 12: ours vs floor, all checks",
        ours: "1.256 ms",
        baseline: "0.835 ms",
        ratio: "1.30x",
        target: "<= 1.3x",
        met: "yes",
      },
      {
        metric: "b. issue 12: ours vs awsguard 0.3.1",
        ours: "1.256 ms",
        baseline: "0.912 ms (awsguard)",
        ratio: "0.96x",
        target: "<= 1x",
        met: "yes",
      },
    ]);
  });

  it("says awsguard was not measured and why (cut to 100 characters), without a ratio, and still judges ours against the floor", () => {
    const reason =
      "not installed: npm registry not reachable: npm error code ENOTFOUND (npm view @pulumi/awsguard@0.3.1 exited (code 1) after 0 s)";
    expect(
      renderTable(
        peerThroughputRows(
          { ...measured, analyze: { ...measured.analyze, pairedRatio: 1.25 } },
          reason,
          TARGETS,
        ),
      ),
    ).toBe(
      [
        "metric                                   ours          floor/baseline                                                                                        ratio  target       met?",
        "---------------------------------------  ------------  ----------------------------------------------------------------------------------------------------  -----  -----------  ----",
        "b. awsguard 0.3.1 Analyze (ms/resource)  not measured  not installed: npm registry not reachable: npm error code ENOTFOUND (npm view @pulumi/awsguard@0.3.1  -      (reference)  n/a",
        "b. issue 12: ours vs floor, all checks   1.256 ms      0.835 ms                                                                                              1.25x  <= 1.3x      yes",
        "b. issue 12: ours vs awsguard 0.3.1      not measured  not installed: npm registry not reachable: npm error code ENOTFOUND (npm view @pulumi/awsguard@0.3.1  -      <= 1x        n/a",
      ].join("\n"),
    );
  });

  it("skipped with --no-awsguard: the rows say so", () => {
    const rows = peerThroughputRows(
      {
        ...measured,
        analyze: { msPerResource: { real: 1.256, floor: 0.835 }, pairedRatio: 1.504 },
        analyzeStack: { medianMs: { real: 787.4, floor: 326 } },
        policies: {},
      },
      "skipped (--no-awsguard)",
      TARGETS,
    );
    expect(rows.map((r) => [r.metric, r.ours, r.baseline, r.ratio, r.met])).toEqual([
      ["b. awsguard 0.3.1 Analyze (ms/resource)", "not measured", "skipped (--no-awsguard)", "-", "n/a"],
      ["b. issue 12: ours vs floor, all checks", "1.256 ms", "0.835 ms", "1.50x", "NO"],
      ["b. issue 12: ours vs awsguard 0.3.1", "not measured", "skipped (--no-awsguard)", "-", "n/a"],
    ]);
  });
});

describe("peerStartRow", () => {
  it("is awsguard's median start against the floor's, a reference", () => {
    expect(
      peerStartRow(
        { medians: { real: 757.5, floor: 698.6, awsguard: 1124.8 }, awsguardPairedRatio: 1.532 },
        undefined,
      ),
    ).toEqual({
      metric: "a''. awsguard 0.3.1 pack start",
      ours: "1125 ms",
      baseline: "699 ms",
      ratio: "1.53x",
      target: "(reference)",
      met: "n/a",
    });
  });

  it("says why when awsguard did not start", () => {
    expect(
      peerStartRow(
        { medians: { real: 757.5, floor: 698.6 } },
        "policy pack exited (code 1) before its port line",
      ),
    ).toEqual({
      metric: "a''. awsguard 0.3.1 pack start",
      ours: "not measured",
      baseline: "policy pack exited (code 1) before its port line",
      ratio: "-",
      target: "(reference)",
      met: "n/a",
    });
  });
});
