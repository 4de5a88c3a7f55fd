import type {
  PolicyConfigSchema,
  PolicyResource,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { hipaaFramework } from "../framework";
import {
  configWithDefaults,
  dependenciesOf,
  field,
  Findings,
  isTrue,
  listField,
  outputs,
  path,
  rawProps,
  StackIndex,
  UNKNOWN,
} from "../policy-kit";
import {
  DEFAULT_ROUTE_TABLE,
  DEFAULT_SUBNET,
  EGRESS_ONLY_INTERNET_GATEWAY,
  INTERNET_GATEWAY,
  MAIN_ROUTE_TABLE_ASSOCIATION,
  ROUTE,
  ROUTE_TABLE,
  ROUTE_TABLE_ASSOCIATION,
  SUBNET,
  VPC,
} from "../tokens";

export const subnetPrivateConfigSchema = {
  properties: {
    exemptSubnets: {
      type: "array",
      items: { type: "string", minLength: 1, maxLength: 256 },
      uniqueItems: true,
      description:
        "Pulumi resource names of subnets allowed a route to an internet gateway (e.g. the public subnet of a NAT gateway). Their route tables may only serve exempt subnets.",
      default: [],
    },
  },
} satisfies PolicyConfigSchema;

export interface SubnetPrivateConfig {
  exemptSubnets: string[];
}

const IGW_TYPES: ReadonlySet<string> = new Set([INTERNET_GATEWAY, EGRESS_ONLY_INTERNET_GATEWAY]);
const INTERNET_GATEWAY_TYPES: ReadonlySet<string> = new Set([INTERNET_GATEWAY]);
const VPC_TYPES: ReadonlySet<string> = new Set([VPC]);
const SUBNET_TYPES: ReadonlySet<string> = new Set([SUBNET, DEFAULT_SUBNET]);
const TABLE_TYPES: ReadonlySet<string> = new Set([ROUTE_TABLE, DEFAULT_ROUTE_TABLE]);

const DESCRIPTION =
  "Subnets of PHI channels are private: they do not map public IPs on launch, do not give instances IPv6 addresses the internet can reach, and no route table sends their traffic to an internet gateway.";

/** Ids of internet gateways (and egress-only ones) in the stack. */
function gatewayIds(stack: StackIndex): Set<string> {
  const ids = new Set<string>();
  for (const g of stack.ofTypes([...IGW_TYPES])) {
    const id = field(outputs(g), "id");
    if (typeof id === "string") ids.add(id);
  }
  return ids;
}

/** True / false / UNKNOWN: a route entry targets an internet gateway or egress-only internet gateway. */
function routeToGateway(
  route: unknown,
  igwIds: Set<string>,
  deps: PolicyResource[],
): boolean | typeof UNKNOWN {
  let unknown = false;
  for (const key of ["gatewayId", "egressOnlyGatewayId"]) {
    const v = field(route, key);
    if (v === UNKNOWN) unknown = true;
    else if (typeof v === "string" && v !== "") {
      if (key === "egressOnlyGatewayId" || v.startsWith("igw-") || v.startsWith("eigw-") || igwIds.has(v))
        return true;
    }
  }
  if (unknown) return deps.length > 0 ? true : UNKNOWN;
  return false;
}

type Verdict = boolean | typeof UNKNOWN;

/** All true → true, all false → false, else UNKNOWN (the value is one of the candidates). */
function oneOf(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.length > 0 && verdicts.every((v) => v === true)) return true;
  return verdicts.every((v) => v === false) ? false : UNKNOWN;
}

/** A and B: false when either is false, true when both are true, else UNKNOWN. */
function both(a: Verdict, b: Verdict): Verdict {
  if (a === false || b === false) return false;
  return a === true && b === true ? true : UNKNOWN;
}

/**
 * True / false / UNKNOWN: a route sends IPv6 traffic (`ipv6Key`: a destination IPv6 block) to an internet
 * gateway. Only an internet gateway makes instances reachable from the internet; an egress-only internet
 * gateway lets them connect out but admits no connection in (VPC User Guide, "Enable outbound IPv6 traffic
 * using an egress-only internet gateway").
 */
function ipv6RouteToInternet(
  route: unknown,
  ipv6Key: string,
  igwIds: Set<string>,
  igwDeps: PolicyResource[],
): Verdict {
  if (route === UNKNOWN) return UNKNOWN;
  const dest = field(route, ipv6Key);
  const isIpv6: Verdict = dest === UNKNOWN ? UNKNOWN : typeof dest === "string" && dest !== "";
  const gw = field(route, "gatewayId");
  const toIgw: Verdict =
    gw === UNKNOWN
      ? igwDeps.length
        ? true
        : UNKNOWN
      : typeof gw === "string" && (gw.startsWith("igw-") || igwIds.has(gw));
  return both(isIpv6, toIgw);
}

/** What identifies the VPC a member names in `prop`: the id as written and the VPCs it was computed from. */
function vpcKeys(r: PolicyResource, prop: string): { keys: Set<string>; unknown: boolean } {
  const v = field(outputs(r), prop);
  const keys = new Set<string>();
  if (typeof v === "string" && v !== "") keys.add(v);
  for (const d of dependenciesOf(r, prop, VPC_TYPES)) {
    keys.add(d.urn);
    const id = field(outputs(d), "id");
    if (typeof id === "string") keys.add(id);
  }
  return { keys, unknown: v === UNKNOWN || v === undefined || v === null };
}

/** Whether two members name the same VPC: true / false / UNKNOWN (one of them unknown, no shared key). */
function sameVpc(
  a: { keys: Set<string>; unknown: boolean },
  b: { keys: Set<string>; unknown: boolean },
): Verdict {
  for (const k of a.keys) if (b.keys.has(k)) return true;
  return a.unknown || b.unknown ? UNKNOWN : false;
}

export const subnetPrivate: ResourceValidationPolicy & StackValidationPolicy = {
  name: "phi-subnet-private",
  description: DESCRIPTION,
  severity: "high",
  framework: hipaaFramework("a1"),
  tags: ["network", "subnet", "routing", "hipaa"],
  remediationSteps:
    "Leave mapPublicIpOnLaunch unset or false (default subnets: set it to false). A subnet that assigns IPv6 addresses (assignIpv6AddressOnCreation, ipv6Native) must not have an IPv6 route to an internet gateway: route ::/0 through an egress-only internet gateway. Route 0.0.0.0/0 and ::/0 through a NAT gateway, transit gateway or VPC endpoints instead of an internet gateway. A NAT gateway's own public subnet may be exempted by listing its Pulumi resource name in exemptSubnets; its route table must then serve only exempt subnets and must not be the main route table (default, or made main by a MainRouteTableAssociation).",
  configSchema: subnetPrivateConfigSchema,
  validateResource: (args, reportViolation) => {
    if (!SUBNET_TYPES.has(args.type)) args.notApplicable(`${args.type} is not a subnet`);
    const props = rawProps(args.props);
    const f = new Findings();
    const v = field(props, "mapPublicIpOnLaunch");
    if (v === UNKNOWN) f.unknown("mapPublicIpOnLaunch");
    else if (isTrue(v)) f.violation("mapPublicIpOnLaunch is true, so instances get public IP addresses");
    else if (args.type === DEFAULT_SUBNET && v !== false)
      f.violation("mapPublicIpOnLaunch is not false; default subnets map public IPs unless told otherwise");
    f.report(reportViolation, DESCRIPTION);
  },
  validateStack: (args, reportViolation) => {
    const config = configWithDefaults<SubnetPrivateConfig>(args, subnetPrivateConfigSchema);
    const exempt = new Set(config.exemptSubnets);
    const stack = new StackIndex(args.resources);
    const tables = stack.ofTypes([...TABLE_TYPES]);
    const routes = stack.ofTypes([ROUTE]);
    if (tables.length === 0 && routes.length === 0) args.notApplicable("no route tables in this stack");
    const igwIds = gatewayIds(stack);

    const tableById = new Map<string, PolicyResource>();
    for (const t of tables) {
      const id = field(outputs(t), "id");
      if (typeof id === "string") tableById.set(id, t);
    }
    const tableOf = (r: PolicyResource): PolicyResource[] => {
      const id = field(outputs(r), "routeTableId");
      if (typeof id === "string" && tableById.has(id)) return [tableById.get(id)!];
      const deps = dependenciesOf(r, "routeTableId", TABLE_TYPES);
      if (deps.length) return deps;
      if (typeof id === "string") {
        const key = `external:${id}`;
        return [{ urn: key, name: "a route table outside this stack", type: ROUTE_TABLE } as PolicyResource];
      }
      return [];
    };

    // Subnets served by each route table (by URN), and whether every one of them is exempt.
    const served = new Map<string, { exemptOnly: boolean; count: number; unknown: boolean }>();
    const subnetById = new Map<string, PolicyResource>();
    for (const s of stack.ofTypes([...SUBNET_TYPES])) {
      const id = field(outputs(s), "id");
      if (typeof id === "string") subnetById.set(id, s);
    }
    for (const a of stack.ofTypes([ROUTE_TABLE_ASSOCIATION])) {
      const sid = field(outputs(a), "subnetId");
      if (sid === undefined || sid === null) continue; // gateway (edge) association
      let subnets = typeof sid === "string" && subnetById.has(sid) ? [subnetById.get(sid)!] : [];
      if (!subnets.length) subnets = dependenciesOf(a, "subnetId", SUBNET_TYPES);
      for (const t of tableOf(a)) {
        const e = served.get(t.urn) ?? { exemptOnly: true, count: 0, unknown: false };
        if (!subnets.length) {
          if (sid === UNKNOWN) e.unknown = true;
          else e.exemptOnly = false;
        }
        for (const s of subnets) {
          e.count++;
          if (!exempt.has(s.name)) e.exemptOnly = false;
        }
        served.set(t.urn, e);
      }
    }

    // Tables made main by a MainRouteTableAssociation serve every subnet without an explicit association,
    // like the default table, so exemptSubnets never covers them. `mainUnknown`: an association whose table
    // is not known at preview, which could make any table main.
    const mainTables = new Set<string>();
    let mainUnknown = false;
    for (const m of stack.ofTypes([MAIN_ROUTE_TABLE_ASSOCIATION])) {
      const owners = tableOf(m);
      if (owners.length === 0 && field(outputs(m), "routeTableId") === UNKNOWN) mainUnknown = true;
      for (const t of owners) mainTables.add(t.urn);
    }

    const report = (table: PolicyResource, where: string, verdict: boolean | typeof UNKNOWN, urn: string) => {
      const f = new Findings();
      if (verdict === UNKNOWN) f.unknown(where, "route target");
      else if (verdict) {
        const s = served.get(table.urn);
        const isDefault = table.type === DEFAULT_ROUTE_TABLE;
        const isMain = isDefault || mainTables.has(table.urn);
        const exemptOnly = !!s && s.count > 0 && s.exemptOnly;
        if (exemptOnly && !isMain && !s.unknown && !mainUnknown) return;
        if (exemptOnly && !isMain)
          f.unknown(
            where,
            s.unknown
              ? "route to an internet gateway; whether every associated subnet is exempt"
              : "route to an internet gateway; whether a MainRouteTableAssociation makes this table main",
          );
        else
          f.violation(
            `${where} routes to an internet gateway${
              isDefault
                ? " in the default (main) route table"
                : isMain
                  ? " in a route table made main by a MainRouteTableAssociation"
                  : ""
            }; only route tables serving exempt subnets (exemptSubnets) may, and never a main route table`,
          );
      }
      f.report(reportViolation, DESCRIPTION, urn);
    };

    for (const t of tables) {
      const list = listField(outputs(t), "routes");
      if (list === UNKNOWN) {
        report(t, "routes", UNKNOWN, t.urn);
        continue;
      }
      if (list === "invalid") continue;
      const deps = dependenciesOf(t, "routes", IGW_TYPES);
      list.forEach((r, i) =>
        report(
          t,
          path("routes", i),
          r === UNKNOWN ? (deps.length ? true : UNKNOWN) : routeToGateway(r, igwIds, deps),
          t.urn,
        ),
      );
    }
    for (const r of routes) {
      const deps = [
        ...dependenciesOf(r, "gatewayId", IGW_TYPES),
        ...dependenciesOf(r, "egressOnlyGatewayId", IGW_TYPES),
      ];
      const verdict = routeToGateway(outputs(r), igwIds, deps);
      const owners = tableOf(r);
      if (owners.length === 0) report({ urn: r.urn, type: ROUTE } as PolicyResource, "route", verdict, r.urn);
      for (const t of owners) report(t, "route", verdict, r.urn);
    }

    // IPv6, judged like mapPublicIpOnLaunch: a subnet that gives every instance an IPv6 address, and
    // whose route table sends IPv6 traffic to an internet gateway, makes every instance reachable from
    // the internet (IPv6 addresses are globally routable; there is no NAT). Exempt subnets too.
    const reach = new Map<string, { verdict: Verdict; where: string }[]>();
    const addReach = (t: PolicyResource, verdict: Verdict, where: string) => {
      if (verdict === false) return;
      const list = reach.get(t.urn) ?? [];
      list.push({ verdict, where });
      reach.set(t.urn, list);
    };
    const anyTable: { verdict: Verdict; where: string }[] = []; // routes whose table is unknown
    for (const t of tables) {
      const list = listField(outputs(t), "routes");
      const deps = dependenciesOf(t, "routes", INTERNET_GATEWAY_TYPES);
      if (list === UNKNOWN) addReach(t, UNKNOWN, `${t.name}.routes`);
      else if (list !== "invalid")
        list.forEach((r, i) =>
          addReach(t, ipv6RouteToInternet(r, "ipv6CidrBlock", igwIds, deps), `${t.name}.routes[${i}]`),
        );
    }
    for (const r of routes) {
      const verdict = ipv6RouteToInternet(
        outputs(r),
        "destinationIpv6CidrBlock",
        igwIds,
        dependenciesOf(r, "gatewayId", INTERNET_GATEWAY_TYPES),
      );
      const owners = tableOf(r);
      if (owners.length === 0 && verdict !== false) anyTable.push({ verdict: UNKNOWN, where: r.name });
      for (const t of owners) addReach(t, verdict, r.name);
    }
    const tableReach = (t: PolicyResource): { verdict: Verdict; where: string } => {
      const found = [...(reach.get(t.urn) ?? []), ...anyTable];
      return (
        found.find((x) => x.verdict === true) ??
        found.find((x) => x.verdict === UNKNOWN) ?? { verdict: false, where: "" }
      );
    };

    // Which table serves each subnet: its explicit association, else the main table of its VPC (the
    // DefaultRouteTable, or a table made main by a MainRouteTableAssociation). Without one in the stack,
    // the VPC's own main table has only its local routes.
    const explicit = new Map<string, PolicyResource[]>();
    const floating: PolicyResource[] = []; // tables of associations whose subnet is unknown
    for (const a of stack.ofTypes([ROUTE_TABLE_ASSOCIATION])) {
      const sid = field(outputs(a), "subnetId");
      if (sid === undefined || sid === null) continue;
      let subnets = typeof sid === "string" && subnetById.has(sid) ? [subnetById.get(sid)!] : [];
      if (!subnets.length) subnets = dependenciesOf(a, "subnetId", SUBNET_TYPES);
      if (!subnets.length && sid === UNKNOWN) floating.push(...tableOf(a));
      // An association whose table is unknown without a dependency may name any table, here or not.
      const owners = tableOf(a);
      const outside = {
        urn: "external:unknown",
        name: "a route table outside this stack",
        type: ROUTE_TABLE,
      };
      for (const s of subnets)
        explicit.set(s.urn, [
          ...(explicit.get(s.urn) ?? []),
          ...(owners.length ? owners : [...tables, outside as PolicyResource]),
        ]);
    }
    type Main = { table: PolicyResource; vpc: ReturnType<typeof vpcKeys>; byAssociation: boolean };
    const mains: Main[] = [];
    for (const t of stack.ofTypes([DEFAULT_ROUTE_TABLE])) {
      const vpc = vpcKeys(t, "vpcId");
      for (const d of dependenciesOf(t, "defaultRouteTableId", VPC_TYPES)) vpc.keys.add(d.urn);
      mains.push({ table: t, vpc, byAssociation: false });
    }
    for (const m of stack.ofTypes([MAIN_ROUTE_TABLE_ASSOCIATION]))
      for (const t of tableOf(m)) mains.push({ table: t, vpc: vpcKeys(m, "vpcId"), byAssociation: true });

    for (const s of stack.ofTypes([...SUBNET_TYPES])) {
      const o = outputs(s);
      const assign = field(o, "assignIpv6AddressOnCreation");
      const native = field(o, "ipv6Native");
      const flag = isTrue(native) ? "ipv6Native" : "assignIpv6AddressOnCreation";
      const assigns: Verdict =
        isTrue(assign) || isTrue(native) ? true : assign === UNKNOWN || native === UNKNOWN ? UNKNOWN : false;
      if (assigns === false) continue;
      // The tables that may serve the subnet; its IPv6 traffic reaches the internet if every one of them
      // sends it there, and may if some does.
      let served: PolicyResource[];
      let outsideMain = false;
      const own = explicit.get(s.urn);
      if (own?.length) served = own;
      else {
        const vpc = vpcKeys(s, "vpcId");
        const ofVpc = mains.map((m) => ({ m, same: sameVpc(vpc, m.vpc) })).filter((x) => x.same !== false);
        // A MainRouteTableAssociation certainly of this VPC replaces the default table as main.
        const replaced = ofVpc.some((x) => x.m.byAssociation && x.same === true);
        const main = ofVpc.filter((x) => !replaced || x.m.byAssociation);
        served = [...floating, ...main.map((x) => x.m.table)];
        // Without a main table certainly of this VPC, the main one may be outside the stack: local routes only.
        outsideMain = !main.some((x) => x.same === true);
      }
      const candidates = served.map(tableReach);
      if (outsideMain) candidates.push({ verdict: false, where: "" });
      const reaches = oneOf(candidates.map((c) => c.verdict));
      if (reaches === false) continue;
      const where =
        candidates.find((c) => c.verdict === true)?.where ??
        candidates.find((c) => c.verdict === UNKNOWN)?.where;
      const f = new Findings();
      if (assigns === true && reaches === true)
        f.violation(
          `${flag} is true and the subnet's route table sends IPv6 traffic to an internet gateway (${where}), so every instance gets a globally routable IPv6 address reachable from the internet`,
        );
      else if (assigns === UNKNOWN)
        f.unknown(
          assign === UNKNOWN ? "assignIpv6AddressOnCreation" : "ipv6Native",
          `the subnet's route table may send IPv6 traffic to an internet gateway (${where})`,
        );
      else
        f.unknown(
          where || "routes",
          `whether the subnet's IPv6 traffic reaches an internet gateway; ${flag} is true`,
        );
      f.report(reportViolation, DESCRIPTION, s.urn);
    }
  },
};
