import { withoutStackTrace } from "./not-applicable";

class NotApplicableError extends Error {}

describe("withoutStackTrace", () => {
  const throwing = (reason?: string): never => {
    throw new NotApplicableError(reason);
  };

  it("throws the original not-applicable error with its reason, without a captured stack", () => {
    let caught: unknown;
    try {
      withoutStackTrace(throwing)("not a listener");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(NotApplicableError);
    expect((caught as Error).message).toBe("not a listener");
    expect((caught as Error).stack).not.toMatch(/\n\s+at /);
  });

  it("restores Error.stackTraceLimit afterwards", () => {
    const before = Error.stackTraceLimit;
    expect(() => withoutStackTrace(throwing)("x")).toThrow("x");
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error("later").stack).toMatch(/\n\s+at /);
  });
});
