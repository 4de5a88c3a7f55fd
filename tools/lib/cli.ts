import { type Command, CommanderError } from "commander";

/**
 * Parses argv with a commander program built with `.exitOverride()`. Returns the exit code to stop with
 * (0 after --help/--version, 2 for usage errors, which commander has already printed), or undefined to
 * go on. Stray positional arguments are usage errors too; `fix` says what to pass instead.
 */
export function parseOrExitCode(
  cli: Command,
  argv: readonly string[],
  fix: string,
  from: "node" | "user" = "node",
): number | undefined {
  // Excess arguments are reported below with the value and a fix, not as commander's bare count.
  cli.allowExcessArguments(true);
  try {
    cli.parse([...argv], { from });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return 0;
      process.stderr.write("Run with --help for usage.\n");
      return 2;
    }
    throw err;
  }
  if (cli.args.length > 0) {
    process.stderr.write(
      `error: unexpected argument "${cli.args[0]}". Fix: ${fix}. Run with --help for usage.\n`,
    );
    return 2;
  }
  return undefined;
}
