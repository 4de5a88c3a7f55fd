/**
 * Safe `--out` targets for every command that writes (check, evidence, bench). A command writes only into
 * a path it creates or its own previous output, never over anything else:
 *
 * - a directory target must not exist, be empty, or hold a previous bundle of ours and nothing else
 *   (recognised by its marker file; bundles from before the marker by their exact file set and a
 *   SHA256SUMS that still verifies);
 * - a file target must not exist or be a previous report of ours (the caller recognises its content).
 *
 * Anything else is an OutPathError (exit 2) naming the path and the fix; nothing is changed. Writes go
 * into a fresh sibling (same filesystem), then a rename (atomic-write.ts); a previous bundle is replaced
 * only as a whole, and removed file by file (known names only), never recursively.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { type AtomicDirOptions, writeDirAtomically, writeFileAtomically } from "./atomic-write";

/** The refusal of an `--out` path: a usage error (exit 2). */
export class OutPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutPathError";
  }
}

/** Marker file of an evidence bundle; its content names the tool, so a stray file of that name is not enough. */
export const BUNDLE_MARKER = ".phi-channels-evidence";
export const BUNDLE_MARKER_CONTENT = "phi-channels evidence bundle: written by phi-channels check/evidence\n";

export interface BundleLayout {
  /** Every file name a bundle of ours may hold (the marker included). */
  files: readonly string[];
  /** File names of bundles written before the marker existed, recognised only when SHA256SUMS verifies. */
  legacyFiles?: readonly string[];
}

const show = (p: string) => JSON.stringify(p);

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ENOTDIR") throw new OutPathError(underFile(p));
    throw new OutPathError(`--out ${show(p)}: cannot inspect it (${code}). Fix: pass a path you can write.`);
  }
}

function underFile(p: string): string {
  let dir = path.dirname(p);
  while (dir !== path.dirname(dir)) {
    const st = fs.statSync(dir, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) break;
    dir = path.dirname(dir);
  }
  return `--out ${show(p)}: ${show(dir)} is a file, not a directory, so nothing can be written under it. Fix: pass a path outside it.`;
}

/** The nearest existing ancestor must be a writable directory (we create the target and a sibling in it). */
function checkCreatable(target: string, flag: string): void {
  let dir = path.dirname(target);
  for (;;) {
    const st = fs.statSync(dir, { throwIfNoEntry: false });
    if (st) {
      if (!st.isDirectory()) {
        throw new OutPathError(
          `${flag} ${show(target)}: ${show(dir)} is a file, not a directory, so nothing can be written under it. Fix: pass a path outside it.`,
        );
      }
      checkWritable(dir, target, flag);
      return;
    }
    const up = path.dirname(dir);
    if (up === dir) return;
    dir = up;
  }
}

function checkWritable(dir: string, target: string, flag: string): void {
  try {
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
  } catch (e) {
    throw new OutPathError(
      `${flag} ${show(target)}: the directory ${show(dir)} is not writable (${(e as NodeJS.ErrnoException).code}). ` +
        `Fix: pass a directory you can write, or fix its permissions.`,
    );
  }
}

/** `<hex>  <name>` lines; true when every listed file exists and matches. */
function sumsVerify(dir: string): boolean {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, "SHA256SUMS"), "utf8");
  } catch {
    return false;
  }
  const lines = text.split("\n").filter((l) => l !== "");
  if (lines.length === 0) return false;
  return lines.every((l) => {
    const m = /^([0-9a-f]{64}) {2}([^/\\]+)$/.exec(l);
    if (!m) return false;
    try {
      return (
        createHash("sha256")
          .update(fs.readFileSync(path.join(dir, m[2])))
          .digest("hex") === m[1]
      );
    } catch {
      return false;
    }
  });
}

function isOurBundle(dir: string, entries: string[], layout: BundleLayout): boolean {
  if (entries.includes(BUNDLE_MARKER)) {
    let marker: string;
    try {
      marker = fs.readFileSync(path.join(dir, BUNDLE_MARKER), "utf8");
    } catch {
      return false;
    }
    return marker === BUNDLE_MARKER_CONTENT && entries.every((e) => layout.files.includes(e));
  }
  const legacy = layout.legacyFiles;
  return legacy !== undefined && entries.every((e) => legacy.includes(e)) && sumsVerify(dir);
}

export interface OutDirState {
  target: string;
  /** What is there now: nothing, an empty directory, or a previous bundle of ours. */
  existing: "none" | "empty" | "bundle";
}

/**
 * Checks that `outDir` may receive a bundle; throws OutPathError otherwise. Changes nothing.
 * `flag` names the option in messages (e.g. "--out").
 */
export function checkOutDir(outDir: string, layout: BundleLayout, flag = "--out"): OutDirState {
  const target = path.resolve(outDir);
  const cwd = process.cwd();
  if (target === path.parse(target).root) {
    throw new OutPathError(
      `${flag} ${show(outDir)} is the filesystem root. Fix: pass a new directory, e.g. reports/<stack>.`,
    );
  }
  if (cwd === target || cwd.startsWith(`${target}${path.sep}`)) {
    throw new OutPathError(
      `${flag} ${show(outDir)} is the current directory${cwd === target ? "" : " or one of its parents"}; the evidence ` +
        `would replace it. Fix: pass a new directory, e.g. reports/<stack>.`,
    );
  }
  const st = lstat(target);
  if (!st) {
    checkCreatable(target, flag);
    return { target, existing: "none" };
  }
  if (st.isSymbolicLink()) {
    throw new OutPathError(
      `${flag} ${show(outDir)} is a symbolic link; evidence is not written through links. Fix: pass the real directory or a new one.`,
    );
  }
  if (!st.isDirectory()) {
    throw new OutPathError(
      `${flag} ${show(outDir)} is a file, not a directory; it is left as it is. Fix: pass a new directory, e.g. reports/<stack>.`,
    );
  }
  checkWritable(path.dirname(target), outDir, flag);
  const entries = fs.readdirSync(target).sort();
  if (entries.length === 0) return { target, existing: "empty" };
  if (isOurBundle(target, entries, layout)) return { target, existing: "bundle" };
  // Name what is not ours first: that is what the user has to move.
  const foreign = entries.filter((e) => !layout.files.includes(e));
  const listed = foreign.length > 0 ? foreign : entries;
  const shown =
    listed.slice(0, 5).map(show).join(", ") + (listed.length > 5 ? `, … (${listed.length} in all)` : "");
  throw new OutPathError(
    `${flag} ${show(outDir)} already holds files that are not a phi-channels evidence bundle (${shown}); ` +
      `nothing was changed. Fix: pass a new or empty directory, e.g. reports/<stack>.`,
  );
}

export type WriteDirOptions = Pick<AtomicDirOptions, "writeFile">;

/** Removes a previous bundle of ours by its known file names, then the directory; never anything else. */
function removeBundle(dir: string, layout: BundleLayout): void {
  for (const name of new Set([...layout.files, ...(layout.legacyFiles ?? [])])) {
    fs.rmSync(path.join(dir, name), { force: true });
  }
  fs.rmdirSync(dir);
}

/**
 * Writes `files` (name → content) as a bundle into `outDir`, with the marker. Checks the target first
 * (checkOutDir); builds the bundle in a new sibling directory and renames it into place
 * (writeDirAtomically). A previous bundle is moved aside first and removed only after the rename.
 */
export async function writeBundleDir(
  outDir: string,
  files: Array<[name: string, content: string]>,
  layout: BundleLayout,
  options: WriteDirOptions = {},
  flag = "--out",
): Promise<string[]> {
  const state = checkOutDir(outDir, layout, flag);
  const { target } = state;
  const all: Array<[string, string]> = [...files, [BUNDLE_MARKER, BUNDLE_MARKER_CONTENT]];
  for (const [name] of all) {
    if (!layout.files.includes(name)) throw new Error(`bundle file ${name} is not in the bundle layout`);
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  let old: string | undefined;
  await writeDirAtomically(target, all, {
    writeFile: options.writeFile,
    install: (tmp) => {
      if (state.existing !== "none") {
        // Re-check just before replacing: only an empty directory or our own bundle is ever moved aside.
        const again = checkOutDir(outDir, layout, flag);
        if (again.existing !== "none") {
          old = `${tmp}.old`;
          fs.renameSync(target, old);
        }
      }
      try {
        fs.renameSync(tmp, target);
      } catch (e) {
        if (old) fs.renameSync(old, target);
        old = undefined;
        throw e;
      }
    },
  });
  if (old) {
    try {
      removeBundle(old, layout);
    } catch (e) {
      // The new bundle is in place; the previous one stays beside it rather than anything being deleted blindly.
      process.stderr.write(
        `warning: the previous bundle was kept at ${JSON.stringify(old)} (${(e as NodeJS.ErrnoException).code ?? "error"}); remove it by hand.\n`,
      );
    }
  }
  return files.map(([name]) => path.join(target, name));
}

/**
 * Checks that `outFile` may receive a report: it must not exist, or be a regular file `isOurs` recognises.
 * Throws OutPathError otherwise; changes nothing.
 */
export function checkOutFile(outFile: string, isOurs: (content: string) => boolean, flag = "--out"): string {
  const target = path.resolve(outFile);
  const st = lstat(target);
  if (!st) {
    checkCreatable(target, flag);
    return target;
  }
  if (st.isDirectory()) {
    throw new OutPathError(
      `${flag} ${show(outFile)} is a directory. Fix: pass a file path, e.g. reports/bench.json.`,
    );
  }
  if (!st.isFile()) {
    throw new OutPathError(
      `${flag} ${show(outFile)} is not a regular file. Fix: pass a new file path, e.g. reports/bench.json.`,
    );
  }
  let content: string;
  try {
    content = fs.readFileSync(target, "utf8");
  } catch (e) {
    throw new OutPathError(
      `${flag} ${show(outFile)}: cannot read it (${(e as NodeJS.ErrnoException).code}). Fix: pass a new file path.`,
    );
  }
  if (!isOurs(content)) {
    throw new OutPathError(
      `${flag} ${show(outFile)} exists and is not a report of this command; it is left as it is. Fix: pass a new file path, e.g. reports/bench.json.`,
    );
  }
  checkWritable(path.dirname(target), outFile, flag);
  return target;
}

/** Writes a report file atomically (sibling temp file, then rename) after checkOutFile. */
export function writeReportFile(
  outFile: string,
  text: string,
  isOurs: (content: string) => boolean,
  flag = "--out",
): string {
  const target = checkOutFile(outFile, isOurs, flag);
  writeFileAtomically(target, text);
  return target;
}

/**
 * A filesystem refusal (EACCES, EPERM, EROFS, ENOSPC, …) while writing output: the user's to fix, so a
 * message without a stack trace and exit 2. undefined for anything else (an internal error).
 */
export function fsErrorMessage(err: unknown): string | undefined {
  const e = err as NodeJS.ErrnoException;
  if (!e || typeof e.code !== "string" || typeof e.path !== "string") return undefined;
  return `cannot write ${JSON.stringify(e.path)} (${e.code}); nothing was changed there. Fix: pass an --out you can write, or fix its permissions.`;
}
