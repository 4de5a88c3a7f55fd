/**
 * Jest global setup: the tests spawn the compiled CLI and start the compiled pack, so rebuild them first
 * when any source is newer than the build (after an edit). A fresh `npm ci` has just built them: no-op.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const SOURCES = ["components", "policies/src", "tools"];
const BUILT = ["dist/tools/cli.js", "dist/components/index.js", "policies/bin/index.js"];

function newestSource(): number {
  let newest = 0;
  for (const dir of SOURCES) {
    for (const f of fs.readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })) {
      if (!/\.(ts|json)$/.test(f) || f.endsWith(".test.ts")) continue;
      newest = Math.max(newest, fs.statSync(path.join(ROOT, dir, f)).mtimeMs);
    }
  }
  return newest;
}

function oldestBuild(): number {
  let oldest = Infinity;
  for (const f of BUILT) {
    const file = path.join(ROOT, f);
    oldest = Math.min(oldest, fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);
  }
  return oldest;
}

export default function globalSetup(): void {
  if (oldestBuild() >= newestSource()) return;
  process.stderr.write("\njest global setup: sources changed since the last build; running npm run build\n");
  execFileSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: "inherit" });
}
