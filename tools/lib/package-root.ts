/**
 * Where the phi-channels package lives, from the TypeScript sources (`tools/lib`) or the compiled CLI
 * (`dist/tools/lib`, in this repository or under a user's `node_modules/phi-channels`). Files that ship
 * outside `dist/` (the policy pack, `package.json`) are found from here.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const PACKAGE_NAME = "phi-channels";

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      try {
        if ((JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name === PACKAGE_NAME) {
          return dir;
        }
      } catch {
        // Not a readable manifest: keep walking up.
      }
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`cannot find the ${PACKAGE_NAME} package.json above ${from}`);
    }
  }
}

/** The directory holding phi-channels' package.json. */
export const PACKAGE_ROOT = findPackageRoot(__dirname);

/** The policy pack directory shipped with the package (PulumiPolicy.yaml, package.json, bin/). */
export const PACK_DIR = path.join(PACKAGE_ROOT, "policies");

/** phi-channels' own version. */
export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string })
    .version;
}
