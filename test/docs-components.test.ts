import { readFileSync } from "node:fs";
import {
  DEFAULT_ALLOCATED_STORAGE_GB,
  DEFAULT_BACKUP_RETENTION_DAYS,
  DEFAULT_DATABASE_ALLOWED_INGRESS,
  DEFAULT_DATABASE_DELETION_PROTECTION,
  DEFAULT_DATABASE_ENGINE,
  DEFAULT_DATABASE_ENGINE_VERSION,
  DEFAULT_DATABASE_INSTANCE_CLASS,
  DEFAULT_DATABASE_NAME,
  DEFAULT_MASTER_USERNAME,
} from "../components/PrivateDatabase";
import { join } from "node:path";
import {
  DEFAULT_DELETION_PROTECTION,
  DEFAULT_HEALTH_CHECK_PATH,
  DEFAULT_LISTENER_PORT,
  DEFAULT_LOAD_BALANCER_TYPE,
  DEFAULT_MINIMUM_TLS_VERSION,
  DEFAULT_TARGET_PORT,
  DEFAULT_TARGET_TYPE,
} from "../components/TlsLoadBalancer";
import {
  DEFAULT_CHANNEL_CIDR,
  DEFAULT_MUTUAL_TLS,
  DEFAULT_RUNTIME_GUARDRAILS,
} from "../components/PhiChannel";
import {
  DEFAULT_ACCESS_SCOPE,
  DEFAULT_DATA_SERVICE_RULES,
  DEFAULT_RECORDING,
} from "../components/PhiRuntimeGuardrails";
import { DEFAULT_RETENTION_DAYS, DEFAULT_RETENTION_MODE } from "../components/ImmutableLogBucket";
import {
  DEFAULT_AVAILABILITY_ZONE_COUNT,
  DEFAULT_ENABLE_NAT_GATEWAY,
  DEFAULT_FLOW_LOG_RETENTION_DAYS,
  DEFAULT_INTERFACE_ENDPOINTS,
  DEFAULT_SUBNET_EXTRA_BITS,
  DEFAULT_VPC_CIDR,
} from "../components/PrivateNetwork";
import {
  DEFAULT_CA_ECDSA_CURVE,
  DEFAULT_CA_KEY_ALGORITHM,
  DEFAULT_CA_RSA_BITS,
  DEFAULT_CA_VALIDITY_HOURS,
  DEFAULT_EARLY_RENEWAL_HOURS,
  DEFAULT_ECDSA_CURVE,
  DEFAULT_KEY_ALGORITHM,
  DEFAULT_RSA_BITS,
  DEFAULT_SUBJECT_ORGANIZATION,
  DEFAULT_VALIDITY_HOURS,
} from "../components/InternalCertificate";
import {
  DEFAULT_ALLOWED_PUBLIC_CIDRS,
  DEFAULT_EGRESS,
  DEFAULT_SECURITY_GROUP_DESCRIPTION,
} from "../components/AllowlistedSecurityGroup";
import { DEFAULT_DATA_CLASSIFICATION } from "../components/tags";
import {
  DEFAULT_ALLOWED_INGRESS,
  DEFAULT_ELB_SECURITY_POLICY,
  DEFAULT_MINIMUM_RETENTION_DAYS,
} from "../policies/src/rules";

// The defaults a component applies, as its Args doc comments and docs/components-*.md state them. The
// code's value comes from its exported DEFAULT_* constant; the docs are read as text.
const ROOT = join(__dirname, "..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** The doc comment right above `field?:`, on one line ("" when there is none). */
function comment(source: string, field: string): string {
  const match = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*${field}\\?:`).exec(source);
  return match ? match[1].replace(/\s*\n\s*\*\s*/g, " ").trim() : "";
}

/** `Default: X` in the doc comment right above `field?:`, with backticks and a trailing period removed. */
function commentDefault(source: string, field: string): string | undefined {
  const text = /Default: (?:`([^`]+)`|(\S+?)\.?(?:\s|$))/.exec(comment(source, field));
  return text ? (text[1] ?? text[2]) : undefined;
}

/** The whole Default cell of the docs table row whose Input cell is exactly `field`. */
function tableCell(markdown: string, field: string): string | undefined {
  for (const line of markdown.split("\n")) {
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    if (cells[1] === `\`${field}\``) return cells[3];
  }
  return undefined;
}

/**
 * The Default of the docs table row whose Input cell is exactly `field`: the cell's leading code span
 * when it starts with one (`` `2` (minimum 2) `` is 2), else the whole cell.
 */
function tableDefault(markdown: string, field: string): string | undefined {
  const cell = tableCell(markdown, field);
  return cell === undefined ? undefined : (/^`([^`]+)`/.exec(cell)?.[1] ?? cell);
}

/** The part of a docs page under the `## <component>` heading, up to the next `## `. */
function section(markdown: string, component: string): string {
  const start = markdown.indexOf(`\n## ${component} `);
  if (start < 0) throw new Error(`no "## ${component}" section`);
  const end = markdown.indexOf("\n## ", start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

/** How the docs and comments write a value: as JSON (strings quoted, lists in brackets). */
const shown = (value: unknown) => JSON.stringify(value);

/** Each field's default in the code agrees with its Args doc comment and its docs table row. */
function agree(sourceFile: string, docsFile: string, component: string, defaults: Record<string, string>) {
  const source = read(sourceFile);
  const docs = section(read(docsFile), component);
  test.each(Object.entries(defaults))("%s", (field, value) => {
    expect({ field, comment: commentDefault(source, field) }).toEqual({ field, comment: value });
    expect({ field, docs: tableDefault(docs, field) }).toEqual({ field, docs: value });
  });
}

describe("TlsLoadBalancer defaults: code, Args doc comments and docs/components-channel.md agree", () => {
  // Policy names are written without quotes.
  agree("components/TlsLoadBalancer.ts", "docs/components-channel.md", "TlsLoadBalancer", {
    type: shown(DEFAULT_LOAD_BALANCER_TYPE),
    listenerPort: shown(DEFAULT_LISTENER_PORT),
    sslPolicy: DEFAULT_ELB_SECURITY_POLICY,
    minimumTlsVersion: shown(DEFAULT_MINIMUM_TLS_VERSION),
    targetPort: shown(DEFAULT_TARGET_PORT),
    targetType: shown(DEFAULT_TARGET_TYPE),
    healthCheckPath: shown(DEFAULT_HEALTH_CHECK_PATH),
    deletionProtection: shown(DEFAULT_DELETION_PROTECTION),
  });

  test("the readers find what is there, and nothing that is not", () => {
    expect(commentDefault("/** Port. Default: 443. */\n  listenerPort?: number;", "listenerPort")).toBe(
      "443",
    );
    expect(
      commentDefault("/** Port. Required. */\n  listenerPort?: number;", "listenerPort"),
    ).toBeUndefined();
    expect(tableDefault("| `a` | `number` | `443` | why |", "a")).toBe("443");
    expect(tableDefault("| `a` | `number` | `2` (minimum 2) | why |", "a")).toBe("2");
    expect(tableDefault("| `a` | `number` | 2190 | why |", "a")).toBe("2190");
    expect(tableDefault("| `a`, `b` | `number` | 2 | why |", "a")).toBeUndefined();
  });
});

describe("PhiChannel defaults: code, Args doc comments and docs/components-channel.md agree", () => {
  agree("components/PhiChannel.ts", "docs/components-channel.md", "PhiChannel", {
    allowedIngress: shown(DEFAULT_ALLOWED_INGRESS),
    retentionDays: shown(DEFAULT_MINIMUM_RETENTION_DAYS),
    minimumRetentionDays: shown(DEFAULT_MINIMUM_RETENTION_DAYS),
    loadBalancerType: shown(DEFAULT_LOAD_BALANCER_TYPE),
    mutualTls: shown(DEFAULT_MUTUAL_TLS),
    sslPolicy: DEFAULT_ELB_SECURITY_POLICY,
    targetPort: shown(DEFAULT_TARGET_PORT),
    deletionProtection: shown(DEFAULT_DELETION_PROTECTION),
    dataClassification: shown(DEFAULT_DATA_CLASSIFICATION),
    runtimeGuardrails: shown(DEFAULT_RUNTIME_GUARDRAILS),
  });

  test("network: a new PrivateNetwork on the default block", () => {
    expect(comment(read("components/PhiChannel.ts"), "network")).toContain(
      `Default: a new PrivateNetwork with CIDR ${DEFAULT_CHANNEL_CIDR}`,
    );
    const docs = section(read("docs/components-channel.md"), "PhiChannel");
    expect(tableCell(docs, "network")).toBe(`new \`PrivateNetwork\`, \`${DEFAULT_CHANNEL_CIDR}\``);
  });
});

describe("PhiRuntimeGuardrails defaults: code, Args doc comments and docs/components-channel.md agree", () => {
  agree("components/PhiRuntimeGuardrails.ts", "docs/components-channel.md", "PhiRuntimeGuardrails", {
    dataServiceRules: shown(DEFAULT_DATA_SERVICE_RULES),
    accessScope: shown(DEFAULT_ACCESS_SCOPE),
    // createRecorder's own table.
    recording: shown(DEFAULT_RECORDING),
  });

  test("the guardrails are off unless asked for, and complete when on", () => {
    expect(DEFAULT_RUNTIME_GUARDRAILS).toBe(false);
    expect([DEFAULT_DATA_SERVICE_RULES, DEFAULT_ACCESS_SCOPE]).toEqual([true, true]);
  });
});

const STORAGE_DOCS = "docs/components-storage-network-tls.md";

describe(`ImmutableLogBucket defaults: code, Args doc comments and ${STORAGE_DOCS} agree`, () => {
  agree("components/ImmutableLogBucket.ts", STORAGE_DOCS, "ImmutableLogBucket", {
    retentionDays: shown(DEFAULT_RETENTION_DAYS),
    minimumRetentionDays: shown(DEFAULT_MINIMUM_RETENTION_DAYS),
    retentionMode: shown(DEFAULT_RETENTION_MODE),
  });
});

describe(`PrivateNetwork defaults: code, Args doc comments and ${STORAGE_DOCS} agree`, () => {
  agree("components/PrivateNetwork.ts", STORAGE_DOCS, "PrivateNetwork", {
    cidrBlock: shown(DEFAULT_VPC_CIDR),
    availabilityZoneCount: shown(DEFAULT_AVAILABILITY_ZONE_COUNT),
    enableNatGateway: shown(DEFAULT_ENABLE_NAT_GATEWAY),
    interfaceEndpoints: shown(DEFAULT_INTERFACE_ENDPOINTS),
    flowLogRetentionDays: shown(DEFAULT_FLOW_LOG_RETENTION_DAYS),
    minimumRetentionDays: shown(DEFAULT_MINIMUM_RETENTION_DAYS),
  });

  test("subnetPrefixLength: the VPC prefix plus DEFAULT_SUBNET_EXTRA_BITS", () => {
    const stated = `VPC prefix + ${DEFAULT_SUBNET_EXTRA_BITS}`;
    expect(comment(read("components/PrivateNetwork.ts"), "subnetPrefixLength")).toContain(
      `Default: ${stated} `,
    );
    const docs = section(read(STORAGE_DOCS), "PrivateNetwork");
    expect(tableCell(docs, "subnetPrefixLength")).toMatch(new RegExp(`^${stated.replace("+", "\\+")} `));
  });
});

describe(`InternalCertificate defaults: code, Args doc comments and ${STORAGE_DOCS} agree`, () => {
  agree("components/InternalCertificate.ts", STORAGE_DOCS, "InternalCertificate", {
    keyAlgorithm: shown(DEFAULT_KEY_ALGORITHM),
    ecdsaCurve: shown(DEFAULT_ECDSA_CURVE),
    rsaBits: shown(DEFAULT_RSA_BITS),
    caKeyAlgorithm: shown(DEFAULT_CA_KEY_ALGORITHM),
    caEcdsaCurve: shown(DEFAULT_CA_ECDSA_CURVE),
    caRsaBits: shown(DEFAULT_CA_RSA_BITS),
    validityHours: shown(DEFAULT_VALIDITY_HOURS),
    earlyRenewalHours: shown(DEFAULT_EARLY_RENEWAL_HOURS),
    caValidityHours: shown(DEFAULT_CA_VALIDITY_HOURS),
  });

  test("subject: the default organization and dnsNames[0]", () => {
    const stated = `organization \`${shown(DEFAULT_SUBJECT_ORGANIZATION)}\`, common name \`dnsNames[0]\``;
    expect(comment(read("components/InternalCertificate.ts"), "subject")).toContain(`Default: ${stated}`);
    const docs = section(read(STORAGE_DOCS), "InternalCertificate");
    expect(tableCell(docs, "subject")).toBe(stated);
  });
});

describe("AllowlistedSecurityGroup defaults: code, Args doc comments and docs/components-channel.md agree", () => {
  agree("components/AllowlistedSecurityGroup.ts", "docs/components-channel.md", "AllowlistedSecurityGroup", {
    egress: shown(DEFAULT_EGRESS),
    allowedIngress: shown(DEFAULT_ALLOWED_INGRESS),
    allowedPublicCidrs: shown(DEFAULT_ALLOWED_PUBLIC_CIDRS),
    description: shown(DEFAULT_SECURITY_GROUP_DESCRIPTION),
    dataClassification: shown(DEFAULT_DATA_CLASSIFICATION),
  });
});

describe("PrivateDatabase defaults: code, Args doc comments and docs/components-database.md agree", () => {
  agree("components/PrivateDatabase.ts", "docs/components-database.md", "PrivateDatabase", {
    allowedIngress: shown(DEFAULT_DATABASE_ALLOWED_INGRESS),
    engine: shown(DEFAULT_DATABASE_ENGINE),
    engineVersion: shown(DEFAULT_DATABASE_ENGINE_VERSION),
    instanceClass: shown(DEFAULT_DATABASE_INSTANCE_CLASS),
    allocatedStorageGb: shown(DEFAULT_ALLOCATED_STORAGE_GB),
    backupRetentionDays: shown(DEFAULT_BACKUP_RETENTION_DAYS),
    databaseName: shown(DEFAULT_DATABASE_NAME),
    masterUsername: shown(DEFAULT_MASTER_USERNAME),
    deletionProtection: shown(DEFAULT_DATABASE_DELETION_PROTECTION),
  });
});

// The comparisons above read the expected values from the code; these pin the key defaults themselves, so
// a wrong default fails even when code, comments and docs agree on it.
describe("the key defaults, written down", () => {
  test("database: tcp/5432 only, 35 days of backups, deletion protection on", () => {
    expect(DEFAULT_DATABASE_ALLOWED_INGRESS).toEqual(["tcp/5432"]);
    expect(DEFAULT_BACKUP_RETENTION_DAYS).toBe(35);
    expect(DEFAULT_DATABASE_DELETION_PROTECTION).toBe(true);
  });

  test("retention: six years (HIPAA 164.316(b)(2)(i)), everywhere", () => {
    expect(DEFAULT_MINIMUM_RETENTION_DAYS).toBe(2190);
    expect(DEFAULT_RETENTION_DAYS).toBe(2190);
    expect(DEFAULT_FLOW_LOG_RETENTION_DAYS).toBe(2190);
    expect(DEFAULT_RETENTION_MODE).toBe("COMPLIANCE");
  });

  test("network: a private /16 over two Availability Zones, no NAT, no interface endpoints", () => {
    expect(DEFAULT_VPC_CIDR).toBe("10.0.0.0/16");
    expect(DEFAULT_CHANNEL_CIDR).toBe("10.0.0.0/16");
    expect(DEFAULT_AVAILABILITY_ZONE_COUNT).toBe(2);
    expect(DEFAULT_SUBNET_EXTRA_BITS).toBe(4);
    expect(DEFAULT_ENABLE_NAT_GATEWAY).toBe(false);
    expect(DEFAULT_INTERFACE_ENDPOINTS).toEqual([]);
  });

  test("certificates: ECDSA P-256 leaves for a year under a P-384 CA", () => {
    expect([DEFAULT_KEY_ALGORITHM, DEFAULT_ECDSA_CURVE, DEFAULT_RSA_BITS]).toEqual(["ECDSA", "P256", 2048]);
    expect([DEFAULT_CA_KEY_ALGORITHM, DEFAULT_CA_ECDSA_CURVE, DEFAULT_CA_RSA_BITS]).toEqual([
      "ECDSA",
      "P384",
      3072,
    ]);
    expect([DEFAULT_VALIDITY_HOURS, DEFAULT_EARLY_RENEWAL_HOURS, DEFAULT_CA_VALIDITY_HOURS]).toEqual([
      8760, 720, 43800,
    ]);
  });

  test("channel: HTTPS only on 443, TLS 1.3 policy, no egress unless declared, PHI classification", () => {
    expect(DEFAULT_ALLOWED_INGRESS).toEqual(["tcp/443"]);
    expect(DEFAULT_LISTENER_PORT).toBe(443);
    expect(DEFAULT_TARGET_PORT).toBe(443);
    expect(DEFAULT_ELB_SECURITY_POLICY).toBe("ELBSecurityPolicy-TLS13-1-3-2021-06");
    expect(DEFAULT_MINIMUM_TLS_VERSION).toBe("1.2");
    expect(DEFAULT_DELETION_PROTECTION).toBe(true);
    expect(DEFAULT_MUTUAL_TLS).toBe(false);
    expect(DEFAULT_EGRESS).toEqual([]);
    expect(DEFAULT_ALLOWED_PUBLIC_CIDRS).toEqual([]);
    expect(DEFAULT_DATA_CLASSIFICATION).toBe("phi");
  });
});
