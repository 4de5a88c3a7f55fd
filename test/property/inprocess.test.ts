/**
 * Property-based tests of the policy pack in process, through the harness that reproduces the
 * @pulumi/policy server (unknown-checking proxy, UnknownValueError → advisory, config validated with ajv
 * and defaulted). Same generated resources as the wire suite (pack-wire.test.ts); fixed seed (FC_SEED).
 *
 * (a) no crash: no policy throws and none touches an unknown through the proxy, for any resource or stack;
 * (b) the two ingress policies agree with the independent oracle on fully-known resources;
 * (c) fail closed: making any field other than the deciding ones unknown keeps a mandatory violation.
 */
import fc from "fast-check";
import { policies } from "../../policies/src/policies";
import { runResource, runStack, type Verdict } from "../../policies/src/testing/harness";
import {
  anyResource,
  grantConfig,
  grantResource,
  stack,
  toHarness,
  type GenResource,
  type GrantConfig,
} from "./arbitraries";
import { buildAllowlist, judgeIngress, type Allowlist } from "./oracle";
import { allPaths, check, independentOf, known, runs, setUnknown, show, Tally, type Path } from "./support";

const PORTS = "phi-ingress-allowlisted-ports";
const SOURCES = "phi-ingress-private-sources";
const byName = new Map(policies.map((p) => [p.name, p]));
const portsPolicy = byName.get(PORTS)!;
const sourcesPolicy = byName.get(SOURCES)!;
const stackPolicies = policies.filter((p) => "validateStack" in p && typeof p.validateStack === "function");

const tally = new Tally();
const started = Date.now();
afterAll(() => console.log(tally.report("in-process property suite", started)));

const allowlists = new Map<string, Allowlist>();
function allowlistOf(entries: readonly string[]): Allowlist {
  const key = entries.join(",");
  let a = allowlists.get(key);
  if (!a) allowlists.set(key, (a = buildAllowlist(entries)));
  return a;
}

function configFor(
  name: string,
  c: GrantConfig & { minimumTlsVersion?: string; allowHttpRedirect?: boolean },
) {
  if (name === PORTS) return { allowedIngress: c.allowedIngress };
  if (name === SOURCES) return { allowedPublicCidrs: c.allowedPublicCidrs };
  if (name === "phi-tls-strong-policy" && c.minimumTlsVersion)
    return { minimumTlsVersion: c.minimumTlsVersion };
  if (name === "phi-tls-listeners-only" && c.allowHttpRedirect !== undefined)
    return { allowHttpRedirect: c.allowHttpRedirect };
  return {};
}

/** Structural sanity of a verdict: every diagnostic is well-formed and none came from the proxy. */
function wellFormed(v: Verdict, policy: string): string | undefined {
  for (const d of v.diagnostics) {
    if (d.policyName !== policy) return `diagnostic of ${d.policyName} reported by ${policy}`;
    if (typeof d.message !== "string" || d.message === "") return `${policy}: empty message`;
    if (d.enforcementLevel !== "mandatory" && d.enforcementLevel !== "advisory")
      return `${policy}: level ${d.enforcementLevel}`;
    if (/can't run policy/.test(d.message))
      return `${policy} touched an unknown through the proxy (its whole result became one advisory): ${d.message}`;
  }
  return undefined;
}

const fullConfig = fc.record({
  grant: grantConfig,
  minimumTlsVersion: fc.constantFrom(undefined, "1.2", "1.3"),
  allowHttpRedirect: fc.constantFrom(undefined, true, false),
});

describe("in process (harness)", () => {
  it("(a) no policy throws or trips the unknown proxy, for any generated resource", async () => {
    await check(
      "no crash (resources)",
      fc.asyncProperty(anyResource, fullConfig, async (r, cfg) => {
        tally.add("no-crash resources");
        const props = toHarness(r.props) as Record<string, unknown>;
        const c = {
          ...cfg.grant,
          minimumTlsVersion: cfg.minimumTlsVersion,
          allowHttpRedirect: cfg.allowHttpRedirect,
        };
        for (const p of policies) {
          if (!("validateResource" in p)) continue;
          const v = await runResource(p, r.type, props, configFor(p.name, c));
          const problem = wellFormed(v, p.name);
          if (problem) throw new Error(`${problem}\nresource ${r.type} ${show(r.props)}`);
        }
      }),
      runs(2500),
    );
  });

  it("(a) no stack policy throws or trips the unknown proxy, for any generated stack", async () => {
    await check(
      "no crash (stacks)",
      fc.asyncProperty(stack, async ({ resources, deps }) => {
        tally.add("no-crash stack members", resources.length);
        const specs = resources.map((r) => ({
          type: r.type,
          name: r.name,
          props: toHarness(r.props) as Record<string, unknown>,
          deps: deps[r.name],
        }));
        for (const p of stackPolicies) {
          const v = await runStack(p, specs);
          const problem = wellFormed(v, p.name);
          if (problem) throw new Error(problem);
        }
      }),
      runs(300),
    );
  });

  it("(b) the ingress verdicts equal the oracle's for fully-known resources", async () => {
    await check(
      "oracle agreement",
      fc.asyncProperty(grantResource.map(known), grantConfig, async (r, cfg) => {
        tally.add("oracle resources");
        const expected = judgeIngress(r.type, r.props, cfg, allowlistOf(cfg.allowedIngress))!;
        const props = toHarness(r.props) as Record<string, unknown>;
        for (const [policy, name, want] of [
          [portsPolicy, PORTS, expected.ports],
          [sourcesPolicy, SOURCES, expected.sources],
        ] as const) {
          const v = await runResource(policy, r.type, props, configFor(name, cfg));
          const got = v.mandatory.length > 0;
          if (got !== want.length > 0 || v.advisory.length > 0) {
            throw new Error(
              `${name} disagrees with the oracle on ${r.type} ${show(r.props)} with config ${JSON.stringify(cfg)}\n` +
                `oracle: ${want.length ? want.map((w) => w.reason).join("; ") : "pass"}\n` +
                `pack: ${v.diagnostics.map((d) => `[${d.enforcementLevel}] ${d.message}`).join(" | ") || "pass"}`,
            );
          }
        }
      }),
      runs(3000),
    );
  });

  it("(c) fail closed: an unknown in any non-deciding field keeps a decidable violation mandatory", async () => {
    await check(
      "fail closed",
      fc.asyncProperty(grantResource.map(known), grantConfig, fc.nat(), async (r, cfg, pick) => {
        const expected = judgeIngress(r.type, r.props, cfg, allowlistOf(cfg.allowedIngress))!;
        for (const [policy, name, want] of [
          [portsPolicy, PORTS, expected.ports],
          [sourcesPolicy, SOURCES, expected.sources],
        ] as const) {
          if (want.length === 0) continue;
          const candidates = mutationPaths(r).filter((p) => independentOf(p, want[0].deciding));
          if (candidates.length === 0) continue;
          const p = candidates[pick % candidates.length];
          const mutated = setUnknown(r.props, p);
          tally.add("fail-closed variants");
          const v = await runResource(
            policy,
            r.type,
            toHarness(mutated) as Record<string, unknown>,
            configFor(name, cfg),
          );
          if (v.mandatory.length === 0) {
            throw new Error(
              `${name}: violation "${want[0].reason}" (decided by ${JSON.stringify(want[0].deciding)}) was lost when ` +
                `${JSON.stringify(p)} became unknown\nresource ${r.type} ${show(mutated)}\n` +
                `pack: ${v.diagnostics.map((d) => `[${d.enforcementLevel}] ${d.message}`).join(" | ") || "pass"}`,
            );
          }
        }
      }),
      runs(2500),
    );
  });
});

const GRANT_KEYS = [
  "protocol",
  "ipProtocol",
  "fromPort",
  "toPort",
  "cidrBlocks",
  "ipv6CidrBlocks",
  "cidrIpv4",
  "cidrIpv6",
  "securityGroups",
  "sourceSecurityGroupId",
  "referencedSecurityGroupId",
  "prefixListIds",
  "prefixListId",
  "self",
  "description",
  "type",
];

/** Existing paths plus absent grant fields (a field the program did not set can be unknown too). */
function mutationPaths(r: GenResource): Path[] {
  const paths = allPaths(r.props);
  const objects: Path[] = [[]];
  for (const key of ["ingress", "egress"]) {
    const l = r.props[key];
    if (Array.isArray(l))
      l.forEach((e, i) => e && typeof e === "object" && !Array.isArray(e) && objects.push([key, i]));
  }
  for (const base of objects) {
    let obj: unknown = r.props;
    for (const k of base) obj = (obj as Record<string | number, unknown>)[k];
    for (const k of [...GRANT_KEYS, ...(base.length ? [] : ["ingress", "egress", "tags"])])
      if (!(k in (obj as object))) paths.push([...base, k]);
  }
  return paths;
}
