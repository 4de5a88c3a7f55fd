/**
 * How the tests spawn the commands: `check` and `evidence` through the compiled `phi-channels` bin, which
 * is what users run (the jest global setup rebuilds it when the sources are newer); the dev-only bench
 * from its TypeScript sources under tsx.
 */
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "..", "..");
export const DIST_CLI = path.join(ROOT, "dist", "tools", "cli.js");

/** Arguments for `spawn(process.execPath, …)` running `tools/<script>` (e.g. "check.ts") with `args`. */
export function toolArgv(script: string, args: readonly string[]): string[] {
  const command = script.replace(/\.ts$/, "");
  if (command === "check" || command === "evidence") return [DIST_CLI, command, ...args];
  return ["--import", "tsx", path.join(ROOT, "tools", script), ...args];
}
