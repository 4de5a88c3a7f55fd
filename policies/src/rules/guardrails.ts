/**
 * The parameters of the runtime guardrails (AWS Config managed rules and a Network Access Analyzer scope),
 * computed from the same allowlist, TLS floor and profile, and retention rule the pack judges with, so
 * design time and runtime cannot drift. The rule identifiers are data (`data/config-rules.json`).
 */
import configRules from "../data/config-rules.json";
import { uncoveredPorts, type AllowlistEntry } from "./allowlist";
import { DEFAULT_ALLOWED_INGRESS } from "./defaults";
import { REQUIRED_FLOW_LOG_TRAFFIC_TYPE } from "./flow-logs";
import { PORT_MAX, PORT_MIN, type PortRange } from "./ports";
import { normalizeProtocol } from "./protocols";
import { REQUIRED_RETENTION_MODE } from "./retention";
import {
  DEFAULT_TLS_PROFILE,
  isTlsProfileName,
  isTlsVersion,
  strongTlsPolicies,
  type TlsProfileName,
  type TlsVersion,
} from "./tls";

export type ConfigRuleKey = keyof typeof configRules.rules;

/** One managed rule as the data records it. */
export interface ManagedConfigRule {
  identifier: string;
  parameters: readonly string[];
  resourceTypes: readonly string[];
  trigger: "configuration-changes" | "periodic" | "configuration-changes-and-periodic";
  /** A data service's encryption rule (the component can leave these out). */
  dataService?: boolean;
  /** Set where AWS offers the rule in some regions only (the source lists them). */
  regions?: string;
  source: string;
}

export const MANAGED_CONFIG_RULES = configRules.rules as Readonly<Record<ConfigRuleKey, ManagedConfigRule>>;

/** The keys of the managed rules, in table order. */
export const CONFIG_RULE_KEYS = Object.keys(MANAGED_CONFIG_RULES) as readonly ConfigRuleKey[];

export function isConfigRuleKey(value: unknown): value is ConfigRuleKey {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(MANAGED_CONFIG_RULES, value);
}

/** TCP ports the restricted-common-ports rule blocks unless allowlisted, in order (data). */
export const COMMON_TCP_PORTS: readonly number[] = configRules.commonTcpPorts;

/** How many ports RESTRICTED_INCOMING_TRAFFIC takes (blockedPort1..N). */
export const RESTRICTED_PORT_SLOTS: number = configRules.restrictedPortSlots;

/** The protocols a Network Access Analyzer packet header statement can name. */
export const ACCESS_SCOPE_PROTOCOLS: readonly string[] = configRules.accessScopeProtocols;

/** The TLS floor phi-tls-strong-policy applies when its config sets none. */
export const DEFAULT_MINIMUM_TLS_VERSION_FLOOR: TlsVersion = "1.2";

/** What the guardrails read from a pack config (`policies/config/*.json`), with the pack's defaults. */
export interface GuardrailSettings {
  allowedIngress: readonly string[];
  minimumTlsVersion: TlsVersion;
  tlsProfile: TlsProfileName;
}

/**
 * The settings the guardrails take from a pack config object: phi-ingress-allowlisted-ports'
 * `allowedIngress` and phi-tls-strong-policy's `minimumTlsVersion` and `tlsProfile`, each defaulting as
 * the pack does. Values are returned as written; the caller validates them.
 */
export function guardrailSettingsFrom(packConfig: unknown): {
  allowedIngress: unknown;
  minimumTlsVersion: unknown;
  tlsProfile: unknown;
} {
  const section = (name: string): Record<string, unknown> => {
    const value =
      packConfig !== null && typeof packConfig === "object"
        ? (packConfig as Record<string, unknown>)[name]
        : undefined;
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
  };
  const ingress = section("phi-ingress-allowlisted-ports");
  const tls = section("phi-tls-strong-policy");
  return {
    allowedIngress: ingress.allowedIngress ?? [...DEFAULT_ALLOWED_INGRESS],
    minimumTlsVersion: tls.minimumTlsVersion ?? DEFAULT_MINIMUM_TLS_VERSION_FLOOR,
    tlsProfile: tls.tlsProfile ?? DEFAULT_TLS_PROFILE,
  };
}

/** True when the settings are a valid TLS floor and profile (the allowlist is parsed separately). */
export function isGuardrailTls(floor: unknown, profile: unknown): boolean {
  return isTlsVersion(floor) && isTlsProfileName(profile);
}

/** Merges ranges that overlap or touch, sorted by start. */
function mergeRanges(ranges: readonly PortRange[]): PortRange[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  const merged: PortRange[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
    else merged.push({ ...r });
  }
  return merged;
}

function rangesOf(entries: readonly AllowlistEntry[], protocol: string): PortRange[] {
  const number = normalizeProtocol(protocol);
  if (!number || number.kind !== "number") return [];
  return mergeRanges(entries.filter((e) => e.protocol === number.number).map((e) => e.range));
}

/** A range as AWS Config and Network Access Analyzer write it: `443` or `1020-1025`. */
export function formatPortRange(r: PortRange): string {
  return r.from === r.to ? String(r.from) : `${r.from}-${r.to}`;
}

/**
 * VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS' `authorizedTcpPorts` / `authorizedUdpPorts`: the allowlist's
 * ranges for the protocol, merged, comma-separated ("443,1020-1025"); undefined when it allows none.
 */
export function authorizedPortsParameter(
  entries: readonly AllowlistEntry[],
  protocol: "tcp" | "udp",
): string | undefined {
  const ranges = rangesOf(entries, protocol);
  return ranges.length === 0 ? undefined : ranges.map(formatPortRange).join(",");
}

/** The common TCP ports the allowlist does not admit, in the data's order. */
export function blockedCommonPorts(entries: readonly AllowlistEntry[]): number[] {
  const allowed = rangesOf(entries, "tcp");
  return COMMON_TCP_PORTS.filter((p) => !allowed.some((r) => r.from <= p && p <= r.to));
}

/**
 * RESTRICTED_INCOMING_TRAFFIC's `blockedPort1..5`: the first five common ports not allowlisted. Every slot
 * is set, repeating the last port, because an unset slot takes AWS's default (e.g. 3306), which the
 * allowlist may admit. Undefined when the allowlist admits every common port.
 */
export function restrictedPortsParameters(
  entries: readonly AllowlistEntry[],
): Record<string, number> | undefined {
  const blocked = blockedCommonPorts(entries).slice(0, RESTRICTED_PORT_SLOTS);
  if (blocked.length === 0) return undefined;
  const params: Record<string, number> = {};
  for (let i = 0; i < RESTRICTED_PORT_SLOTS; i++) {
    params[`blockedPort${i + 1}`] = blocked[Math.min(i, blocked.length - 1)];
  }
  return params;
}

/**
 * The ports outside the allowlist for a protocol, as ranges from {@link PORT_MIN} to {@link PORT_MAX}
 * (port 0 carries no connection): what the Network Access Analyzer scope looks for.
 */
export function portsOutsideAllowlist(entries: readonly AllowlistEntry[], protocol: "tcp" | "udp"): string[] {
  return uncoveredPorts({ from: PORT_MIN, to: PORT_MAX }, rangesOf(entries, protocol)).map(formatPortRange);
}

/** One access-scope match path: a protocol and the destination ports outside the allowlist. */
export interface AccessScopePorts {
  protocol: "tcp" | "udp";
  destinationPorts: string[];
}

/** The scope's match paths: per protocol Network Access Analyzer can name, the ports outside the allowlist. */
export function accessScopePorts(entries: readonly AllowlistEntry[]): AccessScopePorts[] {
  return (ACCESS_SCOPE_PROTOCOLS as readonly ("tcp" | "udp")[])
    .map((protocol) => ({ protocol, destinationPorts: portsOutsideAllowlist(entries, protocol) }))
    .filter((p) => p.destinationPorts.length > 0);
}

/**
 * ELBV2_PREDEFINED_SECURITY_POLICY_SSL_CHECK's `sslPolicies`: every ELB policy strong under the floor and
 * profile (the rule takes a comma-separated list, so no single name has to be picked), TLS 1.3-only first.
 */
export function elbv2SslPoliciesParameter(floor: TlsVersion, profile: TlsProfileName): string {
  return strongTlsPolicies("elb", floor, { profile }).join(",");
}

/**
 * OPENSEARCH_HTTPS_REQUIRED's `tlsPolicies`: every OpenSearch policy strong under the floor and profile,
 * TLS 1.3-only first. Undefined when none is: the rule must then be left out, because without the list it
 * judges EnforceHTTPS alone and passes any policy.
 */
export function openSearchTlsPoliciesParameter(
  floor: TlsVersion,
  profile: TlsProfileName,
): string | undefined {
  const names = strongTlsPolicies("openSearch", floor, { profile });
  return names.length === 0 ? undefined : names.join(",");
}

/** S3_BUCKET_DEFAULT_LOCK_ENABLED's `mode`: the only retention mode the pack accepts. */
export const OBJECT_LOCK_MODE_PARAMETER = REQUIRED_RETENTION_MODE;

/** VPC_FLOW_LOGS_ENABLED's `trafficType`: the only traffic type phi-vpc-flow-logs accepts. */
export const FLOW_LOG_TRAFFIC_TYPE_PARAMETER = REQUIRED_FLOW_LOG_TRAFFIC_TYPE;
