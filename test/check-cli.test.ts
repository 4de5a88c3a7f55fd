/**
 * End-to-end tests of `npm run check`: the real command, spawned, against the real stacks and pack.
 * Asserts exit codes, console output and the content of the four evidence files.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { toolArgv } from "./support/cli";

const ROOT = path.resolve(__dirname, "..");
const FIXTURE_STACKS = path.join(ROOT, "test", "fixtures", "stacks");
const FILES = [
  ".phi-channels-evidence",
  "evidence.json",
  "evidence.md",
  "evidence.sarif",
  "evidence.intoto.json",
  "SHA256SUMS",
];
const PACK_VERSION = (
  JSON.parse(fs.readFileSync(path.join(ROOT, "policies", "package.json"), "utf8")) as { version: string }
).version;

/** `--pack` only when testing another build of the pack (PHI_POLICY_PACK_DIR); the default is policies/. */
const PACK_ARGS = process.env.PHI_POLICY_PACK_DIR
  ? ["--pack", path.resolve(process.env.PHI_POLICY_PACK_DIR)]
  : [];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The compiled `phi-channels check …` (what `npm run check -- …` runs), or npm itself with `viaNpm`. */
function check(args: string[], viaNpm = false): Promise<Run> {
  const [cmd, argv] = viaNpm
    ? ["npm", ["run", "check", "--silent", "--", ...args, ...PACK_ARGS]]
    : [process.execPath, toolArgv("check.ts", [...args, ...PACK_ARGS])];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd: ROOT, env: { ...process.env, FORCE_COLOR: "0" } });
    let stdout = "";
    let stderr = "";
    // Decode as a stream: a chunk boundary can split a multi-byte character (the "§" of the evidence).
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 170_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "phi-check-"));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface EvidenceDoc {
  metadata: {
    project: string;
    stack: string;
    source: string;
    operation: string;
    timestamp: string;
    packs: Array<{ name: string; version: string }>;
    policyConfig: Record<string, Record<string, { enforcementLevel: string } & Record<string, unknown>>>;
    policyConfigSha256: string;
    programFile: string;
  };
  verdict: string;
  totals: Record<string, number>;
  controls: Array<{
    control: string;
    reference: string;
    resourcesChecked: number;
    policies: string[];
    failed: number;
  }>;
  policies: Array<{ policy: string; passed: number; failed: number; hipaa?: { reference: string } }>;
  resources: Array<{
    urn: string;
    type: string;
    name: string;
    status: string;
    results: Array<{
      policy: string;
      status: string;
      enforcementLevel?: string;
      message?: string;
      remediation?: string;
    }>;
  }>;
}

function readEvidence(dir: string): EvidenceDoc {
  return JSON.parse(fs.readFileSync(path.join(dir, "evidence.json"), "utf8")) as EvidenceDoc;
}

function expectSums(dir: string): void {
  const lines = fs.readFileSync(path.join(dir, "SHA256SUMS"), "utf8").trim().split("\n");
  const listed = lines.map((l) => {
    const m = /^([0-9a-f]{64}) {2}(\S+)$/.exec(l);
    expect(m).not.toBeNull();
    return { hash: m![1], file: m![2] };
  });
  expect(listed.map((l) => l.file).sort()).toEqual([
    "evidence.intoto.json",
    "evidence.json",
    "evidence.md",
    "evidence.sarif",
  ]);
  for (const { hash, file } of listed) {
    expect(
      createHash("sha256")
        .update(fs.readFileSync(path.join(dir, file)))
        .digest("hex"),
    ).toBe(hash);
  }
}

function expectCompliantEvidence(dir: string, stack: string): EvidenceDoc {
  expect(fs.readdirSync(dir).sort()).toEqual([...FILES].sort());
  const e = readEvidence(dir);
  expect(e.metadata).toMatchObject({
    project: "phi-channels",
    stack,
    source: "offline",
    operation: "preview",
  });
  expect(e.metadata.packs).toEqual([{ name: "phi-channels-hipaa", version: PACK_VERSION }]);
  // The repository's own Pulumi.yaml (main: stacks/index.ts), as a user's program would be named.
  expect(e.metadata.programFile).toBe("stacks/index.ts");
  expect(e.verdict).toBe("pass");
  expect(e.totals.mandatoryViolations).toBe(0);

  // The five §164.312 controls, each with resources checked and our policies under it.
  expect(e.controls.map((c) => c.reference)).toEqual([
    "§164.312(a)(1)",
    "§164.312(b)",
    "§164.312(c)(1)",
    "§164.312(d)",
    "§164.312(e)(1)",
  ]);
  const byRef = Object.fromEntries(e.controls.map((c) => [c.reference, c]));
  expect(byRef["§164.312(a)(1)"].policies).toContain("phi-ingress-allowlisted-ports");
  expect(byRef["§164.312(e)(1)"].policies).toContain("phi-tls-listeners-only");
  expect(byRef["§164.312(e)(1)"].resourcesChecked).toBeGreaterThan(0);
  expect(byRef["§164.312(a)(1)"].resourcesChecked).toBeGreaterThan(0);

  // Resources of the channels, with policy results on them.
  const listeners = e.resources.filter((r) => r.type === "aws:lb/listener:Listener");
  expect(listeners.length).toBeGreaterThan(0);
  for (const l of listeners) {
    const tls = l.results.find((x) => x.policy === "phi-tls-listeners-only");
    expect(tls?.status).toBe("passed");
  }
  expect(e.resources.some((r) => r.type === "aws:ec2/securityGroup:SecurityGroup")).toBe(true);
  expect(e.resources.some((r) => r.type === "phi:channel:PhiChannel")).toBe(true);
  const policyNames = e.policies.map((p) => p.policy);
  expect(policyNames).toEqual(
    expect.arrayContaining(["phi-audit-log-bucket-immutable", "phi-tls-strong-policy"]),
  );
  const tlsOnly = e.policies.find((p) => p.policy === "phi-tls-listeners-only")!;
  expect(tlsOnly.passed).toBeGreaterThanOrEqual(listeners.length);
  expect(tlsOnly.failed).toBe(0);

  // The effective policy config: every policy, with schema defaults applied.
  const cfg = e.metadata.policyConfig["phi-channels-hipaa"];
  expect(Object.keys(cfg).sort()).toEqual([...policyNames].sort());
  expect(cfg["phi-ingress-allowlisted-ports"].allowedIngress).toEqual(expect.arrayContaining(["tcp/443"]));
  const file = path.join(ROOT, "policies", "config", `${stack}.json`);
  if (fs.existsSync(file)) {
    const raw = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    for (const [policy, value] of Object.entries(raw)) {
      if (policy === "all") continue;
      if (typeof value === "string") expect(cfg[policy].enforcementLevel).toBe(value);
      else expect(cfg[policy]).toMatchObject(value as object);
    }
  }

  const md = fs.readFileSync(path.join(dir, "evidence.md"), "utf8");
  expect(md).toMatch(/pass/i);
  expect(md).toContain("§164.312(e)(1)");
  expect(md).toContain("phi-tls-listeners-only");

  const sarif = JSON.parse(fs.readFileSync(path.join(dir, "evidence.sarif"), "utf8")) as {
    version: string;
    runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: Array<{ level: string }> }>;
  };
  expect(sarif.version).toBe("2.1.0");
  // One rule per policy, ids qualified by the pack.
  expect(sarif.runs[0].tool.driver.rules.map((r) => r.id)).toEqual(
    expect.arrayContaining(policyNames.map((p) => `phi-channels-hipaa/${p}`)),
  );
  expect(sarif.runs[0].results.filter((r) => r.level === "error")).toEqual([]);
  expectSums(dir);
  return e;
}

describe("check on the sample stacks", () => {
  test("--help documents the options and exits 0", async () => {
    const r = await check(["--help"]);
    expect(r.code).toBe(0);
    for (const opt of [
      "--cwd",
      "--stack",
      "--all",
      "--policy-config",
      "--out",
      "--json",
      "--quiet",
      "--mocks",
    ]) {
      expect(r.stdout).toContain(opt);
    }
  });

  test("prod (via npm run check): exits 0, prints the summary by control, writes the four files", async () => {
    const out = path.join(tmp, "prod");
    const r = await check(["--stack", "prod", "--out", out], true);
    expect(r.stderr).not.toMatch(/^error:/m);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("§164.312(e)(1)");
    expect(r.stdout).toMatch(/^PASS prod: 0 mandatory violation/m);
    // Progress went to stderr.
    expect(r.stderr).toMatch(/\[prod\] analyzing resources \d+\/\d+/);
    const e = expectCompliantEvidence(out, "prod");
    expect(r.stdout).toContain(`${e.totals.resources} resources`);
  }, 180_000);

  let devEvidence: string;
  test("dev with its policy config: exits 0 and writes the expected evidence", async () => {
    const out = path.join(tmp, "dev-1");
    const r = await check(["--stack", "dev", "--out", out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PASS dev:/m);
    expect(r.stdout).toContain(
      fs.existsSync(path.join(ROOT, "policies/config/dev.json"))
        ? "policy config: policies/config/dev.json"
        : "pack defaults",
    );
    expectCompliantEvidence(out, "dev");
    devEvidence = fs.readFileSync(path.join(out, "evidence.json"), "utf8");
  }, 180_000);

  test("output is deterministic apart from timestamps; --json prints the same evidence", async () => {
    const out = path.join(tmp, "dev-2");
    const r = await check(["--stack", "dev", "--out", out, "--json"]);
    expect(r.code).toBe(0);
    const mask = (s: string) => s.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, "<timestamp>");
    expect(JSON.parse(r.stdout)).toEqual(
      JSON.parse(fs.readFileSync(path.join(out, "evidence.json"), "utf8")),
    );
    expect(devEvidence).toBeDefined();
    expect(mask(fs.readFileSync(path.join(out, "evidence.json"), "utf8"))).toBe(mask(devEvidence));
    for (const f of ["evidence.md", "evidence.sarif"]) {
      expect(mask(fs.readFileSync(path.join(out, f), "utf8"))).toBe(
        mask(fs.readFileSync(path.join(tmp, "dev-1", f), "utf8")),
      );
    }
  }, 180_000);
});

describe("a stack variant with a violation", () => {
  test("exits 1 and names the policy and the resource in the console and the evidence", async () => {
    const out = path.join(tmp, "ssh-debug");
    const r = await check(["--stack", "ssh-debug", "--cwd", FIXTURE_STACKS, "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /MANDATORY phi-ingress-allowlisted-ports: aws:vpc\/securityGroupIngressRule:SecurityGroupIngressRule "claims-debug-ssh"/,
    );
    expect(r.stdout).toMatch(/^FAIL ssh-debug: 1 mandatory violation/m);
    expect(r.stdout).toContain("Remediation:");

    const e = readEvidence(out);
    expect(e.verdict).toBe("fail");
    expect(e.totals.mandatoryViolations).toBe(1);
    const failed = e.resources.flatMap((res) =>
      res.results
        .filter((x) => x.status === "failed")
        .map((x) => ({ resource: res.name, type: res.type, ...x })),
    );
    expect(failed).toEqual([
      expect.objectContaining({
        resource: "claims-debug-ssh",
        type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        policy: "phi-ingress-allowlisted-ports",
        enforcementLevel: "mandatory",
        message: expect.stringContaining("outside the allowlist"),
        remediation: expect.stringMatching(/\S/),
      }),
    ]);
    expect(e.controls.find((c) => c.reference === "§164.312(a)(1)")!.failed).toBe(1);
    const md = fs.readFileSync(path.join(out, "evidence.md"), "utf8");
    expect(md).toContain("claims-debug-ssh");
    expect(md).toContain("phi-ingress-allowlisted-ports");
    const sarif = JSON.parse(fs.readFileSync(path.join(out, "evidence.sarif"), "utf8")) as {
      runs: Array<{ results: Array<{ ruleId: string; level: string }> }>;
    };
    expect(sarif.runs[0].results).toContainEqual(
      expect.objectContaining({ ruleId: "phi-channels-hipaa/phi-ingress-allowlisted-ports", level: "error" }),
    );
    expectSums(out);
  }, 180_000);
});

describe("usage and config errors exit 2 and write nothing", () => {
  test("an unknown --stack names the value and the known stacks", async () => {
    const out = path.join(tmp, "nope");
    const r = await check(["--stack", "nope", "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--stack = "nope"');
    expect(r.stderr).toMatch(/Fix: use one of "dev", "prod"/);
    expect(fs.existsSync(out)).toBe(false);
    expect(r.stdout).toBe("");
  });

  test("a stack name that is a path is refused", async () => {
    const r = await check(["--stack", "../stacks/prod", "--out", path.join(tmp, "path")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--stack = "../stacks/prod" is not a stack name');
    expect(fs.existsSync(path.join(tmp, "path"))).toBe(false);
  });

  test("an unknown option and --stack with --all are usage errors", async () => {
    const unknown = await check(["--stak", "prod"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--stak'/);
    const both = await check(["--stack", "prod", "--all"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--all were both given");
  });

  test("a missing --policy-config file", async () => {
    const out = path.join(tmp, "missing-config");
    const r = await check(["--stack", "dev", "--policy-config", path.join(tmp, "absent.json"), "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("absent.json");
    expect(r.stderr).toContain("file not found");
    expect(fs.existsSync(out)).toBe(false);
  });

  test("an invalid policy config names each field, value and fix, and leaves existing evidence untouched", async () => {
    const file = path.join(tmp, "bad.json");
    fs.writeFileSync(
      file,
      JSON.stringify({
        "phi-tls-strong-policy": { minimumTlsVersion: "1.1" },
        "phi-ingress-allowlisted-ports": { allowedIngress: ["tcp443"] },
        "phi-no-such-policy": "mandatory",
        "phi-lb-internal": "strict",
      }),
    );
    const out = path.join(tmp, "invalid-config");
    fs.mkdirSync(out);
    // A previous bundle (before the marker file): only our files and a SHA256SUMS that verifies.
    fs.writeFileSync(path.join(out, "evidence.json"), "previous evidence\n");
    fs.writeFileSync(
      path.join(out, "SHA256SUMS"),
      `${createHash("sha256").update("previous evidence\n").digest("hex")}  evidence.json\n`,
    );
    const r = await check(["--stack", "prod", "--policy-config", file, "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /bad\.json: \$\.phi-tls-strong-policy\.minimumTlsVersion = "1\.1" .*Fix: use one of "1\.2", "1\.3"/,
    );
    expect(r.stderr).toMatch(
      /bad\.json: \$\.phi-ingress-allowlisted-ports\.allowedIngress\[0\] = "tcp443" .*Fix: use a value matching/,
    );
    expect(r.stderr).toContain(
      "$.phi-no-such-policy is not a policy of this pack. Fix: remove it or use one of",
    );
    expect(r.stderr).toContain('$.phi-lb-internal = "strict" is not an enforcement level');
    expect(fs.readdirSync(out).sort()).toEqual(["SHA256SUMS", "evidence.json"]);
    expect(fs.readFileSync(path.join(out, "evidence.json"), "utf8")).toBe("previous evidence\n");
    expect(r.stdout).toBe("");
  }, 120_000);

  test("a port outside 0-65535 in allowedIngress is rejected by the pack's schema", async () => {
    const file = path.join(tmp, "bad-port.json");
    fs.writeFileSync(
      file,
      JSON.stringify({ "phi-ingress-allowlisted-ports": { allowedIngress: ["tcp/99999"] } }),
    );
    const out = path.join(tmp, "bad-port");
    const r = await check(["--stack", "prod", "--policy-config", file, "--out", out]);
    expect(r.stderr).toContain('$.phi-ingress-allowlisted-ports.allowedIngress[0] = "tcp/99999"');
    expect(r.code).toBe(2);
    expect(fs.existsSync(out)).toBe(false);
  }, 120_000);

  test("--policy-config with --all is refused (a config belongs to one stack)", async () => {
    const r = await check(["--all", "--policy-config", path.join(ROOT, "policies", "config", "dev.json")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("needs a single stack");
  });
});

describe("evidence.json schema", () => {
  test("the evidence written by check validates against the committed schema", () => {
    const schemaFile = path.join(ROOT, "tools", "evidence", "evidence.schema.json");
    if (!fs.existsSync(schemaFile)) throw new Error(`${schemaFile} missing (H5)`);
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, "utf8")) as object);
    for (const dir of ["prod", "dev-1", "ssh-debug"]) {
      const ok = validate(readEvidence(path.join(tmp, dir)));
      expect({ dir, errors: validate.errors ?? [] }).toEqual({ dir, errors: [] });
      expect(ok).toBe(true);
    }
  });
});
