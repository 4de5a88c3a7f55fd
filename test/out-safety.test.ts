/**
 * `--out` never loses a file (issue 10 §1): check, evidence and bench refuse every target that is not new,
 * empty or their own previous output, exit 2 naming the path and the fix, show no stack trace, and leave
 * every byte (and mode) as it was: each case compares a snapshot of the whole tree before and after.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { treeSnapshot } from "./support/tree";
import { toolArgv } from "./support/cli";

const ROOT = join(__dirname, "..");
const EVENT_LOG = join(ROOT, "test", "fixtures", "event-logs", "preview-clean.ndjson");

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}
const run = (script: string, args: string[], cwd: string): Run => {
  const r = spawnSync(process.execPath, toolArgv(script, args), {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
const evidence = (out: string, cwd: string) =>
  run("evidence.ts", ["--event-log", EVENT_LOG, "--out", out], cwd);
const check = (out: string, cwd: string) =>
  run("check.ts", ["--cwd", ROOT, "--stack", "dev", "--out", out, "--quiet"], cwd);

/** A small repository as a user has it: sources, docs, .git, node_modules. */
function fakeRepository(): string {
  const repo = mkdtempSync(join(tmpdir(), "out-safety-repo-"));
  execFileSync("git", ["init", "-q", repo]);
  writeFileSync(join(repo, "README.md"), "# my infra\n");
  writeFileSync(join(repo, "package.json"), '{ "name": "my-infra" }\n');
  mkdirSync(join(repo, "docs"));
  writeFileSync(join(repo, "docs", "runbook.md"), "keep me\n");
  mkdirSync(join(repo, "node_modules", "dep"), { recursive: true });
  writeFileSync(join(repo, "node_modules", "dep", "index.js"), "module.exports = 1;\n");
  chmodSync(join(repo, "docs", "runbook.md"), 0o600);
  return repo;
}

function expectRefused(r: Run, fix: RegExp): void {
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(fix);
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
  expect(r.stdout).toBe("");
}

describe.each([
  ["evidence", evidence],
  ["check", check],
])("%s --out refuses what is not its own", (_name, cli) => {
  let repo: string;
  beforeEach(() => {
    repo = fakeRepository();
  });

  test("--out . (the working tree)", () => {
    const before = treeSnapshot(repo);
    const r = cli(".", repo);
    // check names the resolved path, evidence the path as given.
    expectRefused(
      r,
      /--out "(\.|\/[^"]+)" is the current directory; the evidence would replace it\. Fix: pass a new directory/,
    );
    expect(treeSnapshot(repo)).toEqual(before);
  }, 120_000);

  test("the repository root, from elsewhere", () => {
    const before = treeSnapshot(repo);
    const r = cli(repo, tmpdir());
    expectRefused(
      r,
      /already holds files that are not a phi-channels evidence bundle \("\.git", "README\.md", "docs", "node_modules", "package\.json"\); nothing was changed\. Fix: pass a new or empty directory/,
    );
    expect(treeSnapshot(repo)).toEqual(before);
  }, 120_000);

  test("a directory with unrelated files", () => {
    const before = treeSnapshot(repo);
    const r = cli(join(repo, "docs"), repo);
    expectRefused(r, /"runbook\.md"\); nothing was changed/);
    expect(treeSnapshot(repo)).toEqual(before);
  }, 120_000);

  test("a regular file", () => {
    const before = treeSnapshot(repo);
    const r = cli(join(repo, "README.md"), repo);
    expectRefused(
      r,
      /README\.md" is a file, not a directory; it is left as it is\. Fix: pass a new directory/,
    );
    expect(treeSnapshot(repo)).toEqual(before);
  }, 120_000);

  test("a path under a regular file", () => {
    const before = treeSnapshot(repo);
    const r = cli(join(repo, "README.md", "evidence"), repo);
    expectRefused(r, /README\.md" is a file, not a directory, so nothing can be written under it\. Fix:/);
    expect(treeSnapshot(repo)).toEqual(before);
  }, 120_000);

  test("an unwritable directory", () => {
    const locked = join(repo, "locked");
    mkdirSync(locked);
    const lock = (on: boolean) => {
      // root ignores permission bits: use the immutable attribute there.
      if (process.getuid?.() === 0) execFileSync("chattr", [on ? "+i" : "-i", locked]);
      else chmodSync(locked, on ? 0o555 : 0o755);
    };
    lock(true);
    try {
      const before = treeSnapshot(repo);
      const under = cli(join(locked, "evidence"), repo);
      expectRefused(
        under,
        /locked" is not writable \((EACCES|EPERM)\)\. Fix: pass a directory you can write/,
      );
      // The empty locked directory itself passes the checks but cannot be moved aside: still refused, exit 2.
      const itself = cli(locked, repo);
      expectRefused(
        itself,
        /cannot write "[^"]*locked" \((EACCES|EPERM)\); nothing was changed there\. Fix:/,
      );
      expect(treeSnapshot(repo)).toEqual(before);
    } finally {
      lock(false);
    }
  }, 120_000);
});

describe("the previous bundle is recognised and replaced whole", () => {
  test("evidence twice into the same --out", () => {
    const out = join(mkdtempSync(join(tmpdir(), "out-safety-")), "dev");
    expect(evidence(out, ROOT).status).toBe(0);
    const first = treeSnapshot(out);
    expect(Object.keys(first).sort()).toEqual([
      ".",
      ".phi-channels-evidence",
      "SHA256SUMS",
      "evidence.intoto.json",
      "evidence.json",
      "evidence.md",
      "evidence.sarif",
    ]);
    expect(first["."]).toMatch(/^dir 755 /);
    expect(evidence(out, ROOT).status).toBe(0);
    expect(Object.keys(treeSnapshot(out)).sort()).toEqual(Object.keys(first).sort());
  }, 60_000);
});

describe("bench --out", () => {
  test("refuses a file that is not a bench report, and a path under a file", () => {
    const repo = fakeRepository();
    const before = treeSnapshot(repo);
    const foreign = run("bench.ts", ["--out", join(repo, "package.json")], ROOT);
    expectRefused(
      foreign,
      /package\.json" exists and is not a report of this command; it is left as it is\. Fix:/,
    );
    const under = run("bench.ts", ["--out", join(repo, "README.md", "bench.json")], ROOT);
    expectRefused(under, /README\.md" is a file, not a directory, so nothing can be written under it/);
    expect(treeSnapshot(repo)).toEqual(before);
  }, 60_000);
});
