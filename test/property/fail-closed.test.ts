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
import { anyResource, databaseStack, grantConfig, stack, toHarness, type GenResource } from "./arbitraries";
import { judgeResourceVariant, judgeStackVariant, mutationPaths } from "./fail-closed";
import { check, known, runs, setUnknown, show, Tally } from "./support";

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
      "phi-data-in-transit-encrypted (stack)",
    ];
    expect(expected.filter((n) => !exercised.get(n))).toEqual([]);
  });
});
