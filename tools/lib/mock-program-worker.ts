/**
 * Child-process entry for {@link runStackProgram}: receives a WorkerRequest over IPC, runs the program
 * under mocks (one stack per process: the Pulumi runtime is a singleton) and sends back the capture, or
 * the program's own error located in the user's files.
 */
import {
  describeProgramError,
  isConfigError,
  runStackProgramInProcess,
  type WorkerMessage,
  type WorkerRequest,
} from "./mock-program";

function send(msg: WorkerMessage): void {
  process.send!(msg, () => process.exit(0));
}

process.once("message", (req: WorkerRequest) => {
  runStackProgramInProcess(req).then(
    (result) => send({ ok: true, result }),
    (err: unknown) => {
      if (isConfigError(err)) {
        const e = err as Error;
        send({ ok: false, error: { kind: "config", name: e.name, message: e.message } });
        return;
      }
      const described = describeProgramError(err, req.project.dir);
      send({
        ok: false,
        error: {
          kind: "program",
          name: (err as Error)?.name ?? "Error",
          message: described.message,
          location: described.location,
          frames: described.frames,
        },
      });
    },
  );
});
