import { PhiConfigError } from "../../components/errors";

/**
 * Asserts that `construct` throws a PhiConfigError for `field` whose message matches `text` and names a
 * fix, and that nothing was registered before the refusal (`registered` is the mocks' resource count).
 */
export function expectRefusal(
  construct: () => unknown,
  field: string,
  text: RegExp,
  registered: () => number,
): void {
  let error: unknown;
  try {
    construct();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(PhiConfigError);
  const err = error as PhiConfigError;
  expect(err.field).toBe(field);
  expect(err.message).toMatch(text);
  expect(err.message).toMatch(/Fix: /);
  expect(registered()).toBe(0);
}
