import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildEvidence } from "../../tools/evidence/build";
import { writeEvidence } from "../../tools/evidence/write";
import { sampleRun } from "./support";

const evidence = buildEvidence(sampleRun());

describe("writeEvidence", () => {
  it("writes the four files, and SHA256SUMS verifies with sha256sum -c", async () => {
    const parent = mkdtempSync(join(tmpdir(), "evidence-"));
    const out = join(parent, "reports", "dev");
    const files = await writeEvidence(out, evidence);
    expect(files.map((f) => f.slice(out.length + 1))).toEqual([
      "evidence.json",
      "evidence.md",
      "evidence.sarif",
      "SHA256SUMS",
    ]);
    expect(readdirSync(out).sort()).toEqual(["SHA256SUMS", "evidence.json", "evidence.md", "evidence.sarif"]);
    expect(JSON.parse(readFileSync(join(out, "evidence.json"), "utf8")).verdict).toBe("fail");
    expect(readFileSync(join(out, "SHA256SUMS"), "utf8")).toMatch(
      /^([0-9a-f]{64} {2}evidence\.(json|md|sarif)\n){3}$/,
    );
    expect(execFileSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: out, encoding: "utf8" })).toBe(
      "evidence.json: OK\nevidence.md: OK\nevidence.sarif: OK\n",
    );
    // Tampering is detected.
    writeFileSync(join(out, "evidence.md"), "edited");
    expect(() => execFileSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: out, stdio: "pipe" })).toThrow();
  });

  it("replaces an existing directory whole and leaves no temporary directories", async () => {
    const parent = mkdtempSync(join(tmpdir(), "evidence-"));
    const out = join(parent, "dev");
    mkdirSync(out);
    writeFileSync(join(out, "stale.txt"), "from an older run");
    await writeEvidence(out, evidence);
    expect(readdirSync(out)).not.toContain("stale.txt");
    expect(readdirSync(parent)).toEqual(["dev"]);
  });

  it("leaves the previous directory untouched and no temporary directory when a write fails", async () => {
    const parent = mkdtempSync(join(tmpdir(), "evidence-"));
    const out = join(parent, "dev");
    mkdirSync(out);
    writeFileSync(join(out, "evidence.json"), "previous evidence");
    let writes = 0;
    const failing = async (path: string, data: string) => {
      if (++writes === 3) throw new Error("disk full");
      await writeFile(path, data);
    };
    await expect(writeEvidence(out, evidence, { writeFile: failing })).rejects.toThrow("disk full");
    expect(writes).toBe(3);
    expect(readdirSync(parent)).toEqual(["dev"]);
    expect(readdirSync(out)).toEqual(["evidence.json"]);
    expect(readFileSync(join(out, "evidence.json"), "utf8")).toBe("previous evidence");
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
