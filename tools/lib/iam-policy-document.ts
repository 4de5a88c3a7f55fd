/**
 * `aws.iam.getPolicyDocument` rendered offline the way the AWS provider renders it, so the policy JSON a
 * program attaches (bucket policies, trust policies) reaches the pack as it would after a real preview:
 * single values as strings, lists sorted in reverse (the provider's order), principals and conditions as
 * maps, `Sid`s merged across source and override documents.
 */

interface PrincipalArg {
  type: string;
  identifiers: string[];
}
interface ConditionArg {
  test: string;
  variable: string;
  values: string[];
}
export interface StatementArg {
  sid?: string;
  effect?: string;
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  principals?: PrincipalArg[];
  notPrincipals?: PrincipalArg[];
  conditions?: ConditionArg[];
}
export interface PolicyDocumentArgs {
  version?: string;
  policyId?: string;
  statements?: StatementArg[];
  sourcePolicyDocuments?: string[];
  overridePolicyDocuments?: string[];
  sourceJson?: string;
  overrideJson?: string;
}

type Statement = Record<string, unknown>;

function list(values: string[] | undefined): string | string[] | undefined {
  if (!values || values.length === 0) return undefined;
  if (values.length === 1) return values[0];
  return [...values].sort().reverse();
}

function principals(ps: PrincipalArg[] | undefined): unknown {
  if (!ps || ps.length === 0) return undefined;
  // IAM treats "*" and {"AWS": "*"} alike; the provider writes both as "*".
  const only = ps.length === 1 ? ps[0] : undefined;
  if (
    only &&
    (only.type === "*" || only.type === "AWS") &&
    only.identifiers.length === 1 &&
    only.identifiers[0] === "*"
  )
    return "*";
  const out: Record<string, string[]> = {};
  for (const p of ps) out[p.type] = [...(out[p.type] ?? []), ...(p.identifiers ?? [])];
  // Go's encoding/json writes map keys sorted.
  return Object.fromEntries(
    Object.keys(out)
      .sort()
      .map((k) => [k, list(out[k])]),
  );
}

function conditions(cs: ConditionArg[] | undefined): unknown {
  if (!cs || cs.length === 0) return undefined;
  const out: Record<string, Record<string, string | string[] | undefined>> = {};
  for (const c of cs) {
    out[c.test] = out[c.test] ?? {};
    const prev = out[c.test][c.variable];
    const values = [...(prev === undefined ? [] : Array.isArray(prev) ? prev : [prev]), ...(c.values ?? [])];
    out[c.test][c.variable] = list(values);
  }
  const sorted = <T>(o: Record<string, T>) =>
    Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, o[k]]),
    );
  return sorted(Object.fromEntries(Object.entries(out).map(([k, v]) => [k, sorted(v)])));
}

function statement(s: StatementArg): Statement {
  const out: Statement = {};
  const put = (k: string, v: unknown) => {
    if (v !== undefined && v !== "") out[k] = v;
  };
  put("Sid", s.sid);
  put("Effect", s.effect ?? "Allow");
  put("Action", list(s.actions));
  put("NotAction", list(s.notActions));
  put("Resource", list(s.resources));
  put("NotResource", list(s.notResources));
  put("Principal", principals(s.principals));
  put("NotPrincipal", principals(s.notPrincipals));
  put("Condition", conditions(s.conditions));
  return out;
}

function statementsOf(json: string | undefined): Statement[] {
  if (!json) return [];
  try {
    const doc = JSON.parse(json) as { Statement?: Statement | Statement[] };
    return Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  } catch {
    return [];
  }
}

/** Adds statements, replacing any with the same non-empty Sid in place (the provider's merge rule). */
function merge(into: Statement[], add: Statement[]): void {
  for (const s of add) {
    const i = s.Sid ? into.findIndex((x) => x.Sid === s.Sid) : -1;
    if (i >= 0) into[i] = s;
    else into.push(s);
  }
}

export function renderPolicyDocument(args: PolicyDocumentArgs): { json: string; minifiedJson: string } {
  const statements: Statement[] = [];
  merge(statements, statementsOf(args.sourceJson));
  for (const d of args.sourcePolicyDocuments ?? []) merge(statements, statementsOf(d));
  merge(statements, (args.statements ?? []).map(statement));
  for (const d of args.overridePolicyDocuments ?? []) merge(statements, statementsOf(d));
  merge(statements, statementsOf(args.overrideJson));
  const doc: Record<string, unknown> = { Version: args.version ?? "2012-10-17" };
  if (args.policyId) doc.Id = args.policyId;
  doc.Statement = statements;
  return { json: JSON.stringify(doc, null, 2), minifiedJson: JSON.stringify(doc) };
}
