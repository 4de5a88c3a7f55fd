/**
 * `args.notApplicable` throws an Error subclass that @pulumi/policy catches and turns into a "not
 * applicable" entry, discarding the stack trace. Capturing that trace was the largest per-resource cost
 * of this pack (every resource is not applicable to most policies), so it is skipped.
 */
export function withoutStackTrace(notApplicable: (reason?: string) => never): (reason?: string) => never {
  return (reason?: string): never => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return notApplicable(reason);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
}
