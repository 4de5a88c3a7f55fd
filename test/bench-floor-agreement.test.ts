/**
 * The benchmark compares our pack with a one-policy floor pack; that comparison is only fair if both do the
 * same job. Both are started exactly as the CLI starts them and sent the same ingress sample over the
 * analyzer protocol: the floor's `floor-ingress-ports` and our `phi-ingress-allowlisted-ports` must give
 * the same pass/fail, resource by resource, and the answers must be the known ones. Correctness only: no
 * timing is asserted here (see `npm run bench`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { startPolicyPack, type PolicyPackProcess } from "../tools/lib/analyzer-client";
import {
  createFloorPack,
  defaultConfig,
  FLOOR_POLICY_NAME,
  REAL_PACK_DIR,
  removePack,
} from "../tools/bench/packs";
import { ingressSample, INGRESS_GRANT_CASES } from "../tools/bench/resources";

const OUR_POLICY = "phi-ingress-allowlisted-ports";
/** 4 shapes x every grant case: each case in each shape once. */
const SAMPLE_SIZE = 4 * INGRESS_GRANT_CASES.length;

let floorDir: string;
let floor: PolicyPackProcess;
let ours: PolicyPackProcess;

beforeAll(async () => {
  const main = path.join(REAL_PACK_DIR, "bin", "index.js");
  if (!fs.existsSync(main))
    throw new Error(`${main} is missing: run \`npm run build:pack\` (done by npm ci)`);
  floorDir = createFloorPack();
  [floor, ours] = await Promise.all([startPolicyPack(floorDir), startPolicyPack(REAL_PACK_DIR)]);
  await floor.configure(defaultConfig(await floor.getAnalyzerInfo()));
  await ours.configure(defaultConfig(await ours.getAnalyzerInfo()));
}, 180_000);

afterAll(async () => {
  await Promise.all([floor?.close(), ours?.close()]);
  if (floorDir) removePack(floorDir);
});

/** True when `policy` reported a mandatory violation for the resource. */
async function fails(
  pack: PolicyPackProcess,
  policy: string,
  resource: Parameters<PolicyPackProcess["analyze"]>[0],
) {
  const res = await pack.analyze(resource);
  return res.diagnostics.some((d) => d.policyName === policy && d.enforcementLevel === "mandatory");
}

describe("benchmark floor pack vs the real pack", () => {
  it("the floor pack is one plain-JavaScript policy and ours carries the ingress policy", async () => {
    const floorInfo = await floor.getAnalyzerInfo();
    expect(floorInfo.policies.map((p) => p.name)).toEqual([FLOOR_POLICY_NAME]);
    expect(fs.existsSync(path.join(floorDir, "index.js"))).toBe(true);
    const ourInfo = await ours.getAnalyzerInfo();
    expect(ourInfo.policies.map((p) => p.name)).toContain(OUR_POLICY);
  });

  it("agree resource by resource on the ingress sample, with the known answers", async () => {
    const sample = ingressSample(SAMPLE_SIZE);
    expect(sample).toHaveLength(SAMPLE_SIZE);
    const rows: { label: string; expected: boolean; floor: boolean; ours: boolean }[] = [];
    for (const c of sample) {
      rows.push({
        label: `${c.resource.name}: ${c.label}`,
        expected: c.allowed,
        floor: !(await fails(floor, FLOOR_POLICY_NAME, c.resource)),
        ours: !(await fails(ours, OUR_POLICY, c.resource)),
      });
    }
    // Resource by resource: a mismatch names the resource and the case.
    expect(rows.filter((r) => r.floor !== r.ours)).toEqual([]);
    expect(rows.filter((r) => r.ours !== r.expected)).toEqual([]);

    // And the counts the case table implies: in three shapes a case is judged as ingress, in the fourth
    // (egress rule) it always passes.
    const allowedCases = INGRESS_GRANT_CASES.filter(([, , , allowed]) => allowed).length;
    const deniedCases = INGRESS_GRANT_CASES.length - allowedCases;
    const passed = rows.filter((r) => r.ours).length;
    expect(allowedCases).toBe(4);
    expect(rows.filter((r) => !r.ours)).toHaveLength(3 * deniedCases);
    expect(passed).toBe(3 * allowedCases + INGRESS_GRANT_CASES.length);
    expect(rows.filter((r) => r.floor).length).toBe(passed);
  });
});
