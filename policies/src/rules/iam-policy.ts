/**
 * Resource policies (S3 bucket, SQS queue, SNS topic) read as AWS evaluates them: parsed once into
 * statements, then asked whether they deny every request made without TLS, and whether they grant anything
 * to everyone. Pure functions over plain values; the pack passes its own test for values unknown at
 * preview, and every answer is three-valued (`"unknown"` when such a value decides it).
 *
 * The readings follow the IAM policy grammar and evaluation logic (sources in ../data/iam-policy.json):
 * a statement's conditions are ANDed and the values of one key ORed, an explicit Deny anywhere wins,
 * `"*"` and `{"AWS": "*"}` are everyone, and a NotAction / NotPrincipal never counts as "all" (what it
 * leaves out is not known here).
 */
import data from "../data/iam-policy.json";

/** true / false, or "unknown" when a value unknown at preview decides it. */
export type Tri = boolean | "unknown";

/** The pack's test for a value unknown at preview (the engine's sentinels); never unknown by default. */
export type IsUnknown = (value: unknown) => boolean;
const NOTHING_UNKNOWN: IsUnknown = () => false;

/** A string-list element (`Action`, `Resource`, principal ids): its strings, and whether any is unknown. */
export interface ValueList {
  values: string[];
  unknown: boolean;
  /** An element that is not a string (AWS rejects the policy); never matches anything. */
  invalid: boolean;
}

export interface PrincipalElement {
  /** `"*"`, or `"*"` among the `AWS` principals. */
  everyone: boolean;
  unknown: boolean;
}

export interface ConditionEntry {
  operator: string;
  key: string;
  /** The known values (strings, booleans, numbers as written). */
  values: unknown[];
  unknown: boolean;
}

export interface ConditionElement {
  entries: ConditionEntry[];
  /** An operator block (so its keys) is unknown. */
  unknown: boolean;
  /** Not the `{ operator: { key: value } }` shape. */
  invalid: boolean;
}

export interface PolicyStatement {
  /** Position in `Statement`, for messages (`Statement[2]`). */
  index: number;
  /** The whole statement is unknown at preview, or not an object. */
  shape: "statement" | "unknown" | "invalid";
  effect: "Allow" | "Deny" | "unknown" | "other";
  /** `Effect` spelled in another case ("allow"): AWS may reject it, so it never counts as a Deny. */
  effectText: string | undefined;
  action?: ValueList;
  notAction?: ValueList;
  resource?: ValueList;
  notResource?: ValueList;
  principal?: PrincipalElement;
  notPrincipal?: PrincipalElement;
  condition: ConditionElement;
}

export type PolicyDocument =
  | { kind: "document"; statements: PolicyStatement[]; id?: string }
  | { kind: "unknown" }
  | { kind: "invalid"; reason: string };

function valueList(raw: unknown, isUnknown: IsUnknown): ValueList {
  const out: ValueList = { values: [], unknown: false, invalid: false };
  if (isUnknown(raw)) {
    out.unknown = true;
    return out;
  }
  if (typeof raw === "string") {
    out.values.push(raw);
    return out;
  }
  for (const v of Array.isArray(raw) ? raw : [raw]) {
    if (isUnknown(v)) out.unknown = true;
    else if (typeof v === "string") out.values.push(v);
    else out.invalid = true;
  }
  return out;
}

function principalElement(raw: unknown, isUnknown: IsUnknown): PrincipalElement {
  if (isUnknown(raw)) return { everyone: false, unknown: true };
  if (raw === "*") return { everyone: true, unknown: false };
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return { everyone: false, unknown: false };
  const out: PrincipalElement = { everyone: false, unknown: false };
  // Only the AWS kind has an everyone form; `{"Service": "*"}` is not a principal AWS accepts.
  const ids = (raw as Record<string, unknown>).AWS;
  if (ids !== undefined) {
    const list = valueList(ids, isUnknown);
    out.everyone = list.values.includes("*");
    out.unknown = list.unknown;
  }
  return out;
}

function conditionElement(raw: unknown, isUnknown: IsUnknown): ConditionElement {
  const out: ConditionElement = { entries: [], unknown: false, invalid: false };
  if (raw === undefined || raw === null) return out;
  if (isUnknown(raw)) {
    out.unknown = true;
    return out;
  }
  if (typeof raw !== "object" || Array.isArray(raw)) {
    out.invalid = true;
    return out;
  }
  for (const operator in raw as Record<string, unknown>) {
    const block = (raw as Record<string, unknown>)[operator];
    if (isUnknown(block)) {
      out.unknown = true;
      continue;
    }
    if (!block || typeof block !== "object" || Array.isArray(block)) {
      out.invalid = true;
      continue;
    }
    for (const key in block as Record<string, unknown>) {
      const v = (block as Record<string, unknown>)[key];
      const entry: ConditionEntry = { operator, key, values: [], unknown: false };
      if (isUnknown(v)) entry.unknown = true;
      else
        for (const x of Array.isArray(v) ? v : [v]) {
          if (isUnknown(x)) entry.unknown = true;
          else entry.values.push(x);
        }
      out.entries.push(entry);
    }
  }
  return out;
}

const NO_CONDITION: ConditionElement = Object.freeze({
  entries: Object.freeze([]) as unknown as ConditionEntry[],
  unknown: false,
  invalid: false,
});

function statement(raw: unknown, index: number, isUnknown: IsUnknown): PolicyStatement {
  if (isUnknown(raw))
    return { index, shape: "unknown", effect: "unknown", effectText: undefined, condition: NO_CONDITION };
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    return { index, shape: "invalid", effect: "other", effectText: undefined, condition: NO_CONDITION };
  const s = raw as Record<string, unknown>;
  const effect = s.Effect;
  const effectUnknown = isUnknown(effect);
  const st: PolicyStatement = {
    index,
    shape: "statement",
    effect: effectUnknown ? "unknown" : effect === "Allow" || effect === "Deny" ? effect : "other",
    effectText: typeof effect === "string" && !effectUnknown ? effect : undefined,
    condition: s.Condition === undefined ? NO_CONDITION : conditionElement(s.Condition, isUnknown),
  };
  if (s.Action !== undefined) st.action = valueList(s.Action, isUnknown);
  if (s.NotAction !== undefined) st.notAction = valueList(s.NotAction, isUnknown);
  if (s.Resource !== undefined) st.resource = valueList(s.Resource, isUnknown);
  if (s.NotResource !== undefined) st.notResource = valueList(s.NotResource, isUnknown);
  if (s.Principal !== undefined) st.principal = principalElement(s.Principal, isUnknown);
  if (s.NotPrincipal !== undefined) st.notPrincipal = principalElement(s.NotPrincipal, isUnknown);
  return st;
}

/**
 * Parses a policy document once: a JSON string or an object, `Statement` a single object or a list.
 * Never throws; text that is not a JSON object is `invalid` (AWS would reject it).
 */
export function parsePolicyDocument(policy: unknown, isUnknown: IsUnknown = NOTHING_UNKNOWN): PolicyDocument {
  if (isUnknown(policy)) return { kind: "unknown" };
  let doc: unknown = policy;
  if (typeof policy === "string") {
    try {
      doc = JSON.parse(policy);
    } catch {
      return { kind: "invalid", reason: "is not valid JSON" };
    }
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc))
    return { kind: "invalid", reason: "is not a JSON object" };
  const raw = (doc as Record<string, unknown>).Statement;
  if (isUnknown(raw)) return { kind: "unknown" };
  const list = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  const id = (doc as Record<string, unknown>).Id;
  return {
    kind: "document",
    statements: list.map((s, i) => statement(s, i, isUnknown)),
    ...(typeof id === "string" && !isUnknown(id) ? { id } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------
// Matching (IAM wildcards: `*` any run of characters, `?` one character).

/** IAM wildcard match. Actions compare case-insensitively (callers lower-case them), ARNs exactly. */
export function wildcardMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === "?" || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === "*") {
      star = p++;
      mark = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}

/**
 * True when `pattern` matches every string that starts with `prefix`: it ends in `*` and matches the
 * prefix itself (the final `*` then takes any continuation). `s3:*` covers every `s3:` action,
 * `arn:aws:s3:::b/*` every object of bucket b.
 */
export function coversEverythingUnder(pattern: string, prefix: string): boolean {
  return pattern.endsWith("*") && wildcardMatch(pattern, prefix);
}

/** False only when `pattern` cannot match any string starting with `prefix` (conservative otherwise). */
function mayMatchUnder(pattern: string, prefix: string): boolean {
  for (let i = 0; i < prefix.length; i++) {
    if (i >= pattern.length) return false;
    const c = pattern[i];
    if (c === "*") return true;
    if (c !== "?" && c !== prefix[i]) return false;
  }
  return true;
}

function and3(...xs: Tri[]): Tri {
  if (xs.includes(false)) return false;
  return xs.includes("unknown") ? "unknown" : true;
}

function or3(xs: Tri[]): Tri {
  if (xs.includes(true)) return true;
  return xs.includes("unknown") ? "unknown" : false;
}

/** All of the candidates (the real value is one of them) decide alike, or it is unknown. */
function allCandidates(candidates: readonly string[], test: (c: string) => boolean): Tri {
  const results = candidates.map(test);
  if (results.every(Boolean)) return true;
  return results.some(Boolean) ? "unknown" : false;
}

// ---------------------------------------------------------------------------------------------------
// Does the policy deny every request made without TLS?

/**
 * What a TLS-only deny must cover. `arn`: the resource's ARN (the real one is one of `candidates`, e.g. one
 * per partition when only the name is known); `under`: every ARN starting with a candidate (S3 objects,
 * `arn:aws:s3:::bucket/`); `unknown`: the ARN is not known at preview (only `Resource: "*"` decides).
 */
export type ResourceRequirement =
  | { kind: "arn" | "under"; candidates: readonly string[]; label: string }
  | { kind: "unknown"; label: string };

export interface TlsDenyTarget {
  /** The service prefix whose every action the deny must cover: `s3`, `sqs`, `sns`. */
  service: string;
  resources: readonly ResourceRequirement[];
}

export interface TlsDenyVerdict {
  denies: Tri;
  /** Why not (when `denies` is false): each candidate statement and what it misses. Never quotes values. */
  reasons: string[];
}

const SECURE_TRANSPORT = data.secureTransportKey.toLowerCase();
const SECURE_TRANSPORT_OPERATORS = new Set(data.secureTransportOperators.map((o) => o.toLowerCase()));

function isFalse(v: unknown): boolean {
  return v === false || (typeof v === "string" && v.toLowerCase() === "false");
}

/** The entry is `aws:SecureTransport` under Bool / BoolIfExists with a false value among its values. */
function matchesInsecureTransport(e: ConditionEntry): Tri {
  if (!SECURE_TRANSPORT_OPERATORS.has(e.operator.toLowerCase())) return false;
  if (e.key.toLowerCase() !== SECURE_TRANSPORT) return false;
  if (e.values.some(isFalse)) return true;
  return e.unknown ? "unknown" : false;
}

function mentionsSecureTransport(c: ConditionElement): boolean {
  return c.entries.some((e) => e.key.toLowerCase() === SECURE_TRANSPORT);
}

/** Every condition of the statement is aws:SecureTransport = false (none at all also applies to every request). */
function onlyInsecureTransportCondition(c: ConditionElement): Tri {
  if (c.invalid) return false;
  return and3(...c.entries.map(matchesInsecureTransport), c.unknown ? "unknown" : true);
}

function coversEveryAction(st: PolicyStatement, service: string): Tri {
  if (!st.action || st.notAction) return false;
  const prefix = `${service.toLowerCase()}:`;
  if (st.action.values.some((a) => coversEverythingUnder(a.toLowerCase(), prefix))) return true;
  return st.action.unknown ? "unknown" : false;
}

function isEveryone(p: PrincipalElement | undefined, notPrincipal: PrincipalElement | undefined): Tri {
  if (!p || notPrincipal) return false;
  if (p.everyone) return true;
  return p.unknown ? "unknown" : false;
}

function coversResource(st: PolicyStatement, req: ResourceRequirement): Tri {
  if (st.resource && st.notResource) return false;
  if (st.resource) {
    const r = st.resource;
    if (r.values.includes("*")) return true;
    if (req.kind === "unknown") return "unknown";
    const test =
      req.kind === "arn"
        ? (c: string) => r.values.some((p) => wildcardMatch(p, c))
        : (c: string) => r.values.some((p) => coversEverythingUnder(p, c));
    const known = allCandidates(req.candidates, test);
    return known === true ? true : r.unknown ? "unknown" : known;
  }
  if (st.notResource) {
    const n = st.notResource;
    if (n.invalid || req.kind === "unknown") return n.invalid ? false : "unknown";
    const test =
      req.kind === "arn"
        ? (c: string) => !n.values.some((p) => wildcardMatch(p, c))
        : (c: string) => !n.values.some((p) => mayMatchUnder(p, c));
    const known = allCandidates(req.candidates, test);
    return known === false ? false : n.unknown ? "unknown" : known;
  }
  return false;
}

/**
 * Whether the policy denies every request made without TLS to the target: for each required resource, a
 * statement with Effect Deny, every action of the service (`<service>:*` or `*`), everyone as principal,
 * that resource, and no condition but `aws:SecureTransport` false.
 */
export function deniesInsecureTransport(doc: PolicyDocument, target: TlsDenyTarget): TlsDenyVerdict {
  if (doc.kind === "unknown") return { denies: "unknown", reasons: [] };
  if (doc.kind === "invalid") return { denies: false, reasons: [`the policy ${doc.reason}`] };
  const judged = doc.statements.map((st) => {
    if (st.shape !== "statement")
      return { st, base: (st.shape === "unknown" ? "unknown" : false) as Tri, parts: undefined };
    const parts = {
      deny: (st.effect === "Deny" ? true : st.effect === "unknown" ? "unknown" : false) as Tri,
      actions: coversEveryAction(st, target.service),
      principals: isEveryone(st.principal, st.notPrincipal),
      condition: onlyInsecureTransportCondition(st.condition),
    };
    return { st, base: and3(parts.deny, parts.actions, parts.principals, parts.condition), parts };
  });
  const covered = target.resources.map((req) =>
    or3(
      judged.map(({ st, base }) =>
        st.shape === "statement"
          ? and3(base, coversResource(st, req))
          : base === "unknown"
            ? "unknown"
            : false,
      ),
    ),
  );
  const denies = and3(...covered);
  if (denies !== false) return { denies, reasons: [] };

  const reasons: string[] = [];
  for (const { st, parts } of judged) {
    if (!parts || st.effect !== "Deny" || !mentionsSecureTransport(st.condition)) continue;
    const missing: string[] = [];
    if (parts.actions === false)
      missing.push(
        `does not cover every action (Action must be "${target.service}:*" or "*"; NotAction never does)`,
      );
    if (parts.principals === false)
      missing.push(
        'does not apply to everyone (Principal must be "*" or {"AWS": "*"}; NotPrincipal never does)',
      );
    if (parts.condition === false)
      missing.push(
        'has a condition besides aws:SecureTransport = "false" (conditions are ANDed, so it exempts requests)',
      );
    target.resources.forEach((req, i) => {
      if (covered[i] === false && coversResource(st, req) === false)
        missing.push(`does not cover ${req.label}`);
    });
    if (missing.length) reasons.push(`Statement[${st.index}] ${missing.join("; ")}`);
  }
  if (reasons.length === 0) reasons.push('no Deny statement has the condition aws:SecureTransport = "false"');
  return { denies, reasons };
}

// ---------------------------------------------------------------------------------------------------
// Does the policy grant anything to everyone?

const RESTRICTING_KEYS = new Set(data.restrictingConditionKeys.map((k) => k.toLowerCase()));
const FIXED_VALUE_OPERATORS = new Set(data.fixedValueOperators.map((o) => o.toLowerCase()));

function isFixedValue(v: unknown): boolean {
  return typeof v === "string" && v !== "" && !/[*?]|\$\{/.test(v);
}

/** The entry limits the statement to known callers: a restricting key compared with fixed values. */
function restrictsCallers(e: ConditionEntry): Tri {
  if (!RESTRICTING_KEYS.has(e.key.toLowerCase()) || !FIXED_VALUE_OPERATORS.has(e.operator.toLowerCase()))
    return false;
  if (e.unknown) return "unknown";
  return e.values.length > 0 && e.values.every(isFixedValue);
}

export interface EveryoneGrant {
  grants: Tri;
  /** Statements that grant to everyone (or may, when `grants` is unknown), by position. */
  statements: number[];
}

/**
 * Whether an Allow statement grants to everyone (`"*"`, `{"AWS": "*"}`, or any NotPrincipal, which allows
 * all but the listed) without a condition restricting the caller (../data/iam-policy.json). `Effect` is
 * compared case-insensitively here, so a misspelt Allow still counts (fail closed).
 */
export function grantsToEveryone(doc: PolicyDocument): EveryoneGrant {
  if (doc.kind === "unknown") return { grants: "unknown", statements: [] };
  if (doc.kind === "invalid") return { grants: false, statements: [] };
  const definite: number[] = [];
  const possible: number[] = [];
  for (const st of doc.statements) {
    let g: Tri;
    if (st.shape !== "statement") g = st.shape === "unknown" ? "unknown" : false;
    else {
      const allow: Tri =
        st.effect === "unknown" ? "unknown" : st.effectText?.toLowerCase() === "allow" ? true : false;
      const world: Tri = st.notPrincipal
        ? true
        : st.principal?.everyone
          ? true
          : st.principal?.unknown
            ? "unknown"
            : false;
      const c = st.condition;
      const restricted = or3([...c.entries.map(restrictsCallers), c.unknown ? "unknown" : false]);
      g = and3(allow, world, restricted === true ? false : restricted === "unknown" ? "unknown" : true);
    }
    if (g === true) definite.push(st.index);
    else if (g === "unknown") possible.push(st.index);
  }
  if (definite.length) return { grants: true, statements: definite };
  return possible.length ? { grants: "unknown", statements: possible } : { grants: false, statements: [] };
}

/** The Id of the policy SNS writes on a topic created without one (not a document the program set). */
export const SNS_DEFAULT_POLICY_ID: string = data.snsDefaultPolicyId;

/**
 * The ARN of the queue an SQS queue URL names (`https://sqs.<region>.amazonaws.com/<account>/<name>`, the
 * legacy `<region>.queue.amazonaws.com` and `queue.amazonaws.com` forms), one candidate per partition;
 * undefined for anything else.
 */
export function sqsQueueArnCandidates(url: string): string[] | undefined {
  const m = /^https?:\/\/([^/]+)\/(\d{12})\/([^/?#]+)\/?$/.exec(url);
  if (!m) return undefined;
  const [, host, account, name] = m;
  const region =
    /^sqs(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1] ??
    /^([a-z0-9-]+)\.queue\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1] ??
    (host === "queue.amazonaws.com" ? "us-east-1" : undefined);
  return region ? arnInEveryPartition(`sqs:${region}:${account}:${name}`) : undefined;
}

/** ARN candidates for a resource whose ARN is `arn:<partition>:<rest>` in a partition not known here. */
export function arnInEveryPartition(rest: string): string[] {
  return data.partitions.map((p) => `arn:${p}:${rest}`);
}
