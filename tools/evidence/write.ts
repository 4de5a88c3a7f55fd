/**
 * Atomic evidence writes. All four files are rendered in memory, written into a fresh temporary
 * directory beside `outDir` (same filesystem, so rename is atomic), and only then swapped into place.
 * An existing `outDir` is replaced only after everything was written; on any failure the temporary
 * directory is removed and the previous `outDir` is left as it was.
 */
import { constants } from "node:fs";
import { access, mkdir, mkdtemp, rename, rm, writeFile as fsWriteFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { sha256Hex } from "./canonical";
import { renderMarkdown } from "./markdown";
import type { Evidence } from "./model";
import { renderSarif } from "./sarif";

export const EVIDENCE_FILES = ["evidence.json", "evidence.md", "evidence.sarif"] as const;
export const SUMS_FILE = "SHA256SUMS";

export function renderJson(evidence: Evidence): string {
  return `${JSON.stringify(evidence, null, 2)}\n`;
}

/** `sha256sum -c` format: `<hex>  <name>` per line, in file order. */
export function renderSums(files: Array<[name: string, content: string]>): string {
  return files.map(([name, content]) => `${sha256Hex(Buffer.from(content, "utf8"))}  ${name}\n`).join("");
}

export interface WriteOptions {
  /** Test seam: replaces fs.writeFile for the files inside the temporary directory. */
  writeFile?: (path: string, data: string) => Promise<void>;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/** Writes evidence.json, evidence.md, evidence.sarif and SHA256SUMS into `outDir`; returns their paths. */
export async function writeEvidence(
  outDir: string,
  evidence: Evidence,
  options: WriteOptions = {},
): Promise<string[]> {
  const target = resolve(outDir);
  const parent = dirname(target);
  const write =
    options.writeFile ?? ((p: string, d: string) => fsWriteFile(p, d, { encoding: "utf8", flag: "wx" }));

  const contents: Array<[string, string]> = [
    ["evidence.json", renderJson(evidence)],
    ["evidence.md", renderMarkdown(evidence)],
    ["evidence.sarif", renderSarif(evidence)],
  ];
  contents.push([SUMS_FILE, renderSums(contents)]);

  await mkdir(parent, { recursive: true });
  const tmp = await mkdtemp(join(parent, `.${basename(target)}.tmp-`));
  let old: string | undefined;
  try {
    for (const [name, data] of contents) await write(join(tmp, name), data);
    if (await exists(target)) {
      old = `${tmp}.old`;
      await rename(target, old);
    }
    try {
      await rename(tmp, target);
    } catch (e) {
      if (old) await rename(old, target);
      old = undefined;
      throw e;
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  if (old) await rm(old, { recursive: true, force: true });
  return contents.map(([name]) => join(target, name));
}
