import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildEvidence } from "../../tools/evidence/build";
import { writeEvidence } from "../../tools/evidence/write";
import { OutPathError } from "../../tools/lib/out-dir";
import { sampleRun } from "./support";
import { treeSnapshot } from "../support/tree";

const evidence = buildEvidence(sampleRun());
const BUNDLE = [
  ".phi-channels-evidence",
  "SHA256SUMS",
  "evidence.intoto.json",
  "evidence.json",
  "evidence.md",
  "evidence.sarif",
];

describe("writeEvidence", () => {
  it("writes the bundle, and SHA256SUMS verifies with sha256sum -c", async () => {
    const parent = mkdtempSync(join(tmpdir(), "evidence-"));
    const out = join(parent, "reports", "dev");
    const files = await writeEvidence(out, evidence);
    expect(files.map((f) => f.slice(out.length + 1))).toEqual([
      "evidence.json",
      "evidence.md",
      "evidence.sarif",
      "evidence.intoto.json",
      "SHA256SUMS",
    ]);
    expect(readdirSync(out).sort()).toEqual(BUNDLE);
    expect(JSON.parse(readFileSync(join(out, "evidence.json"), "utf8")).verdict).toBe("fail");
    expect(readFileSync(join(out, "SHA256SUMS"), "utf8")).toMatch(
      /^([0-9a-f]{64} {2}evidence\.(json|md|sarif|intoto\.json)\n){4}$/,
    );
    expect(execFileSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: out, encoding: "utf8" })).toBe(
      "evidence.json: OK\nevidence.md: OK\nevidence.sarif: OK\nevidence.intoto.json: OK\n",
    );
    // Tampering is detected.
    writeFileSync(join(out, "evidence.md"), "edited");
    expect(() => execFileSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: out, stdio: "pipe" })).toThrow();
  });

  it("creates directories 0755 and files 0644 under the default umask (022)", async () => {
    const old = process.umask(0o022);
    try {
      const out = join(mkdtempSync(join(tmpdir(), "evidence-")), "dev");
      await writeEvidence(out, evidence);
      expect((statSync(out).mode & 0o777).toString(8)).toBe("755");
      for (const f of BUNDLE)
        expect([f, (statSync(join(out, f)).mode & 0o777).toString(8)]).toEqual([f, "644"]);
    } finally {
      process.umask(old);
    }
  });

  it("replaces a previous bundle of ours whole and leaves no temporary directories", async () => {
    const parent = mkdtempSync(join(tmpdir(), "evidence-"));
    const out = join(parent, "dev");
    await writeEvidence(out, buildEvidence(sampleRun({ diagnostics: [] })));
    const before = readFileSync(join(out, "evidence.json"), "utf8");
    await writeEvidence(out, evidence);
    expect(readFileSync(join(out, "evidence.json"), "utf8")).not.toBe(before);
    expect(JSON.parse(readFileSync(join(out, "evidence.json"), "utf8")).verdict).toBe("fail");
    expect(readdirSync(out).sort()).toEqual(BUNDLE);
    expect(readdirSync(parent)).toEqual(["dev"]);
  });

  it("writes into an empty directory", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "evidence-")), "dev");
    mkdirSync(out);
    await writeEvidence(out, evidence);
    expect(readdirSync(out).sort()).toEqual(BUNDLE);
  });

  it("recognises a bundle written before the marker by its files and a SHA256SUMS that verifies", async () => {
    const parent = mkdtempSync(join(tmpdir(), "evidence-"));
    const legacy = join(parent, "legacy");
    mkdirSync(legacy);
    writeFileSync(join(legacy, "evidence.json"), "{}\n");
    // sha256 of "{}\n"
    writeFileSync(
      join(legacy, "SHA256SUMS"),
      "ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356  evidence.json\n",
    );
    await writeEvidence(legacy, evidence);
    expect(readdirSync(legacy).sort()).toEqual(BUNDLE);

    // The same files with a SHA256SUMS that does not verify are not ours: refused, untouched.
    const edited = join(parent, "edited");
    mkdirSync(edited);
    writeFileSync(join(edited, "evidence.json"), "{ edited }\n");
    writeFileSync(
      join(edited, "SHA256SUMS"),
      "ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356  evidence.json\n",
    );
    const snap = treeSnapshot(parent);
    await expect(writeEvidence(edited, evidence)).rejects.toThrow(OutPathError);
    expect(treeSnapshot(parent)).toEqual(snap);
  });

  it("a marker file alone does not make a directory ours when it holds other files", async () => {
    const parent = mkdtempSync(join(tmpdir(), "evidence-"));
    const out = join(parent, "dev");
    await writeEvidence(out, evidence);
    writeFileSync(join(out, "notes.txt"), "mine");
    const snap = treeSnapshot(parent);
    await expect(writeEvidence(out, evidence)).rejects.toThrow(
      /already holds files that are not a phi-channels evidence bundle \("notes\.txt"\)/,
    );
    expect(treeSnapshot(parent)).toEqual(snap);
  });

  it("leaves the previous bundle untouched and no temporary directory when a write fails", async () => {
    const parent = mkdtempSync(join(tmpdir(), "evidence-"));
    const out = join(parent, "dev");
    await writeEvidence(out, buildEvidence(sampleRun({ diagnostics: [] })));
    const snap = treeSnapshot(parent);
    let writes = 0;
    const failing = async (path: string, data: string) => {
      if (++writes === 3) throw new Error("disk full");
      await writeFile(path, data);
    };
    await expect(writeEvidence(out, evidence, { writeFile: failing })).rejects.toThrow("disk full");
    expect(writes).toBe(3);
    expect(treeSnapshot(parent)).toEqual(snap);
  });

  it("creates nothing when the first write fails and there was no previous directory", async () => {
    const parent = mkdtempSync(join(tmpdir(), "evidence-"));
    await expect(
      writeEvidence(join(parent, "dev"), evidence, {
        writeFile: async () => {
          throw new Error("EACCES");
        },
      }),
    ).rejects.toThrow("EACCES");
    expect(readdirSync(parent)).toEqual([]);
  });
});
