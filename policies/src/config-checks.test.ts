import { configProblemMessage, configProblems } from "./config-checks";

describe("configProblems", () => {
  it("accepts the defaults and well-formed values", () => {
    expect(
      configProblems({
        allowedIngress: ["tcp/443", "tcp/8443-8445", "udp/53", "icmp/*", "17/500"],
        allowedPublicCidrs: ["203.0.113.0/24", "2001:db8::/32"],
        allowedDestinationCidrs: [],
      }),
    ).toEqual([]);
  });

  it.each([
    ["allowedIngress", "icmp/443", /has no ports/],
    ["allowedIngress", "foo/443", /unknown protocol/],
    ["allowedIngress", "tcp/443-80", /from <= to/],
    ["allowedIngress", "all/*", /cannot be allowlisted/],
    ["allowedPublicCidrs", "999.0.0.0/8", /not a valid CIDR/],
    ["allowedPublicCidrs", "010.0.0.0/8", /not a valid CIDR/],
    ["allowedDestinationCidrs", "10.0.0.0/33", /not a valid CIDR/],
    ["allowedDestinationCidrs", 42, /not a valid CIDR/],
  ])("%s: %j is a problem naming the path, the value and the fix", (option, value, problem) => {
    const found = configProblems({
      [option]: ["tcp/443", value].filter((v) => option === "allowedIngress" || v !== "tcp/443"),
    });
    expect(found).toHaveLength(1);
    const p = found[0];
    expect(p.path).toBe(option === "allowedIngress" ? `${option}[1]` : `${option}[0]`);
    expect(p.value).toBe(value);
    const message = configProblemMessage(p);
    expect(message).toMatch(problem);
    expect(message).toContain(JSON.stringify(value));
    expect(message).toContain("Fix: ");
  });

  it("ignores options it has no check for and non-array values (the schema reports those)", () => {
    expect(configProblems({ minimumTlsVersion: "1.1", allowedIngress: "tcp/22" })).toEqual([]);
  });
});
