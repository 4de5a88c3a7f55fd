import { effectivePortRange, parsePortNumber } from "./ports";
import { normalizeProtocol } from "./protocols";

describe("parsePortNumber", () => {
  it.each([
    [443, 443],
    ["443", 443],
    [-1, -1],
    [0, 0],
    ["65535", 65535],
  ])("%p is %p", (raw, port) => {
    expect(parsePortNumber(raw)).toBe(port);
  });

  it.each([1.5, "1.5", " 443", "443 ", "0x1bb", "0443", "+443", "4e2", "", null, undefined, "-1", true])(
    "%p is not a port number",
    (raw) => {
      expect(parsePortNumber(raw)).toBeUndefined();
    },
  );

  it("accepts a minus sign in the text form only when asked (security-group -1)", () => {
    expect(parsePortNumber("-1", { negativeText: true })).toBe(-1);
    expect(parsePortNumber("-22", { negativeText: true })).toBe(-22);
    expect(parsePortNumber("--1", { negativeText: true })).toBeUndefined();
  });
});

describe("effectivePortRange", () => {
  const tcp = normalizeProtocol("tcp")!;
  it.each([
    ["22", "22", { from: 22, to: 22 }],
    ["-1", "-1", { from: 0, to: 65535 }],
    [undefined, 80, { from: 0, to: 65535 }],
    [443, "8443", { from: 443, to: 8443 }],
    [8443, 443, undefined],
    [0, 65536, undefined],
    ["x", 22, undefined],
    ["123456", 22, undefined],
    ["022", "022", undefined],
  ])("tcp %p-%p", (from, to, range) => {
    expect(effectivePortRange(tcp, from, to)).toEqual(range);
  });
});
