/**
 * `phi-channels review` end to end: the compiled CLI, spawned, on the committed stack exports of the prod
 * sample stack, through the real pack. Two runs (drifted, unchanged) start together and every assertion
 * reads them; refusals, which stop before any pack starts, run in process except one spawned to prove the
 * exit code of the real bin.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DIST_CLI } from "./support/cli";
import { evidenceValidator, sarifValidator } from "./evidence/support";
import { runCli } from "../tools/cli";
import { main as review } from "../tools/review";
import type { Evidence } from "../tools/evidence/model";

const ROOT = path.resolve(__dirname, "..");
const STATE = path.join(ROOT, "test", "fixtures", "state");
const PACK_ARGS = process.env.PHI_POLICY_PACK_DIR
  ? ["--pack", path.resolve(process.env.PHI_POLICY_PACK_DIR)]
  : [];
const BUNDLE = [
  ".phi-channels-evidence",
  "SHA256SUMS",
  "evidence.intoto.json",
  "evidence.json",
  "evidence.md",
  "evidence.sarif",
];
const SG_URN =
  "urn:pulumi:prod::phi-channels::phi:channel:PhiChannel$phi:network:AllowlistedSecurityGroup$aws:ec2/securityGroup:SecurityGroup::claims-api-lb";
const OTHER_SG_URN =
  "urn:pulumi:prod::phi-channels::phi:channel:PhiChannel$phi:network:AllowlistedSecurityGroup$aws:ec2/securityGroup:SecurityGroup::hl7-feed-lb";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function spawnReview(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DIST_CLI, "review", ...args, ...PACK_ARGS], {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: "0" },
    });
    let stdout = "";
    let stderr = "";
    // Decode as a stream: a chunk boundary can fall inside a multi-byte character (the § of the evidence).
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

/** Every ciphertext in a fixture: none may appear in anything the review wrote or printed. */
function ciphertexts(file: string): string[] {
  return [...fs.readFileSync(file, "utf8").matchAll(/"ciphertext": "([^"]+)"/g)].map((m) => m[1]);
}

const readBundle = (dir: string) =>
  Object.fromEntries(BUNDLE.map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]));

let tmp: string;
let drifted: Run;
let unchanged: Run;
let driftedOut: string;
let unchangedOut: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "phi-review-"));
  driftedOut = path.join(tmp, "drifted");
  unchangedOut = path.join(tmp, "unchanged");
  [drifted, unchanged] = await Promise.all([
    spawnReview([
      "--state",
      path.join(STATE, "prod-drifted.json"),
      "--policy-config",
      "policies/config/prod.json",
      "--out",
      driftedOut,
    ]),
    spawnReview(["--state", path.join(STATE, "prod.json"), "--out", unchangedOut, "--json"]),
  ]);
}, 180_000);

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("phi-channels review of the drifted prod export", () => {
  it("exits 1 and names the group, the field and the drift", () => {
    expect(drifted.stderr).not.toContain("error");
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toContain(
      '  ✖ MANDATORY phi-ingress-private-sources: aws:ec2/securityGroup:SecurityGroup "claims-api-lb"\n',
    );
    expect(drifted.stdout).toContain("      ingress[2].cidrBlocks[0] is not within a private range;");
    expect(drifted.stdout).toContain(
      '  ✖ MANDATORY phi-ingress-allowlisted-ports: aws:ec2/securityGroup:SecurityGroup "claims-api-lb"\n',
    );
    expect(drifted.stdout).toContain(
      "      ingress[2] opens tcp/22, which is outside the allowlist (allowed: tcp/443, tcp/5432)\n",
    );
    expect(drifted.stdout).toContain(
      "Drift on fields a policy decides (declared inputs vs actual outputs), 1 resource(s):\n" +
        '  ⚠ DRIFT aws:ec2/securityGroup:SecurityGroup "claims-api-lb": field ingress: phi-ingress-allowlisted-ports passes on the declared state, fails on the actual state\n' +
        '  ⚠ DRIFT aws:ec2/securityGroup:SecurityGroup "claims-api-lb": field ingress: phi-ingress-private-sources passes on the declared state, fails on the actual state\n',
    );
    expect(drifted.stdout).toContain(
      "FAIL prod: 2 mandatory violation(s), 0 advisory, 0 not decidable, 62 passed, 2897 not applicable (policy results); " +
        "resources: 42 checked, 122 not applicable, 0 not analysed, 164 in all (the stack resource included); 1 drifted\n",
    );
  });

  it("writes the evidence with source state, the drift on the group and nothing on the other group", () => {
    expect(fs.readdirSync(driftedOut).sort()).toEqual(BUNDLE);
    const e = JSON.parse(fs.readFileSync(path.join(driftedOut, "evidence.json"), "utf8")) as Evidence;
    const validate = evidenceValidator();
    expect(validate(e)).toBe(true);
    expect(e.metadata).toMatchObject({
      project: "phi-channels",
      stack: "prod",
      source: "state",
      operation: "analyze",
    });
    expect(e.metadata.stateExport).toEqual({
      deploymentVersion: 3,
      features: [],
      writtenAt: "2026-05-04T09:12:44.118263Z",
      writtenBy: "pulumi v3.248.0",
      secretsProvider: "service",
      secrets: "encrypted",
      resourcesPendingDeletion: 0,
    });
    expect(e.verdict).toBe("fail");
    expect(e.totals).toMatchObject({ resources: 164, mandatoryViolations: 2, resourcesDrifted: 1 });
    const sg = e.resources.find((r) => r.urn === SG_URN)!;
    expect(sg.drift).toEqual([
      {
        policyPack: "phi-channels-hipaa",
        policy: "phi-ingress-allowlisted-ports",
        fields: ["ingress"],
        declared: "passed",
        actual: "failed",
        hipaa: {
          control: "a1",
          controlReference: "§164.312(a)(1)",
          reference: "§164.312(a)(1)",
          specification: "Access control",
        },
      },
      {
        policyPack: "phi-channels-hipaa",
        policy: "phi-ingress-private-sources",
        fields: ["ingress"],
        declared: "passed",
        actual: "failed",
        hipaa: {
          control: "a1",
          controlReference: "§164.312(a)(1)",
          reference: "§164.312(a)(1)",
          specification: "Access control",
        },
      },
    ]);
    expect(
      sg.results.filter((r) => r.status === "failed").map((r) => [r.policy, r.enforcementLevel]),
    ).toEqual([
      ["phi-ingress-allowlisted-ports", "mandatory"],
      ["phi-ingress-private-sources", "mandatory"],
    ]);
    expect(e.resources.find((r) => r.urn === OTHER_SG_URN)!.drift).toBeUndefined();
    expect(e.resources.filter((r) => r.drift).map((r) => r.urn)).toEqual([SG_URN]);
    // The TLS private keys are encrypted in the export; the certificate policy did not need them.
    const leaf = e.resources.find(
      (r) => r.type === "tls:index/privateKey:PrivateKey" && r.name === "claims-api-cert-leaf",
    )!;
    expect(leaf.encryptedValues).toEqual(["outputs.privateKeyPem"]);
    expect(e.totals.undecidedAtPreview).toBe(0);
  });

  it("renders the drift in evidence.md and as a SARIF warning; SHA256SUMS verifies", () => {
    const md = fs.readFileSync(path.join(driftedOut, "evidence.md"), "utf8");
    expect(md).toContain(
      "| claims-api-lb (aws:ec2/securityGroup:SecurityGroup) | `ingress` | `phi-ingress-private-sources` | §164.312(a)(1) | passes | fails |",
    );
    expect(md).toContain(
      "| Stack export | deployment version 3, written 2026-05-04T09:12:44.118263Z by pulumi v3.248.0; secrets encrypted (service secrets provider); 0 resource(s) pending deletion, not analysed |",
    );
    const sarif = JSON.parse(fs.readFileSync(path.join(driftedOut, "evidence.sarif"), "utf8"));
    expect(sarifValidator()(sarif)).toBe(true);
    const drift = sarif.runs[0].results.filter(
      (r: { ruleId: string }) => r.ruleId === "phi-channels-evidence/drift",
    );
    expect(drift.map((r: { level: string; message: { text: string } }) => [r.level, r.message.text])).toEqual(
      [
        [
          "warning",
          "Drift: claims-api-lb (aws:ec2/securityGroup:SecurityGroup): field ingress: phi-ingress-allowlisted-ports passes on the declared state, fails on the actual state",
        ],
        [
          "warning",
          "Drift: claims-api-lb (aws:ec2/securityGroup:SecurityGroup): field ingress: phi-ingress-private-sources passes on the declared state, fails on the actual state",
        ],
      ],
    );
    const sums = fs.readFileSync(path.join(driftedOut, "SHA256SUMS"), "utf8").trim().split("\n");
    expect(sums).toHaveLength(4);
    for (const line of sums) {
      const [hash, file] = line.split("  ");
      expect(
        createHash("sha256")
          .update(fs.readFileSync(path.join(driftedOut, file)))
          .digest("hex"),
      ).toBe(hash);
    }
    const statement = JSON.parse(fs.readFileSync(path.join(driftedOut, "evidence.intoto.json"), "utf8"));
    expect(statement.predicate).toMatchObject({
      source: "state",
      operation: "analyze",
      verdict: "fail",
      resourcesDrifted: 1,
    });
  });

  it("prints and writes no ciphertext of the export", () => {
    const secrets = ciphertexts(path.join(STATE, "prod-drifted.json"));
    expect(secrets.length).toBe(20);
    const written = Object.values(readBundle(driftedOut)).join("\n") + drifted.stdout + drifted.stderr;
    for (const c of secrets) expect(written).not.toContain(c);
  });
});

describe("phi-channels review of the unchanged prod export", () => {
  it("passes (exit 0) with no drift, and --json prints the evidence it wrote", () => {
    expect(unchanged.code).toBe(0);
    const printed = JSON.parse(unchanged.stdout) as Evidence;
    expect(unchanged.stdout).toBe(fs.readFileSync(path.join(unchangedOut, "evidence.json"), "utf8"));
    expect(printed.verdict).toBe("pass");
    expect(printed.verdictReasons).toEqual([
      "no mandatory violation on the 42 resource(s) the policies apply to",
    ]);
    expect(printed.totals).toMatchObject({
      mandatoryViolations: 0,
      advisoryViolations: 0,
      resourcesDrifted: 0,
    });
    expect(printed.resources.filter((r) => r.drift)).toEqual([]);
    // Defaults here: policies/config/prod.json of the working directory, as check picks it.
    const cfg = printed.metadata.policyConfig["phi-channels-hipaa"] as Record<
      string,
      { enforcementLevel: string }
    >;
    expect(cfg["phi-egress-restricted"].enforcementLevel).toBe("advisory");
    const md = fs.readFileSync(path.join(unchangedOut, "evidence.md"), "utf8");
    expect(md).toContain("## Drift\n\nNone: on every resource, each policy finds the same");
    const written = Object.values(readBundle(unchangedOut)).join("\n") + unchanged.stderr;
    for (const c of ciphertexts(path.join(STATE, "prod.json"))) expect(written).not.toContain(c);
  });
});

describe("refusals: exit 2, nothing written", () => {
  /** Runs the review in process (refusals stop before any pack starts); returns code and stderr. */
  async function inProcess(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
    let stderr = "";
    let stdout = "";
    const err = jest.spyOn(process.stderr, "write").mockImplementation((s) => ((stderr += String(s)), true));
    const out = jest.spyOn(process.stdout, "write").mockImplementation((s) => ((stdout += String(s)), true));
    try {
      return { code: await review(args), stderr, stdout };
    } finally {
      err.mockRestore();
      out.mockRestore();
    }
  }

  const write = (name: string, text: string) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it("the real bin refuses an export of an unsupported version", async () => {
    const file = write("v2.json", JSON.stringify({ version: 2, deployment: { resources: [] } }));
    const out = path.join(tmp, "v2-out");
    const r = await spawnReview(["--state", file, "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `error: ${file}: deployment version 2 is a format of Pulumi CLIs before 2019; this review reads versions 3 and 4. ` +
        "Fix: export the stack with a current Pulumi CLI, which migrates it (`pulumi stack export --file state.json`).\n" +
        "Nothing was written.\n",
    );
    expect(r.stdout).toBe("");
    expect(fs.existsSync(out)).toBe(false);
  });

  it.each([
    [
      "not a stack export",
      '{"resources": [], "outputs": {"password": "hunter2-SENTINEL"}}',
      'expected an object with "version" and "deployment"',
    ],
    [
      "an unsupported version",
      '{"version": 7, "deployment": {"resources": []}}',
      "deployment version 7 is newer than this review reads",
    ],
    [
      "an empty deployment",
      '{"version": 3, "deployment": {"manifest": {}, "resources": []}}',
      "an empty deployment: it holds no resources",
    ],
    ["not JSON", "version: 3\npassword: hunter2-SENTINEL\n", "not JSON, so not a stack export"],
  ])("%s", async (name, text, expected) => {
    const file = write(`${name.replace(/\W+/g, "-")}.json`, text);
    const out = path.join(tmp, `${name.replace(/\W+/g, "-")}-out`);
    const r = await inProcess(["--state", file, "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(expected);
    expect(r.stderr).toContain("Fix:");
    expect(r.stderr.endsWith("Nothing was written.\n")).toBe(true);
    expect(r.stderr).not.toContain("hunter2");
    expect(r.stdout).toBe("");
    expect(fs.existsSync(out)).toBe(false);
  });

  it("a missing file, a directory, a bad --git-commit and an --out that is not ours", async () => {
    const missing = await inProcess(["--state", path.join(tmp, "none.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'none.json": no such file. Fix: pass the file written by `pulumi stack export',
    );
    const dir = await inProcess(["--state", tmp]);
    expect(dir.stderr).toContain("is a directory, not a file");
    const commit = await inProcess(["--state", path.join(STATE, "prod.json"), "--git-commit", "main"]);
    expect(commit.stderr).toContain('--git-commit = "main": not a hexadecimal commit id');
    const foreign = path.join(tmp, "foreign");
    fs.mkdirSync(foreign);
    fs.writeFileSync(path.join(foreign, "notes.txt"), "mine");
    const out = await inProcess(["--state", path.join(STATE, "prod.json"), "--out", foreign]);
    expect(out.code).toBe(2);
    expect(fs.readdirSync(foreign)).toEqual(["notes.txt"]);
    for (const r of [missing, dir, commit, out]) expect(r.code).toBe(2);
  });

  it("--state is required, and --help describes the command", async () => {
    const none = await inProcess([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("required option '--state <file>' not specified");
    const help = await inProcess(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: review [options]");
    expect(help.stdout).toContain("--state <file>");
    expect(help.stdout).toContain("pulumi stack export --stack prod --file state.json");
  });
});

describe("wiring", () => {
  it("phi-channels lists review, and npm run review runs the compiled bin", async () => {
    let stdout = "";
    const spy = jest.spyOn(process.stdout, "write").mockImplementation((s) => ((stdout += String(s)), true));
    try {
      expect(await runCli(["--help"])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(stdout).toMatch(
      /\n {2}review {4}review a deployed stack's `pulumi stack export` against the pack/,
    );
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    expect(pkg.scripts.review).toBe("node dist/tools/cli.js review");
  });
});
