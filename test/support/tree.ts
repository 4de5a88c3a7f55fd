/**
 * A snapshot of a directory tree: every entry's path, kind, mode and content hash (symlinks by target).
 * Two equal snapshots mean every byte and permission was left as it was.
 */
import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";

export type TreeSnapshot = Record<string, string>;

export function treeSnapshot(root: string, skip: (rel: string) => boolean = () => false): TreeSnapshot {
  const out: TreeSnapshot = {};
  const walk = (rel: string) => {
    const abs = rel === "" ? root : join(root, rel);
    const st = lstatSync(abs);
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isSymbolicLink()) out[rel || "."] = `link ${readlinkSync(abs)}`;
    else if (st.isDirectory()) {
      const entries = readdirSync(abs).sort();
      out[rel || "."] = `dir ${mode} [${entries.join(",")}]`;
      for (const e of entries) {
        const child = rel === "" ? e : `${rel}/${e}`;
        if (!skip(child)) walk(child);
      }
    } else if (st.isFile()) {
      out[rel] = `file ${mode} ${createHash("sha256").update(readFileSync(abs)).digest("hex")}`;
    } else out[rel] = `other ${mode}`;
  };
  walk("");
  return out;
}
