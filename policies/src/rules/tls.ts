import cipherData from "../data/tls-ciphers.json";
import classicData from "../data/tls-classic-elb-policies.json";
import profileData from "../data/tls-profiles.json";
import {
  TLS_SERVICES,
  type TlsPolicyEntry,
  type TlsPolicyTable,
  type TlsService,
  type TlsServiceName,
} from "./tls-services";
import type { Refusal } from "./refusal";

export {
  TLS_SERVICES,
  type TlsApiDefault,
  type TlsEndpoint,
  type TlsEndpointVariants,
  type TlsPolicyEntry,
  type TlsPolicyTable,
  type TlsService,
  type TlsServiceName,
} from "./tls-services";

export type TlsVersion = "1.0" | "1.1" | "1.2" | "1.3";

/** The floors phi-tls-strong-policy's `minimumTlsVersion` may be set to (and the runtime guardrails take). */
export const CONFIGURABLE_TLS_FLOORS: readonly TlsVersion[] = ["1.2", "1.3"];

/** A strength rule over protocols and ciphers (`data/tls-profiles.json`). */
export interface TlsProfile {
  description: string;
  /** The lowest floor the profile allows; the configured floor applies when it is higher. */
  minimumTlsVersion: TlsVersion;
  /** Every cipher must have an ephemeral key exchange. */
  forwardSecrecy: boolean;
  /** Non-AEAD ciphers the profile accepts besides the AEAD ones (OpenSSL names; IANA spellings match too). */
  nonAeadCiphers: readonly string[];
}

export type TlsProfileName = "strict" | "nist-800-52r2";

export const TLS_PROFILES: Readonly<Record<TlsProfileName, TlsProfile>> = profileData.profiles as Record<
  TlsProfileName,
  TlsProfile
>;

/** The profile the pack and the components apply unless configured otherwise. */
export const DEFAULT_TLS_PROFILE: TlsProfileName = "strict";

export function isTlsProfileName(value: unknown): value is TlsProfileName {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(TLS_PROFILES, value);
}

/** How a policy is judged: the floor and the profile, and (optionally) the names one endpoint accepts. */
export interface TlsAssessOptions {
  profile?: TlsProfileName;
  /** The names AWS accepts for the endpoint at hand; others are problems and never alternatives. */
  accepted?: readonly string[];
}

export interface TlsPolicyAssessment {
  /** True when the name is in the data table. Unknown names are never strong (fail closed). */
  known: boolean;
  /** True when all four strength conditions hold. */
  strong: boolean;
  /** Lowest protocol version the policy accepts, when known; unset when that is SSL 2.0/3.0 (not a TlsVersion). */
  minVersion?: TlsVersion;
  /** One human-readable sentence per failed condition; empty when strong. */
  problems: string[];
  /** Strong choices for the same service, floor and profile (and endpoint), TLS 1.3-only first; for messages. */
  alternatives: string[];
}

/** What a cipher gives: forward secrecy (ephemeral key exchange) and AEAD encryption. */
export interface CipherTraits {
  forwardSecret: boolean;
  aead: boolean;
  /** False when the name is not in the cipher table; unknown ciphers are neither (fail closed). */
  known: boolean;
}

interface CipherRecord {
  keyExchange: string;
  encryption: string;
  mac: string;
  iana?: string;
}

/** Key exchanges that are ephemeral; a TLS 1.3 suite always is. */
const FORWARD_SECRET_KEY_EXCHANGES = new Set(["ECDHE", "DHE", "TLS1.3"]);
/** Encryptions that authenticate as well as encrypt. CBC, RC4 and 3DES are not among them. */
const AEAD_ENCRYPTIONS = new Set(["AES-GCM", "AES-CCM", "CHACHA20-POLY1305"]);

/** Protocol spellings in the tables, ranked oldest first. SSLv2/SSLv3 rank below every TlsVersion. */
const PROTOCOL_RANK: Readonly<Record<string, number>> = {
  SSLv2: 0,
  SSLv3: 1,
  TLSv1: 2,
  "TLSv1.1": 3,
  "TLSv1.2": 4,
  "TLSv1.3": 5,
};
const PROTOCOL_LABEL: Readonly<Record<string, string>> = {
  SSLv2: "SSL 2.0",
  SSLv3: "SSL 3.0",
  TLSv1: "TLS 1.0",
  "TLSv1.1": "TLS 1.1",
  "TLSv1.2": "TLS 1.2",
  "TLSv1.3": "TLS 1.3",
};
const PROTOCOL_VERSION: Readonly<Record<string, TlsVersion>> = {
  TLSv1: "1.0",
  "TLSv1.1": "1.1",
  "TLSv1.2": "1.2",
  "TLSv1.3": "1.3",
};
const VERSION_RANK: Readonly<Record<TlsVersion, number>> = { "1.0": 2, "1.1": 3, "1.2": 4, "1.3": 5 };

const CIPHERS: ReadonlyMap<string, CipherRecord> = indexCiphers(cipherData.ciphers);

export const ELB_SECURITY_POLICIES: TlsPolicyTable = TLS_SERVICES.elb.policies;

/** What the components use when no ELB policy is given: TLS 1.3 only, strong at every floor. */
export const DEFAULT_ELB_SECURITY_POLICY: string = TLS_SERVICES.elb.componentDefault!;

function indexCiphers(records: Record<string, CipherRecord>): Map<string, CipherRecord> {
  const index = new Map<string, CipherRecord>();
  for (const [name, record] of Object.entries(records)) {
    index.set(name, record);
    if (record.iana) index.set(record.iana, record);
  }
  return index;
}

/** Traits of one cipher, by OpenSSL name or IANA name (exact spelling). */
export function cipherTraits(cipherName: unknown): CipherTraits {
  const record = typeof cipherName === "string" ? CIPHERS.get(cipherName) : undefined;
  if (!record) return { forwardSecret: false, aead: false, known: false };
  return {
    forwardSecret: FORWARD_SECRET_KEY_EXCHANGES.has(record.keyExchange),
    aead: AEAD_ENCRYPTIONS.has(record.encryption),
    known: true,
  };
}

export function isTlsVersion(value: unknown): value is TlsVersion {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(VERSION_RANK, value);
}

/** Orders TLS versions: the higher the rank, the newer the version. */
export function tlsVersionRank(version: TlsVersion): number {
  return VERSION_RANK[version];
}

/** Looks a name up with exact, case-sensitive matching, as AWS does; never matches inherited keys. */
function lookup(table: TlsPolicyTable, name: unknown): TlsPolicyEntry | undefined {
  if (typeof name !== "string" || !Object.prototype.hasOwnProperty.call(table, name)) return undefined;
  return table[name];
}

/** The lowest protocol an entry accepts, as a TlsVersion (undefined when it is SSL or unknown). */
function lowestVersion(protocols: readonly string[]): TlsVersion | undefined {
  const ranked = protocols
    .filter((p) => p in PROTOCOL_RANK)
    .sort((a, b) => PROTOCOL_RANK[a] - PROTOCOL_RANK[b]);
  return ranked.length > 0 ? PROTOCOL_VERSION[ranked[0]] : undefined;
}

function protocolProblems(protocols: readonly string[], floor: TlsVersion): string[] {
  if (protocols.length === 0) return ["enables no protocol"];
  const problems: string[] = [];
  const unknown = protocols.filter((p) => !(p in PROTOCOL_RANK));
  if (unknown.length > 0) problems.push(`enables protocols this table does not know (${unknown.join(", ")})`);
  const below = protocols
    .filter((p) => p in PROTOCOL_RANK && PROTOCOL_RANK[p] < VERSION_RANK[floor])
    .sort((a, b) => PROTOCOL_RANK[a] - PROTOCOL_RANK[b])
    .map((p) => PROTOCOL_LABEL[p]);
  if (below.length > 0) problems.push(`accepts ${below.join(", ")} (below the TLS ${floor} floor)`);
  return problems;
}

/** The cipher records a profile accepts although they are not AEAD (by record, so both spellings match). */
const profileNonAead = new Map<TlsProfile, ReadonlySet<CipherRecord>>();

function acceptedNonAead(profile: TlsProfile): ReadonlySet<CipherRecord> {
  let set = profileNonAead.get(profile);
  if (!set) {
    set = new Set(profile.nonAeadCiphers.flatMap((n) => (CIPHERS.has(n) ? [CIPHERS.get(n)!] : [])));
    profileNonAead.set(profile, set);
  }
  return set;
}

/** Groups the non-AEAD ciphers the profile does not accept by what makes them so, for short sentences. */
function nonAeadProblems(ciphers: readonly string[], profile: TlsProfile): string[] {
  const groups = new Map<string, string[]>();
  const accepted = acceptedNonAead(profile);
  const rejected = ciphers.filter((name) => {
    const record = CIPHERS.get(name);
    return record !== undefined && !accepted.has(record);
  });
  for (const name of rejected) {
    const record = CIPHERS.get(name);
    if (!record || AEAD_ENCRYPTIONS.has(record.encryption)) continue;
    const kind = record.encryption.endsWith("CBC")
      ? record.encryption === "3DES-CBC"
        ? "3DES"
        : "CBC"
      : record.encryption;
    groups.set(kind, [...(groups.get(kind) ?? []), name]);
  }
  const problems = [...groups].map(([kind, names]) => `includes ${kind} ciphers (${names.join(", ")})`);
  const sha1 = rejected.filter(
    (name) => CIPHERS.get(name)?.mac === "SHA1" || CIPHERS.get(name)?.mac === "MD5",
  );
  if (sha1.length > 0) problems.push(`includes ciphers with SHA-1 or MD5 MACs (${sha1.join(", ")})`);
  return problems;
}

function cipherProblems(entry: TlsPolicyEntry, profile: TlsProfile): string[] {
  if (entry.ciphers === null) return undocumentedCipherProblems(entry, profile);
  if (entry.ciphers.length === 0) return ["enables no cipher"];
  const problems: string[] = [];
  const unknown = entry.ciphers.filter((c) => !cipherTraits(c).known);
  if (unknown.length > 0) problems.push(`includes ciphers this table does not know (${unknown.join(", ")})`);
  const notForwardSecret = entry.ciphers.filter(
    (c) => cipherTraits(c).known && !cipherTraits(c).forwardSecret,
  );
  if (profile.forwardSecrecy && notForwardSecret.length > 0) {
    problems.push(`includes ciphers without forward secrecy (${notForwardSecret.join(", ")})`);
  }
  return [...problems, ...nonAeadProblems(entry.ciphers, profile)];
}

/** Fail closed when AWS documents a policy's protocols but not its cipher suites. */
function undocumentedCipherProblems(entry: TlsPolicyEntry, profile: TlsProfile): string[] {
  const traits = entry.documentedTraits ?? {};
  const problems: string[] = [];
  if (profile.forwardSecrecy && traits.forwardSecret !== true)
    problems.push("AWS does not document that all its ciphers are forward-secret");
  if (traits.aead !== true)
    problems.push(
      profile.nonAeadCiphers.length === 0
        ? "AWS does not document that all its ciphers are AEAD (no CBC)"
        : `AWS does not document that all its ciphers are AEAD or one of ${profile.nonAeadCiphers.join(", ")}`,
    );
  return problems;
}

function profileOf(name: TlsProfileName | undefined): TlsProfile {
  return TLS_PROFILES[isTlsProfileName(name) ? name : DEFAULT_TLS_PROFILE];
}

/** The configured floor, raised to the profile's own minimum when that is higher. */
function effectiveFloor(floor: TlsVersion, profile: TlsProfile): TlsVersion {
  return VERSION_RANK[profile.minimumTlsVersion] > VERSION_RANK[floor] ? profile.minimumTlsVersion : floor;
}

/** The strength rule over one table entry under a profile: protocol floor, forward secrecy, AEAD. */
export function assessTlsPolicyEntry(
  entry: TlsPolicyEntry,
  minimumTlsVersion: TlsVersion,
  profileName: TlsProfileName = DEFAULT_TLS_PROFILE,
): string[] {
  const profile = profileOf(profileName);
  return [
    ...protocolProblems(entry.protocols, effectiveFloor(minimumTlsVersion, profile)),
    ...cipherProblems(entry, profile),
  ];
}

/** Strong names in a table for a floor and profile, TLS 1.3-only first, otherwise in table order. */
// The tables are static, so each (table, floor, profile) list is computed once, not on every resource analysed.
const strongNamesCache = new WeakMap<TlsPolicyTable, Map<string, readonly string[]>>();

function strongNames(
  table: TlsPolicyTable,
  minimumTlsVersion: TlsVersion,
  profile: TlsProfileName = DEFAULT_TLS_PROFILE,
  accepted?: readonly string[],
): string[] {
  let perKey = strongNamesCache.get(table);
  if (!perKey) strongNamesCache.set(table, (perKey = new Map()));
  const key = `${minimumTlsVersion} ${profile}`;
  let names = perKey.get(key);
  if (!names) perKey.set(key, (names = computeStrongNames(table, minimumTlsVersion, profile)));
  return accepted ? names.filter((n) => accepted.includes(n)) : [...names];
}

function computeStrongNames(
  table: TlsPolicyTable,
  minimumTlsVersion: TlsVersion,
  profile: TlsProfileName,
): string[] {
  const strong = Object.entries(table).filter(
    ([, e]) => assessTlsPolicyEntry(e, minimumTlsVersion, profile).length === 0,
  );
  const tls13Only = strong.filter(([, e]) => lowestVersion(e.protocols) === "1.3");
  const rest = strong.filter(([, e]) => lowestVersion(e.protocols) !== "1.3");
  return [...tls13Only, ...rest].map(([name]) => name);
}

function describeName(name: unknown): string {
  if (name === undefined || name === null) return "is not set";
  if (typeof name !== "string") return `is not a policy name (got ${typeof name})`;
  return `"${name}" is not a known policy name (names are case-sensitive)`;
}

/**
 * The strength of a policy name of one TLS service (`TLS_SERVICES`), from its data table, under a profile
 * (default `strict`). Unknown or unset names fail closed; retired names are known but never strong; a name
 * outside `options.accepted` (what AWS accepts for the endpoint at hand) is never strong either.
 */
export function assessTlsPolicy(
  service: TlsServiceName,
  name: unknown,
  minimumTlsVersion: TlsVersion = "1.2",
  options: TlsAssessOptions = {},
): TlsPolicyAssessment {
  const spec: TlsService = TLS_SERVICES[service];
  const floor = isTlsVersion(minimumTlsVersion) ? minimumTlsVersion : "1.2";
  const profile = isTlsProfileName(options.profile) ? options.profile : DEFAULT_TLS_PROFILE;
  const alternatives = strongNames(spec.policies, floor, profile, options.accepted);
  if (typeof name === "string" && spec.retired?.includes(name)) {
    return {
      known: true,
      strong: false,
      problems: [
        `"${name}" is a retired predefined policy whose protocols and ciphers AWS no longer documents`,
      ],
      alternatives,
    };
  }
  const entry = lookup(spec.policies, name);
  if (!entry) {
    return {
      known: false,
      strong: false,
      problems: [`the ${spec.label} security policy ${describeName(name)}`],
      alternatives,
    };
  }
  const problems = assessTlsPolicyEntry(entry, floor, profile);
  if (options.accepted && !options.accepted.includes(name as string))
    problems.push(`AWS does not accept "${String(name)}" for this endpoint`);
  if (!isTlsVersion(minimumTlsVersion))
    problems.push(`the floor "${String(minimumTlsVersion)}" is not a TLS version`);
  if (options.profile !== undefined && !isTlsProfileName(options.profile))
    problems.push(`the profile "${String(options.profile)}" is not a TLS profile`);
  return {
    known: true,
    strong: problems.length === 0,
    minVersion: lowestVersion(entry.protocols),
    problems,
    alternatives,
  };
}

/** Strong policies of one service for the given floor and profile, TLS 1.3-only first; used in messages and docs. */
export function strongTlsPolicies(
  service: TlsServiceName,
  minimumTlsVersion: TlsVersion = "1.2",
  options: TlsAssessOptions = {},
): string[] {
  return strongNames(TLS_SERVICES[service].policies, minimumTlsVersion, options.profile, options.accepted);
}

const MAX_LISTED = 6;

/** An assessment's strong alternatives for a message: at most six names, then how many more. */
export function listStrongAlternatives(a: TlsPolicyAssessment): string {
  const shown = a.alternatives.slice(0, MAX_LISTED).join(", ");
  const more = a.alternatives.length - MAX_LISTED;
  return a.alternatives.length === 0
    ? "none in the table meets the floor"
    : more > 0
      ? `${shown} (and ${more} more)`
      : shown;
}

/** ELB (ALB/NLB) security policy strength: `assessTlsPolicy("elb", …)`, as the components call it. */
export function assessElbSecurityPolicy(
  name: unknown,
  minimumTlsVersion: TlsVersion = "1.2",
  profile: TlsProfileName = DEFAULT_TLS_PROFILE,
): TlsPolicyAssessment {
  return assessTlsPolicy("elb", name, minimumTlsVersion, { profile });
}

/** Strong ELB policies for the given floor: `strongTlsPolicies("elb", …)`, as the components call it. */
export function strongElbSecurityPolicies(
  minimumTlsVersion: TlsVersion = "1.2",
  profile: TlsProfileName = DEFAULT_TLS_PROFILE,
): string[] {
  return strongTlsPolicies("elb", minimumTlsVersion, { profile });
}

/**
 * The one wording for an ELB security policy the components refuse (weak or unknown for the floor), or
 * undefined when it is strong. The fix lists every strong policy, so the operator can pick one.
 */
export function elbSecurityPolicyRefusal(
  name: unknown,
  minimumTlsVersion: TlsVersion = "1.2",
): Refusal | undefined {
  const assessment = assessElbSecurityPolicy(name, minimumTlsVersion);
  if (assessment.strong) return undefined;
  return {
    problem: assessment.known
      ? `is too weak: ${assessment.problems.join(" ")}`
      : "is not a known ELB security policy (unknown policies are refused)",
    fix: `use one of ${strongElbSecurityPolicies(minimumTlsVersion).join(", ")}`,
  };
}

interface ClassicAttribute {
  name: string;
  value: unknown;
}

function readAttributes(attributes: unknown): ClassicAttribute[] | undefined {
  if (!Array.isArray(attributes)) return undefined;
  const read: ClassicAttribute[] = [];
  for (const a of attributes) {
    if (typeof a !== "object" || a === null || typeof (a as { name?: unknown }).name !== "string")
      return undefined;
    read.push({ name: (a as { name: string }).name, value: (a as { value?: unknown }).value });
  }
  return read;
}

/** AWS reads attribute values as the strings "true"/"false"; Pulumi may pass booleans. Anything else is undefined. */
function attributeFlag(value: unknown): boolean | undefined {
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  return undefined;
}

/**
 * Classic ELB SSL negotiation attributes (`aws.elb.SslNegotiationPolicy.attributes`,
 * `aws.elb.LoadBalancerPolicy.policyAttributes`, `[{name, value}]`). A `Reference-Security-Policy` attribute is
 * assessed as a predefined policy; otherwise the enabled `Protocol-*` and cipher attributes are assessed directly,
 * and unknown names or values fail closed.
 */
export function assessClassicElbSslAttributes(
  attributes: unknown,
  minimumTlsVersion: TlsVersion = "1.2",
  profile: TlsProfileName = DEFAULT_TLS_PROFILE,
): TlsPolicyAssessment {
  const alternatives = strongNames(TLS_SERVICES.classicElb.policies, minimumTlsVersion, profile);
  const read = readAttributes(attributes);
  if (!read) {
    return {
      known: false,
      strong: false,
      problems: ["the SSL negotiation attributes are not a list of {name, value}"],
      alternatives,
    };
  }
  const reference = read.find((a) => a.name === classicData.referenceAttribute);
  if (reference) return assessTlsPolicy("classicElb", reference.value, minimumTlsVersion, { profile });
  return assessExplicitAttributes(read, minimumTlsVersion, alternatives, profile);
}

function assessExplicitAttributes(
  read: readonly ClassicAttribute[],
  minimumTlsVersion: TlsVersion,
  alternatives: string[],
  profile: TlsProfileName,
): TlsPolicyAssessment {
  const protocolNames: Record<string, string> = classicData.protocolAttributes;
  const options = new Set(classicData.options);
  const badValues = read.filter((a) => attributeFlag(a.value) === undefined).map((a) => a.name);
  const enabled = read.filter((a) => attributeFlag(a.value) === true && !options.has(a.name));
  const isProtocol = (a: ClassicAttribute) => a.name.startsWith("Protocol-");
  const unknownProtocols = enabled
    .filter((a) => isProtocol(a) && !(a.name in protocolNames))
    .map((a) => a.name);
  const entry: TlsPolicyEntry = {
    protocols: enabled
      .filter((a) => isProtocol(a) && a.name in protocolNames)
      .map((a) => protocolNames[a.name]),
    ciphers: enabled.filter((a) => !isProtocol(a)).map((a) => a.name),
  };
  const problems = [...assessTlsPolicyEntry(entry, minimumTlsVersion, profile)];
  if (unknownProtocols.length > 0)
    problems.push(`enables protocols this table does not know (${unknownProtocols.join(", ")})`);
  if (badValues.length > 0)
    problems.push(`has attributes whose value is not "true" or "false" (${badValues.join(", ")})`);
  const known = unknownProtocols.length === 0 && entry.ciphers!.every((c) => cipherTraits(c).known);
  return {
    known,
    strong: problems.length === 0,
    minVersion: lowestVersion(entry.protocols),
    problems,
    alternatives,
  };
}
