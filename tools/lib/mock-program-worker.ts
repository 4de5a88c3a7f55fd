/**
 * Child-process entry for {@link runStackProgram}: receives RunStackOptions over IPC, runs the program
 * under mocks (one stack per process: the Pulumi runtime is a singleton) and sends back the capture.
 */
import {
  isConfigError,
  runStackProgramInProcess,
  type RunStackOptions,
  type WorkerMessage,
} from "./mock-program";

function send(msg: WorkerMessage): void {
  process.send!(msg, () => process.exit(0));
}

process.once("message", (opts: RunStackOptions) => {
  runStackProgramInProcess(opts).then(
    (result) => send({ ok: true, result }),
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      send({
        ok: false,
        error: {
          kind: isConfigError(e) ? "config" : "program",
          name: e.name,
          message: e.message,
          stack: e.stack,
        },
      });
    },
  );
});
