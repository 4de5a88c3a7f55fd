/**
 * Fail closed, for EVERY policy of the pack and every generated resource kind, in process (harness):
 * a mandatory violation on a fully-known resource or stack survives any one field becoming unknown, as a
 * mandatory violation or a "checked again at `pulumi up`" advisory, and stays mandatory when the field is
 * independent of the ones that decide it (see fail-closed.ts). Every policy runs at level mandatory, so the
 * advisory-level policies are held to the same rule. Fixed seed (FC_SEED); the wire twin is in
 * pack-wire.test.ts.
 */
import fc from "fast-check";
import { policies } from "../../policies/src/policies";
import { runResource, runStack, urnOf, type Verdict } from "../../policies/src/testing/harness";
import {
  anyResource,
  databaseStack,
  focusedStack,
  grantConfig,
  grantResource,
  otherResource,
  stack,
  toHarness,
  type GenResource,
} from "./arbitraries";
import {
  judgeDecidedNow,
  judgeResourceVariant,
  judgeStackVariant,
  mutationPaths,
  valueDomain,
} from "./fail-closed";
import { allPaths, check, known, runs, setAt, setUnknown, show, Tally, type Path } from "./support";

const resourcePolicies = policies.filter((p) => "validateResource" in p && p.validateResource);
const stackPolicies = policies.filter((p) => "validateStack" in p && typeof p.validateStack === "function");

const tally = new Tally();
/** Variants judged per policy: every policy must have been put to the test. */
const exercised = new Map<string, number>();
const exercise = (name: string) => exercised.set(name, (exercised.get(name) ?? 0) + 1);
const started = Date.now();
afterAll(() => console.log(tally.report("in-process fail-closed suite", started)));

const fullConfig = fc.record({
  grant: grantConfig,
  minimumTlsVersion: fc.constantFrom(undefined, "1.2", "1.3"),
  tlsProfile: fc.constantFrom(undefined, "strict", "nist-800-52r2"),
  allowHttpRedirect: fc.constantFrom(undefined, true, false),
});
type FullConfig = typeof fullConfig extends fc.Arbitrary<infer C> ? C : never;

/** Each policy's config under `cfg`, at level mandatory. */
function configFor(name: string, cfg: FullConfig): Record<string, unknown> {
  const c: Record<string, unknown> = { enforcementLevel: "mandatory" };
  if (name === "phi-ingress-allowlisted-ports") c.allowedIngress = cfg.grant.allowedIngress;
  if (name === "phi-ingress-private-sources") c.allowedPublicCidrs = cfg.grant.allowedPublicCidrs;
  if (name === "phi-tls-strong-policy" && cfg.minimumTlsVersion) c.minimumTlsVersion = cfg.minimumTlsVersion;
  if (name === "phi-tls-strong-policy" && cfg.tlsProfile) c.tlsProfile = cfg.tlsProfile;
  if (name === "phi-tls-listeners-only" && cfg.allowHttpRedirect !== undefined)
    c.allowHttpRedirect = cfg.allowHttpRedirect;
  return c;
}

const knownStack = stack.map(({ resources, deps }) => ({ resources: resources.map(known), deps }));
const knownDatabaseStack = databaseStack.map(({ resources, deps }) => ({
  resources: resources.map(known),
  deps,
}));

function specs(resources: GenResource[], deps: Record<string, Record<string, string[]>>) {
  return resources.map((r) => ({
    type: r.type,
    name: r.name,
    props: toHarness(r.props) as Record<string, unknown>,
    deps: deps[r.name],
  }));
}

/**
 * A stack policy's verdict on a stack; with `withResourcePart`, also what its resource part says of each
 * member (Analyze), filed under the member's URN: one policy, judged as the engine runs both parts.
 */
async function stackVerdict(
  p: (typeof stackPolicies)[number],
  resources: GenResource[],
  deps: Record<string, Record<string, string[]>>,
  withResourcePart: boolean,
): Promise<Verdict> {
  const v = await runStack(p, specs(resources, deps), { enforcementLevel: "mandatory" });
  if (!withResourcePart || !("validateResource" in p)) return v;
  const ds = [...v.diagnostics];
  for (const r of resources) {
    const rv = await runResource(p, r.type, toHarness(r.props) as Record<string, unknown>, {
      enforcementLevel: "mandatory",
    });
    ds.push(...rv.diagnostics.map((d) => ({ ...d, urn: d.urn ?? urnOf(r.type, r.name) })));
  }
  return {
    ...v,
    diagnostics: ds,
    mandatory: ds.filter((d) => d.enforcementLevel === "mandatory"),
    advisory: ds.filter((d) => d.enforcementLevel === "advisory"),
  };
}

/** The stack form of the property over stacks drawn from `members`. */
async function stackProperty(
  name: string,
  members: typeof knownStack,
  count: number,
  withResourcePart = false,
): Promise<void> {
  await check(
    name,
    fc.asyncProperty(members, fc.nat(), fc.nat(), async ({ resources, deps }, memberPick, pathPick) => {
      tally.add("stack members", resources.length);
      const before = new Map<string, Verdict>();
      for (const p of stackPolicies) {
        const v = await stackVerdict(p, resources, deps, withResourcePart);
        if (v.mandatory.length > 0) before.set(p.name, v);
      }
      if (before.size === 0) return;
      const member = resources[memberPick % resources.length];
      const paths = mutationPaths(member);
      if (paths.length === 0) return;
      const path = paths[pathPick % paths.length];
      const variant = resources.map((r) => (r === member ? { ...r, props: setUnknown(r.props, path) } : r));
      const names = new Set(resources.map((r) => r.name));
      tally.add("unknown-field stack variants");
      for (const p of stackPolicies) {
        const v = before.get(p.name);
        if (!v) continue;
        const after = await stackVerdict(p, variant, deps, withResourcePart);
        exercise(`${p.name} (stack)`);
        for (const finding of v.mandatory) {
          const findingMember = resources.find((r) => urnOf(r.type, r.name) === finding.urn);
          if (!findingMember) continue;
          const problem = judgeStackVariant(
            p.name,
            finding,
            findingMember,
            after.diagnostics,
            member,
            urnOf(member.type, member.name),
            path,
            names,
          );
          if (problem)
            throw new Error(
              `${problem}\nstack: ${resources.map((r) => `${r.name} ${r.type} ${show(r.props)}`).join("\n  ")}\n` +
                `deps: ${JSON.stringify(deps)}`,
            );
        }
      }
    }),
    runs(count),
  );
}

describe("fail closed, every policy (in process)", () => {
  it("a mandatory violation on a resource survives any one field becoming unknown", async () => {
    await check(
      "fail closed, every resource policy",
      fc.asyncProperty(
        anyResource.map(known),
        fullConfig,
        fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
        async (r, cfg, picks) => {
          tally.add("resources");
          const props = toHarness(r.props) as Record<string, unknown>;
          const violated: { name: string; policy: (typeof policies)[number]; before: Verdict }[] = [];
          for (const p of resourcePolicies) {
            const before = await runResource(p, r.type, props, configFor(p.name, cfg));
            if (before.mandatory.length > 0) violated.push({ name: p.name, policy: p, before });
          }
          if (violated.length === 0) return;
          const paths = mutationPaths(r);
          for (const pick of new Set(picks.map((n) => n % paths.length))) {
            const path = paths[pick];
            const mutated = setUnknown(r.props, path);
            tally.add("unknown-field variants");
            for (const { name, policy, before } of violated) {
              exercise(name);
              const after = await runResource(
                policy,
                r.type,
                toHarness(mutated) as Record<string, unknown>,
                configFor(name, cfg),
              );
              const problem = judgeResourceVariant(name, r.type, before.diagnostics, after.diagnostics, path);
              if (problem) throw new Error(`${problem}\nknown: ${show(r.props)}\nvariant: ${show(mutated)}`);
            }
          }
        },
      ),
      runs(3000),
    );
  });

  it("a mandatory stack finding survives any one field of any one member becoming unknown", async () => {
    await stackProperty("fail closed, every stack policy", knownStack, 1500);
  });

  it("the same for stacks of databases and the parameter and option groups they name", async () => {
    await stackProperty("fail closed, data-service stacks", knownDatabaseStack, 400, true);
  });

  it("every policy of the pack had mandatory violations put to the test", () => {
    const expected = [
      ...resourcePolicies.map((p) => p.name),
      "phi-audit-log-bucket-immutable (stack)",
      "phi-vpc-flow-logs (stack)",
      "phi-subnet-private (stack)",
      "phi-ingress-private-sources (stack)",
      "phi-egress-restricted (stack)",
      "phi-data-in-transit-encrypted (stack)",
    ];
    expect(expected.filter((n) => !exercised.get(n))).toEqual([]);
  });
});

/**
 * The pack's one principle for unknowns, tested on the fields with a written-down value domain
 * (fail-closed.ts VALUE_DOMAINS: protocols, port bounds, Object Lock mode/days/years, trail and subnet
 * flags, prefix-list entries): with the field unknown, a policy blocks exactly when every value it could
 * take blocks. An unknown protocol with port 22 or GOVERNANCE with unknown days must be mandatory now;
 * an unknown that could still pass must not block (no false block).
 */
describe("decided now, every policy (in process)", () => {
  const decided = new Map<string, number>();
  const note = (policy: string, kind: "blocked" | "passed") =>
    decided.set(`${policy} ${kind}`, (decided.get(`${policy} ${kind}`) ?? 0) + 1);
  const domainPaths = (r: GenResource) => mutationPaths(r).filter((p) => valueDomain(r, p));

  it("a resource policy blocks an unknown field exactly when every value of it blocks", async () => {
    await check(
      "decided now, resource policies",
      fc.asyncProperty(
        fc.oneof(grantResource, otherResource).map(known),
        grantConfig,
        fc.nat(),
        async (r, grant, pick) => {
          const paths = domainPaths(r);
          if (paths.length === 0) return;
          const path = paths[pick % paths.length];
          const values = valueDomain(r, path)!;
          const cfg = {
            grant,
            minimumTlsVersion: undefined,
            tlsProfile: undefined,
            allowHttpRedirect: undefined,
          };
          tally.add("decided-now variants");
          for (const p of resourcePolicies) {
            const run = (props: Record<string, unknown>) =>
              runResource(p, r.type, toHarness(props) as Record<string, unknown>, configFor(p.name, cfg));
            const completions = [];
            for (const value of values)
              completions.push({ value, diags: (await run(setAt(r.props, path, value))).diagnostics });
            if (completions.every((c) => c.diags.length === 0)) continue;
            const after = (await run(setUnknown(r.props, path))).diagnostics;
            const problem = judgeDecidedNow(
              `${p.name} on ${r.type} with ${JSON.stringify(path)} unknown`,
              completions,
              after,
            );
            if (problem) throw new Error(`${problem}\nresource: ${show(r.props)}`);
            if (after.some((d) => d.enforcementLevel === "mandatory")) note(p.name, "blocked");
            else note(p.name, "passed");
          }
        },
      ),
      runs(500),
    );
  });

  it("a stack policy blocks a member's unknown field exactly when every value of it blocks", async () => {
    await check(
      "decided now, stack policies",
      fc.asyncProperty(
        fc
          .oneof(focusedStack, stack)
          .map(({ resources, deps }) => ({ resources: resources.map(known), deps })),
        fc.nat(),
        fc.nat(),
        async ({ resources, deps }, memberPick, pathPick) => {
          const members = resources.filter((r) => domainPaths(r).length > 0);
          if (members.length === 0) return;
          const member = members[memberPick % members.length];
          const paths = domainPaths(member);
          const path = paths[pathPick % paths.length];
          const variant = (props: Record<string, unknown>) =>
            specs(
              resources.map((r) => (r === member ? { ...r, props } : r)),
              deps,
            );
          tally.add("decided-now stack variants");
          for (const p of stackPolicies) {
            const mandatory = { enforcementLevel: "mandatory" as const };
            const completions = [];
            for (const value of valueDomain(member, path)!)
              completions.push({
                value,
                diags: (await runStack(p, variant(setAt(member.props, path, value)), mandatory)).diagnostics,
              });
            const after = (await runStack(p, variant(setUnknown(member.props, path)), mandatory)).diagnostics;
            // Judged at each member a finding of some completion concerns.
            const urns = new Set(
              completions.flatMap((c) => c.diags.map((d) => d.urn)).filter((u): u is string => !!u),
            );
            for (const u of urns) {
              const at = (ds: typeof after) => ds.filter((d) => d.urn === u);
              const problem = judgeDecidedNow(
                `${p.name} at ${u.split("::").pop()} with ${member.name}.${JSON.stringify(path)} unknown`,
                completions.map((c) => ({ value: c.value, diags: at(c.diags) })),
                at(after),
              );
              if (problem)
                throw new Error(
                  `${problem}\nstack: ${resources.map((r) => `${r.name} ${r.type} ${show(r.props)}`).join("\n  ")}\ndeps: ${JSON.stringify(deps)}`,
                );
              note(
                `${p.name} (stack)`,
                at(after).some((d) => d.enforcementLevel === "mandatory") ? "blocked" : "passed",
              );
            }
          }
        },
      ),
      runs(300),
    );
  });

  it("put both outcomes to the test: the cases the issue names were decided now", () => {
    for (const name of [
      "phi-ingress-allowlisted-ports blocked",
      "phi-ingress-allowlisted-ports passed",
      "phi-audit-trail-integrity blocked",
      "phi-audit-log-bucket-immutable (stack) blocked",
      "phi-audit-log-bucket-immutable (stack) passed",
      "phi-ingress-private-sources (stack) blocked",
      "phi-subnet-private (stack) blocked",
    ])
      expect({ name, judged: (decided.get(name) ?? 0) > 0 }).toEqual({ name, judged: true });
  });
});

/**
 * The bridge converts decimal text given for a numeric input to the number, and a number given for a
 * string input to its text: a resource decides the same with an integer leaf written either way.
 */
describe("an integer and its decimal text decide alike (in process)", () => {
  const integerPaths = (r: GenResource): Path[] =>
    allPaths(r.props).filter((p) => {
      let v: unknown = r.props;
      for (const k of p) v = (v as Record<string | number, unknown>)?.[k];
      return typeof v === "number" && Number.isSafeInteger(v);
    });
  const textOf = (r: GenResource, p: Path) => {
    let v: unknown = r.props;
    for (const k of p) v = (v as Record<string | number, unknown>)[k];
    return String(v);
  };

  it("every resource policy, and the stack policies on audit buckets", async () => {
    await check(
      "integer text",
      fc.asyncProperty(anyResource.map(known), fullConfig, fc.nat(), async (r, cfg, pick) => {
        const paths = integerPaths(r);
        if (paths.length === 0) return;
        const p = paths[pick % paths.length];
        const text = setAt(r.props, p, textOf(r, p));
        tally.add("integer-text variants");
        for (const policy of resourcePolicies) {
          const run = (props: Record<string, unknown>) =>
            runResource(
              policy,
              r.type,
              toHarness(props) as Record<string, unknown>,
              configFor(policy.name, cfg),
            );
          const a = (await run(r.props)).mandatory.length > 0;
          const b = (await run(text)).mandatory.length > 0;
          if (a !== b)
            throw new Error(
              `${policy.name} on ${r.type}: ${JSON.stringify(p)} as a number ${a ? "blocks" : "passes"}, as text ${b ? "blocks" : "passes"}\nresource: ${show(r.props)}`,
            );
        }
      }),
      runs(600),
    );
    await check(
      "integer text (stacks)",
      fc.asyncProperty(
        focusedStack.map(({ resources, deps }) => ({ resources: resources.map(known), deps })),
        fc.nat(),
        fc.nat(),
        async ({ resources, deps }, m, pick) => {
          const member = resources[m % resources.length];
          const paths = integerPaths(member);
          if (paths.length === 0) return;
          const p = paths[pick % paths.length];
          const withText = resources.map((r) =>
            r === member ? { ...r, props: setAt(r.props, p, textOf(r, p)) } : r,
          );
          for (const policy of stackPolicies) {
            const mandatory = { enforcementLevel: "mandatory" as const };
            const a = (await runStack(policy, specs(resources, deps), mandatory)).mandatory.length;
            const b = (await runStack(policy, specs(withText, deps), mandatory)).mandatory.length;
            if (a !== b)
              throw new Error(
                `${policy.name}: ${member.name}.${JSON.stringify(p)} as a number gives ${a} mandatory findings, as text ${b}\nstack: ${resources.map((r) => `${r.name} ${show(r.props)}`).join("\n  ")}`,
              );
          }
        },
      ),
      runs(200),
    );
  });
});
