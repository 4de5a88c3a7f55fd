/**
 * Evidence bundles. All files are rendered in memory and written through the safe-output helper
 * (tools/lib/out-dir.ts), with the tools' one atomic writer (tools/lib/atomic-write.ts): a new sibling
 * directory, then a rename, and only into a new or empty directory or a previous bundle of ours, which is
 * replaced whole. On any failure nothing at `outDir` changes.
 */
import { BUNDLE_MARKER, type BundleLayout, type WriteDirOptions, writeBundleDir } from "../lib/out-dir";
import { sha256Hex } from "./canonical";
import { INTOTO_FILE, renderIntoto } from "./intoto";
import { renderMarkdown } from "./markdown";
import type { Evidence } from "./model";
import { renderSarif } from "./sarif";

export const EVIDENCE_FILES = ["evidence.json", "evidence.md", "evidence.sarif"] as const;
export const SUMS_FILE = "SHA256SUMS";
export { BUNDLE_MARKER };

/** What a bundle of ours may hold; bundles from before the marker and the in-toto statement had the first four. */
export const BUNDLE_LAYOUT: BundleLayout = {
  files: [...EVIDENCE_FILES, INTOTO_FILE, SUMS_FILE, BUNDLE_MARKER],
  legacyFiles: [...EVIDENCE_FILES, SUMS_FILE],
};

export function renderJson(evidence: Evidence): string {
  return `${JSON.stringify(evidence, null, 2)}\n`;
}

/** `sha256sum -c` format: `<hex>  <name>` per line, in file order. */
export function renderSums(files: Array<[name: string, content: string]>): string {
  return files.map(([name, content]) => `${sha256Hex(Buffer.from(content, "utf8"))}  ${name}\n`).join("");
}

/** The bundle's files in order: the evidence, its in-toto statement, and SHA256SUMS over all of them. */
export function renderBundle(evidence: Evidence): Array<[string, string]> {
  const contents: Array<[string, string]> = [
    ["evidence.json", renderJson(evidence)],
    ["evidence.md", renderMarkdown(evidence)],
    ["evidence.sarif", renderSarif(evidence)],
  ];
  contents.push([INTOTO_FILE, renderIntoto(evidence, contents)]);
  contents.push([SUMS_FILE, renderSums(contents)]);
  return contents;
}

/** Test seam `writeFile`: replaces fs.writeFile for the files inside the temporary directory. */
export type WriteOptions = WriteDirOptions;

/**
 * Writes evidence.json, evidence.md, evidence.sarif, evidence.intoto.json and SHA256SUMS into `outDir`;
 * returns their paths. Throws OutPathError (a usage error) when `outDir` holds anything else.
 */
export async function writeEvidence(
  outDir: string,
  evidence: Evidence,
  options: WriteOptions = {},
): Promise<string[]> {
  return writeBundleDir(outDir, renderBundle(evidence), BUNDLE_LAYOUT, options);
}
