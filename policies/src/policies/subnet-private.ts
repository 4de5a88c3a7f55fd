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
const SUBNET_TYPES: ReadonlySet<string> = new Set([SUBNET, DEFAULT_SUBNET]);
const TABLE_TYPES: ReadonlySet<string> = new Set([ROUTE_TABLE, DEFAULT_ROUTE_TABLE]);

const DESCRIPTION =
  "Subnets of PHI channels are private: they do not map public IPs on launch, and no route table sends their traffic to an internet gateway.";

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

export const subnetPrivate: ResourceValidationPolicy & StackValidationPolicy = {
  name: "phi-subnet-private",
  description: DESCRIPTION,
  severity: "high",
  framework: hipaaFramework("a1"),
  tags: ["network", "subnet", "routing", "hipaa"],
  remediationSteps:
    "Leave mapPublicIpOnLaunch unset or false (default subnets: set it to false). Route 0.0.0.0/0 and ::/0 through a NAT gateway, transit gateway or VPC endpoints instead of an internet gateway. A NAT gateway's own public subnet may be exempted by listing its Pulumi resource name in exemptSubnets; its route table must then serve only exempt subnets and must not be the main route table (default, or made main by a MainRouteTableAssociation).",
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
  },
};
