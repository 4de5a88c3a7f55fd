/**
 * tools/lib/atomic-write.ts: the one writer behind the bench's files, `--out` report files and evidence
 * bundles. A write either lands whole or leaves the target as it was, and never leaves a temporary file.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeDirAtomically, writeFileAtomically } from "../tools/lib/atomic-write";

const fresh = () => mkdtempSync(join(tmpdir(), "atomic-write-"));

describe("writeFileAtomically", () => {
  it("writes the content, creating the parent directories, and leaves no temporary file", () => {
    const dir = fresh();
    const file = join(dir, "reports", "bench.json");
    writeFileAtomically(file, '{ "a": 1 }\n');
    expect(readFileSync(file, "utf8")).toBe('{ "a": 1 }\n');
    expect(readdirSync(join(dir, "reports"))).toEqual(["bench.json"]);
  });

  it("replaces an existing file whole", () => {
    const dir = fresh();
    const file = join(dir, "test-duration.json");
    writeFileSync(file, "old content\n");
    writeFileAtomically(file, "new content\n");
    expect(readFileSync(file, "utf8")).toBe("new content\n");
    expect(readdirSync(dir)).toEqual(["test-duration.json"]);
  });

  it("leaves the old file intact and removes the temporary one when the write fails half way", () => {
    const dir = fresh();
    const file = join(dir, "bench.json");
    writeFileSync(file, "old content\n");
    const tempFiles: string[] = [];
    const halfWrite = (tmp: string, text: string) => {
      tempFiles.push(tmp);
      writeFileSync(tmp, text.slice(0, 3));
      throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
    };
    expect(() => writeFileAtomically(file, "new content\n", { writeFile: halfWrite })).toThrow(/ENOSPC/);
    expect(tempFiles).toHaveLength(1);
    expect(tempFiles[0].startsWith(join(dir, ".bench.json.tmp-"))).toBe(true);
    expect(readFileSync(file, "utf8")).toBe("old content\n");
    expect(readdirSync(dir)).toEqual(["bench.json"]);
  });

  it("leaves the target and no temporary file when the rename fails (the target is a directory)", () => {
    const dir = fresh();
    const target = join(dir, "bench.json");
    mkdirSync(target);
    writeFileSync(join(target, "keep.txt"), "mine\n");
    expect(() => writeFileAtomically(target, "new content\n")).toThrow(/EISDIR/);
    expect(readdirSync(dir)).toEqual(["bench.json"]);
    expect(readFileSync(join(target, "keep.txt"), "utf8")).toBe("mine\n");
  });
});

describe("writeDirAtomically", () => {
  it("writes every file into the new directory and leaves nothing beside it", async () => {
    const dir = fresh();
    const target = join(dir, "bundle");
    await writeDirAtomically(target, [
      ["a.txt", "first\n"],
      ["b.txt", "second\n"],
    ]);
    expect(readdirSync(dir)).toEqual(["bundle"]);
    expect(readdirSync(target).sort()).toEqual(["a.txt", "b.txt"]);
    expect(readFileSync(join(target, "b.txt"), "utf8")).toBe("second\n");
  });

  it.each([
    [
      "a file write",
      { writeFile: (p: string) => Promise.reject(new Error(`disk full at ${p}`)) },
      /disk full/,
    ],
    [
      "the install",
      {
        install: () => {
          throw new Error("rename refused");
        },
      },
      /rename refused/,
    ],
  ])("removes the temporary directory and creates nothing when %s fails", async (_l, options, error) => {
    const dir = fresh();
    await expect(writeDirAtomically(join(dir, "bundle"), [["a.txt", "first\n"]], options)).rejects.toThrow(
      error,
    );
    expect(readdirSync(dir)).toEqual([]);
  });
});
