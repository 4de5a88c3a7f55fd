/**
 * Audit of "bad input gets a clear error everywhere" (issue 6, section 2): only the cases no other test
 * covers (see the matrix in the report; existing ones live in test/check-cli.test.ts,
 * test/evidence/event-log.test.ts, test/stacks.test.ts, test/components/*, policies/src/policies/index.test.ts).
 *
 * - Policy config: every value the CLI's ajv validation (tools/lib/policy-config.ts, against each policy's
 *   own configSchema) accepts must be usable by the pack: the pack must not throw on it over the wire.
 * - CLI flags of check and bench: bad values exit 2 naming the flag, the value and the fix; --help exits 0.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { AnalyzerInfo, PolicyPackProcess } from "../../tools/lib/analyzer-client";
import { PolicyConfigError, validatePolicyConfig } from "../../tools/lib/policy-config";
import { PACK_START_TIMEOUT_MS, startTestPack } from "../support/policy-pack";
import { toolArgv } from "../support/cli";

const ROOT = path.join(__dirname, "..", "..");

let pack: PolicyPackProcess;
let info: AnalyzerInfo;

beforeAll(async () => {
  ({ pack, info } = await startTestPack());
}, PACK_START_TIMEOUT_MS);

afterAll(async () => {
  await pack?.close();
});

function rejection(config: Record<string, unknown>): string | undefined {
  try {
    validatePolicyConfig(config, info.policies, "bad.json");
    return undefined;
  } catch (e) {
    if (!(e instanceof PolicyConfigError)) throw e;
    return e.message;
  }
}

describe("policy config values", () => {
  // Each is rejected by the pack's own parser (rules/allowlist.ts parseAllowlistEntry, rules/cidr.ts
  // parseCidrStrict), so the schema must reject it too: the CLI is the place for a clear error.
  const cases: [string, string, unknown, RegExp][] = [
    ["phi-ingress-allowlisted-ports", "allowedIngress", ["icmp/443"], /icmp\/443.*Fix/],
    ["phi-ingress-allowlisted-ports", "allowedIngress", ["foo/443"], /foo\/443.*Fix/],
    ["phi-ingress-allowlisted-ports", "allowedIngress", ["tcp/443-80"], /tcp\/443-80.*Fix/],
    ["phi-ingress-private-sources", "allowedPublicCidrs", ["999.0.0.0/8"], /999\.0\.0\.0\/8.*Fix/],
    ["phi-ingress-private-sources", "allowedPublicCidrs", ["010.0.0.0/8"], /010\.0\.0\.0\/8.*Fix/],
    ["phi-egress-restricted", "allowedDestinationCidrs", ["10.0.0.0/33"], /10\.0\.0\.0\/33.*Fix/],
  ];

  it.each(cases)(
    "%s.%s = %j is refused by validation, naming the field, the value and the fix",
    (policy, option, value, message) => {
      const msg = rejection({ [policy]: { [option]: value } });
      expect(msg).toBeDefined();
      expect(msg).toContain(`$.${policy}.${option}`);
      expect(msg).toMatch(message);
    },
  );

  it.each(cases)(
    "%s.%s = %j sent by Configure anyway: Analyze does not fail (no gRPC error reaches the engine)",
    async (policy, option, value) => {
      const config = validatePolicyConfig({}, info.policies, "defaults");
      config[policy] = {
        ...config[policy],
        properties: { ...(config[policy].properties ?? {}), [option]: value },
      };
      await pack.configure(config);
      const sg = {
        type: "aws:ec2/securityGroup:SecurityGroup",
        name: "sg",
        properties: {
          ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["203.0.113.0/24"] }],
          egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["203.0.113.0/24"] }],
        },
      };
      await expect(pack.analyze(sg)).resolves.toMatchObject({ diagnostics: expect.any(Array) as unknown[] });
    },
  );
});

function run(script: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, toolArgv(script, args), {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("check CLI flags not covered elsewhere", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "phi-bad-input-"));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("--cwd that is not a directory: exit 2, names flag, value and fix, writes nothing", () => {
    const out = path.join(tmp, "out1");
    const r = run("check.ts", ["--stack", "prod", "--cwd", path.join(tmp, "no-such-dir"), "--out", out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--cwd = ".*no-such-dir": not a directory\. Fix:/);
    expect(fs.existsSync(out)).toBe(false);
  }, 120_000);

  it("--pack that is not a built pack: exit 2, names flag, value and fix, writes nothing", () => {
    const empty = fs.mkdtempSync(path.join(tmp, "pack-"));
    const out = path.join(tmp, "out2");
    const r = run("check.ts", ["--stack", "prod", "--pack", empty, "--out", out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--pack = ".*pack-.*".*Fix:/);
    expect(fs.existsSync(out)).toBe(false);
  }, 120_000);
});

describe("bench CLI flags", () => {
  it("--help documents the options and exits 0", () => {
    const r = run("bench.ts", ["--help"]);
    expect(r.status).toBe(0);
    for (const flag of [
      "--starts",
      "--resources",
      "--seed",
      "--out",
      "--pack",
      "--no-awsguard",
      "--awsguard-dir",
    ])
      expect(r.stdout).toContain(flag);
  }, 120_000);

  it.each([
    [["--starts", "2"], /--starts.*2.*Fix: /],
    [["--starts", "many"], /--starts.*"many".*Fix: /],
    [["--resources", "5"], /--resources.*5.*Fix: /],
    [["--seed", "-3"], /--seed.*-3.*Fix: /],
  ])(
    "%j: exit 2, the message names the flag, the value and the fix",
    (args, message) => {
      const r = run("bench.ts", args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
    },
    120_000,
  );

  it("--awsguard-dir at a directory the bench did not make: exit 2 before measuring, the directory untouched", () => {
    const mine = fs.mkdtempSync(path.join(os.tmpdir(), "bench-awsguard-dir-"));
    fs.writeFileSync(path.join(mine, "notes.md"), "mine\n");
    const r = run("bench.ts", ["--awsguard-dir", mine]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /--awsguard-dir: .* is not an awsguard cache the bench made; .*Fix: .*--no-awsguard/,
    );
    expect(fs.readdirSync(mine)).toEqual(["notes.md"]);
    fs.rmSync(mine, { recursive: true, force: true });
  }, 120_000);

  it("an unknown option and a stray argument exit 2", () => {
    const unknown = run("bench.ts", ["--startz", "7"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/--startz/);
    const stray = run("bench.ts", ["fast"]);
    expect(stray.status).toBe(2);
    expect(stray.stderr).toMatch(/"fast".*Fix:/);
  }, 120_000);
});
