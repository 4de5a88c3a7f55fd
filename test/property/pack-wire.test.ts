/**
 * The same properties as inprocess.test.ts, over the analyzer protocol: the real pack (policies/, built
 * by `npm run build:pack`) launched as the Pulumi CLI launches it and sent engine-encoded properties
 * (unknown sentinel, secret signatures). One pack process for the whole file; fixed seed (FC_SEED).
 * The generic fail-closed properties (every policy, every resource kind, stacks) are the wire twins of
 * fail-closed.test.ts; the pack runs with every policy at mandatory (`all`).
 */
import fc from "fast-check";
import {
  defaultUrn,
  type AnalyzeResult,
  type AnalyzerInfo,
  type PolicyPackProcess,
} from "../../tools/lib/analyzer-client";
import { validatePolicyConfig } from "../../tools/lib/policy-config";
import {
  anyResource,
  grantConfig,
  grantResource,
  stack,
  type GenResource,
  type GrantConfig,
} from "./arbitraries";
import { judgeResourceVariant, judgeStackVariant, mutationPaths } from "./fail-closed";
import { buildAllowlist, judgeIngress, type Allowlist } from "./oracle";
import { allPaths, check, independentOf, known, runs, setUnknown, show, Tally, type Path } from "./support";
import { PACK_START_TIMEOUT_MS, startTestPack } from "../support/policy-pack";

const PORTS = "phi-ingress-allowlisted-ports";
const SOURCES = "phi-ingress-private-sources";

let pack: PolicyPackProcess;
let info: AnalyzerInfo;
let configured = "";
/** validatePolicyConfig builds a fresh ajv per call (~20 ms); each distinct config is validated once. */
const validatedConfigs = new Map<string, ReturnType<typeof validatePolicyConfig>>();
const tally = new Tally();
const started = Date.now();

beforeAll(async () => {
  ({ pack, info } = await startTestPack());
}, PACK_START_TIMEOUT_MS);

afterAll(async () => {
  console.log(tally.report("analyzer-protocol property suite", started));
  await pack?.close();
});

/** Configures the pack (validated as the CLI would) unless it already runs with this config. */
async function configure(
  cfg: GrantConfig & { minimumTlsVersion?: string; allowHttpRedirect?: boolean },
): Promise<void> {
  const key = JSON.stringify(cfg);
  if (key === configured) return;
  const overrides: Record<string, unknown> = {
    // Every policy at mandatory, so the fail-closed properties hold the advisory-level ones to the same rule.
    all: "mandatory",
    [PORTS]: { allowedIngress: cfg.allowedIngress },
    [SOURCES]: { allowedPublicCidrs: cfg.allowedPublicCidrs },
  };
  if (cfg.minimumTlsVersion)
    overrides["phi-tls-strong-policy"] = { minimumTlsVersion: cfg.minimumTlsVersion };
  if (cfg.allowHttpRedirect !== undefined)
    overrides["phi-tls-listeners-only"] = { allowHttpRedirect: cfg.allowHttpRedirect };
  let validated = validatedConfigs.get(key);
  if (!validated)
    validatedConfigs.set(
      key,
      (validated = validatePolicyConfig(overrides, info.policies, "property config")),
    );
  await pack.configure(validated);
  configured = key;
}

function wellFormed(res: AnalyzeResult): string | undefined {
  const names = new Set(info.policies.map((p) => p.name));
  for (const d of res.diagnostics) {
    if (!names.has(d.policyName)) return `diagnostic from unknown policy ${d.policyName}`;
    if (!d.message) return `${d.policyName}: empty message`;
    if (d.enforcementLevel !== "mandatory" && d.enforcementLevel !== "advisory")
      return `${d.policyName}: level ${d.enforcementLevel}`;
    if (/can't run policy/.test(d.message))
      return `${d.policyName} touched an unknown through the proxy: ${d.message}`;
  }
  return undefined;
}

async function analyze(r: GenResource): Promise<AnalyzeResult> {
  return pack.analyze({ type: r.type, name: r.name, properties: r.props });
}

const fullConfig = fc.record({
  grant: grantConfig,
  minimumTlsVersion: fc.constantFrom(undefined, "1.2", "1.3"),
  allowHttpRedirect: fc.constantFrom(undefined, true, false),
});

const allowlists = new Map<string, Allowlist>();
function allowlistOf(entries: readonly string[]): Allowlist {
  const key = entries.join(",");
  let a = allowlists.get(key);
  if (!a) allowlists.set(key, (a = buildAllowlist(entries)));
  return a;
}

describe("over the analyzer protocol (real pack)", () => {
  it("(a) Analyze never fails and returns well-formed diagnostics, for any generated resource", async () => {
    await check(
      "wire no crash (Analyze)",
      // One Configure per run, then a batch of resources under that config.
      fc.asyncProperty(
        fullConfig,
        fc.array(anyResource, { minLength: 20, maxLength: 20 }),
        async (cfg, rs) => {
          await configure({
            ...cfg.grant,
            minimumTlsVersion: cfg.minimumTlsVersion,
            allowHttpRedirect: cfg.allowHttpRedirect,
          });
          tally.add("Analyze resources", rs.length);
          // Concurrent, as the engine sends them: a batch shares one config.
          const results = await Promise.all(rs.map(analyze));
          results.forEach((res, i) => {
            const problem = wellFormed(res);
            if (problem) throw new Error(`${problem}\nresource ${rs[i].type} ${show(rs[i].props)}`);
          });
        },
      ),
      runs(100),
    );
  });

  it("(a) AnalyzeStack never fails, for any generated stack", async () => {
    await configure({ allowedIngress: ["tcp/443"], allowedPublicCidrs: [] });
    await check(
      "wire no crash (AnalyzeStack)",
      fc.asyncProperty(stack, async ({ resources, deps }) => {
        tally.add("AnalyzeStack members", resources.length);
        const res = await pack.analyzeStack(
          resources.map((r) => ({
            type: r.type,
            name: r.name,
            properties: r.props,
            dependencies: Object.values(deps[r.name] ?? {})
              .flat()
              .map((n) => urnOf(resources, n)),
            propertyDependencies: Object.fromEntries(
              Object.entries(deps[r.name] ?? {}).map(([k, ns]) => [k, ns.map((n) => urnOf(resources, n))]),
            ),
          })),
        );
        const problem = wellFormed(res);
        if (problem) throw new Error(problem);
      }),
      runs(250),
    );
  });

  const knownGrants = fc.array(grantResource.map(known), {
    minLength: 6,
    maxLength: 6,
  });

  it("(b) the ingress verdicts equal the oracle's for fully-known resources", async () => {
    await check(
      "wire oracle agreement",
      fc.asyncProperty(grantConfig, knownGrants, async (cfg, rs) => {
        tally.add("oracle resources", rs.length);
        await configure(cfg);
        const results = await Promise.all(rs.map(analyze));
        rs.forEach((r, i) => {
          const expected = judgeIngress(r.type, r.props, cfg, allowlistOf(cfg.allowedIngress))!;
          for (const [name, want] of [
            [PORTS, expected.ports],
            [SOURCES, expected.sources],
          ] as const) {
            const mine = results[i].diagnostics.filter((d) => d.policyName === name);
            const mandatory = mine.some((d) => d.enforcementLevel === "mandatory");
            const advisory = mine.some((d) => d.enforcementLevel === "advisory");
            if (mandatory !== want.length > 0 || advisory) {
              throw new Error(
                `${name} disagrees with the oracle on ${r.type} ${show(r.props)} with config ${JSON.stringify(cfg)}\n` +
                  `oracle: ${want.length ? want.map((w) => w.reason).join("; ") : "pass"}\n` +
                  `pack: ${mine.map((d) => `[${d.enforcementLevel}] ${d.message}`).join(" | ") || "pass"}`,
              );
            }
          }
        });
      }),
      runs(250),
    );
  });

  it("(c) fail closed: an unknown in any non-deciding field keeps a decidable violation mandatory", async () => {
    await check(
      "wire fail closed",
      fc.asyncProperty(
        grantConfig,
        knownGrants,
        fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
        async (cfg, rs, picks) => {
          await configure(cfg);
          const cases: { name: string; reason: string; p: Path; mutated: GenResource }[] = [];
          rs.forEach((r, i) => {
            const expected = judgeIngress(r.type, r.props, cfg, allowlistOf(cfg.allowedIngress))!;
            for (const [name, want] of [
              [PORTS, expected.ports],
              [SOURCES, expected.sources],
            ] as const) {
              if (want.length === 0) continue;
              const candidates = allPaths(r.props).filter((p: Path) => independentOf(p, want[0].deciding));
              if (candidates.length === 0) continue;
              const p = candidates[picks[i] % candidates.length];
              cases.push({
                name,
                reason: want[0].reason,
                p,
                mutated: { ...r, props: setUnknown(r.props, p) },
              });
            }
          });
          tally.add("fail-closed variants", cases.length);
          const results = await Promise.all(cases.map((c) => analyze(c.mutated)));
          cases.forEach((c, i) => {
            const mine = results[i].diagnostics.filter((d) => d.policyName === c.name);
            if (!mine.some((d) => d.enforcementLevel === "mandatory")) {
              throw new Error(
                `${c.name}: violation "${c.reason}" was lost when ${JSON.stringify(c.p)} became unknown\n` +
                  `resource ${c.mutated.type} ${show(c.mutated.props)}\n` +
                  `pack: ${mine.map((d) => `[${d.enforcementLevel}] ${d.message}`).join(" | ") || "pass"}`,
              );
            }
          });
        },
      ),
      runs(250),
    );
  });

  it("(c) fail closed, every policy: a mandatory violation survives any one field becoming unknown", async () => {
    await check(
      "wire fail closed, every resource policy",
      fc.asyncProperty(
        fullConfig,
        fc.array(anyResource.map(known), { minLength: 8, maxLength: 8 }),
        fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
        async (cfg, rs, picks) => {
          await configure({
            ...cfg.grant,
            minimumTlsVersion: cfg.minimumTlsVersion,
            allowHttpRedirect: cfg.allowHttpRedirect,
          });
          tally.add("fail-closed (every policy) resources", rs.length);
          const before = await Promise.all(rs.map(analyze));
          const variants = rs.map((r, i) => {
            const paths = mutationPaths(r);
            const p = paths.length ? paths[picks[i] % paths.length] : undefined;
            return { r, p, mutated: p ? { ...r, props: setUnknown(r.props, p) } : r };
          });
          const after = await Promise.all(variants.map((v) => analyze(v.mutated)));
          tally.add("fail-closed (every policy) variants", rs.length);
          variants.forEach(({ r, p, mutated }, i) => {
            if (!p) return;
            const violated = new Set(
              before[i].diagnostics
                .filter((d) => d.enforcementLevel === "mandatory")
                .map((d) => d.policyName),
            );
            for (const name of violated) {
              const mine = (res: AnalyzeResult) => res.diagnostics.filter((d) => d.policyName === name);
              const problem = judgeResourceVariant(name, r.type, mine(before[i]), mine(after[i]), p);
              if (problem)
                throw new Error(`${problem}\nknown: ${show(r.props)}\nvariant: ${show(mutated.props)}`);
            }
          });
        },
      ),
      runs(250),
    );
  });

  it("(c) fail closed, every stack policy: a mandatory finding survives one field of one member becoming unknown", async () => {
    await configure({ allowedIngress: ["tcp/443"], allowedPublicCidrs: [] });
    const toInputs = (resources: GenResource[], deps: Record<string, Record<string, string[]>>) =>
      resources.map((r) => ({
        type: r.type,
        name: r.name,
        properties: r.props,
        dependencies: Object.values(deps[r.name] ?? {})
          .flat()
          .map((n) => urnOf(resources, n)),
        propertyDependencies: Object.fromEntries(
          Object.entries(deps[r.name] ?? {}).map(([k, ns]) => [k, ns.map((n) => urnOf(resources, n))]),
        ),
      }));
    await check(
      "wire fail closed, every stack policy",
      fc.asyncProperty(
        stack.map(({ resources, deps }) => ({ resources: resources.map(known), deps })),
        fc.nat(),
        fc.nat(),
        async ({ resources, deps }, memberPick, pathPick) => {
          tally.add("fail-closed AnalyzeStack members", resources.length);
          const before = await pack.analyzeStack(toInputs(resources, deps));
          const findings = before.diagnostics.filter((d) => d.enforcementLevel === "mandatory");
          if (findings.length === 0) return;
          const member = resources[memberPick % resources.length];
          const paths = mutationPaths(member);
          if (paths.length === 0) return;
          const p = paths[pathPick % paths.length];
          const variant = resources.map((r) => (r === member ? { ...r, props: setUnknown(r.props, p) } : r));
          const after = await pack.analyzeStack(toInputs(variant, deps));
          const names = new Set(resources.map((r) => r.name));
          for (const finding of findings) {
            const findingMember = resources.find((r) => defaultUrn(r.type, r.name) === finding.urn);
            if (!findingMember) continue;
            const problem = judgeStackVariant(
              finding.policyName,
              finding,
              findingMember,
              after.diagnostics.filter((d) => d.policyName === finding.policyName),
              member,
              defaultUrn(member.type, member.name),
              p,
              names,
            );
            if (problem)
              throw new Error(
                `${problem}\nstack: ${resources.map((r) => `${r.name} ${show(r.props)}`).join("; ")}`,
              );
          }
        },
      ),
      runs(300),
    );
  });

  it("the pack logged no error while handling all of the above", () => {
    expect(pack.logs()).not.toMatch(/Error|exception|\n\s+at .+:\d+:\d+/);
  });
});

function urnOf(resources: GenResource[], name: string): string {
  const r = resources.find((x) => x.name === name)!;
  return defaultUrn(r.type, r.name);
}
