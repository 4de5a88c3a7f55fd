import { checkKeyAlgorithm } from "./certificates";
import { parseInteger } from "./numbers";
import { checkDefaultRetention } from "./retention";

describe("parseInteger: integers as the provider reads them", () => {
  it.each<[unknown, number]>([
    [2190, 2190],
    ["2190", 2190],
    ["0", 0],
    ["-1", -1],
    ["-0", 0],
    [-1, -1],
  ])("%p is %p", (raw, n) => {
    expect(parseInteger(raw)).toBe(n);
  });

  it.each<unknown>([
    "02190", // octal to Terraform's SDK (base prefixes), decimal elsewhere: read two ways
    "0x1bb",
    "+443",
    "4e2",
    "443.0",
    " 443",
    "443 ",
    "",
    "1_000",
    "9007199254740993",
    443.5,
    2 ** 53,
    NaN,
    null,
    undefined,
    true,
    [443],
  ])("%p is not read as an integer", (raw) => {
    expect(parseInteger(raw)).toBeUndefined();
  });
});

describe("numbers written as decimal text decide as the numbers do", () => {
  it("Object Lock days and years", () => {
    expect(checkDefaultRetention("COMPLIANCE", "2190", undefined, 2190)).toEqual({ ok: true, days: 2190 });
    expect(checkDefaultRetention("COMPLIANCE", undefined, "6", 2190)).toEqual({ ok: true, days: 2190 });
    expect(checkDefaultRetention("COMPLIANCE", "30", undefined, 2190)).toEqual({
      ok: false,
      reason: "the default retention is 30 days, below the minimum of 2190 days",
    });
    expect(checkDefaultRetention("COMPLIANCE", "2190 days", undefined, 2190)).toEqual({
      ok: false,
      reason: "the default retention sets neither days nor years",
    });
  });

  it("RSA key size", () => {
    expect(checkKeyAlgorithm("RSA", "2048")).toEqual({ ok: true });
    expect(checkKeyAlgorithm("RSA", "1024").ok).toBe(false);
    expect(checkKeyAlgorithm("RSA", "2048.0").ok).toBe(false);
  });
});
