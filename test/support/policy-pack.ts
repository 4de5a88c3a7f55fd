/**
 * Starts the policy pack for a test file as the Pulumi CLI does (run-policy-pack, cwd = pack dir) and reads
 * its GetAnalyzerInfo. One helper, so every wire test starts the same build the same way.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  startPolicyPack,
  type AnalyzerInfo,
  type PolicyPackProcess,
  type StartOptions,
} from "../../tools/lib/analyzer-client";

/** The pack under test: `policies/` (override with PHI_POLICY_PACK_DIR to test another build of it). */
export const PACK_DIR = path.resolve(
  process.env.PHI_POLICY_PACK_DIR ?? path.join(__dirname, "..", "..", "policies"),
);

/** Time for `beforeAll`: the runner registers ts-node before it prints its port. */
export const PACK_START_TIMEOUT_MS = 90_000;

export interface StartedPack {
  pack: PolicyPackProcess;
  info: AnalyzerInfo;
}

/** Starts the pack in `packDir` (default {@link PACK_DIR}); fails with the fix when it is not built. */
export async function startTestPack(packDir: string = PACK_DIR, opts?: StartOptions): Promise<StartedPack> {
  if (!fs.existsSync(path.join(packDir, "bin", "index.js")))
    throw new Error(`${packDir}/bin/index.js is missing: run "npm run build:pack" (npm ci does it)`);
  const pack = await startPolicyPack(packDir, opts);
  try {
    return { pack, info: await pack.getAnalyzerInfo() };
  } catch (err) {
    await pack.close();
    throw err;
  }
}
