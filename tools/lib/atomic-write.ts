/**
 * Atomic writes, for every file or directory the tools write: the content goes into a new temporary sibling
 * (same directory, so same filesystem), which is then renamed into place. A reader sees the old content or
 * the new, never part of it; on a failure the temporary sibling is removed and the target is as it was.
 * No fsync: the writes are reports a rerun reproduces, and nothing here has ever synced.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** A new name beside `target`: `.<name>.tmp-<pid>-<random>`. */
export function siblingTempPath(target: string): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`,
  );
}

export interface AtomicFileOptions {
  /** Test seam: replaces the write of the temporary file (by default a new file, flag "wx"). */
  writeFile?: (tempFile: string, text: string) => void;
}

/** Writes `text` (UTF-8) to `file` atomically, replacing what is there; creates the parent directories. */
export function writeFileAtomically(file: string, text: string, options: AtomicFileOptions = {}): void {
  const write = options.writeFile ?? ((p: string, d: string) => fs.writeFileSync(p, d, { flag: "wx" }));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = siblingTempPath(file);
  try {
    write(tmp, text);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

export interface AtomicDirOptions {
  /** Test seam: replaces the write of each file inside the temporary directory. */
  writeFile?: (file: string, data: string) => Promise<void>;
  /**
   * Moves the filled temporary directory into place. Default: a rename onto `target`, which must then not
   * exist or be empty. Whatever it throws, the temporary directory is removed.
   */
  install?: (tempDir: string) => void;
}

/**
 * Writes `files` (name → content) into a new sibling directory of `target` (mode 0777 & ~umask, files
 * 0666 & ~umask, each a new file), then installs it. The parent directory must exist.
 */
export async function writeDirAtomically(
  target: string,
  files: ReadonlyArray<readonly [name: string, content: string]>,
  options: AtomicDirOptions = {},
): Promise<void> {
  const write =
    options.writeFile ??
    ((p: string, d: string) => fs.promises.writeFile(p, d, { encoding: "utf8", flag: "wx" }));
  const install = options.install ?? ((tmp: string) => fs.renameSync(tmp, target));
  const tmp = siblingTempPath(target);
  fs.mkdirSync(tmp, { mode: 0o777 });
  try {
    for (const [name, data] of files) await write(path.join(tmp, name), data);
    install(tmp);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
