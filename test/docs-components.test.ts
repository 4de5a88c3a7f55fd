import { readFileSync } from "node:fs";
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
import { DEFAULT_MUTUAL_TLS } from "../components/PhiChannel";
import { DEFAULT_ELB_SECURITY_POLICY } from "../policies/src/rules";

// The defaults a component applies, as its Args doc comments and docs/components-*.md state them. The
// code's value comes from its exported DEFAULT_* constant; the docs are read as text.
const ROOT = join(__dirname, "..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** `Default: X` in the doc comment right above `field?:`, with backticks and a trailing period removed. */
function commentDefault(source: string, field: string): string | undefined {
  const match = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*${field}\\?:`).exec(source);
  const text =
    match && /Default: (?:`([^`]+)`|(\S+?)\.?(?:\s|$))/.exec(match[1].replace(/\s*\n\s*\*\s*/g, " "));
  return text ? (text[1] ?? text[2]) : undefined;
}

/** The Default column of the docs table row whose Input cell is exactly `field`. */
function tableDefault(markdown: string, field: string): string | undefined {
  for (const line of markdown.split("\n")) {
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    if (cells[1] === `\`${field}\``) return cells[3].replace(/^`|`$/g, "");
  }
  return undefined;
}

/** The part of a docs page under the `## <component>` heading, up to the next `## `. */
function section(markdown: string, component: string): string {
  const start = markdown.indexOf(`\n## ${component} `);
  if (start < 0) throw new Error(`no "## ${component}" section`);
  const end = markdown.indexOf("\n## ", start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

describe("TlsLoadBalancer defaults: code, Args doc comments and docs/components-channel.md agree", () => {
  const source = read("components/TlsLoadBalancer.ts");
  const docs = section(read("docs/components-channel.md"), "TlsLoadBalancer");
  // How the docs write each value: strings quoted, except policy names.
  const defaults: Record<string, string> = {
    type: JSON.stringify(DEFAULT_LOAD_BALANCER_TYPE),
    listenerPort: String(DEFAULT_LISTENER_PORT),
    sslPolicy: DEFAULT_ELB_SECURITY_POLICY,
    minimumTlsVersion: JSON.stringify(DEFAULT_MINIMUM_TLS_VERSION),
    targetPort: String(DEFAULT_TARGET_PORT),
    targetType: JSON.stringify(DEFAULT_TARGET_TYPE),
    healthCheckPath: JSON.stringify(DEFAULT_HEALTH_CHECK_PATH),
    deletionProtection: String(DEFAULT_DELETION_PROTECTION),
  };
  test.each(Object.entries(defaults))("%s", (field, value) => {
    expect({ field, comment: commentDefault(source, field) }).toEqual({ field, comment: value });
    expect({ field, docs: tableDefault(docs, field) }).toEqual({ field, docs: value });
  });

  test("the readers find what is there, and nothing that is not", () => {
    expect(commentDefault("/** Port. Default: 443. */\n  listenerPort?: number;", "listenerPort")).toBe(
      "443",
    );
    expect(
      commentDefault("/** Port. Required. */\n  listenerPort?: number;", "listenerPort"),
    ).toBeUndefined();
    expect(tableDefault("| `a` | `number` | `443` | why |", "a")).toBe("443");
    expect(tableDefault("| `a`, `b` | `number` | 2 | why |", "a")).toBeUndefined();
  });
});

describe("PhiChannel defaults: code, Args doc comments and docs/components-channel.md agree", () => {
  const source = read("components/PhiChannel.ts");
  const docs = section(read("docs/components-channel.md"), "PhiChannel");
  const defaults: Record<string, string> = {
    loadBalancerType: JSON.stringify(DEFAULT_LOAD_BALANCER_TYPE),
    mutualTls: String(DEFAULT_MUTUAL_TLS),
    sslPolicy: DEFAULT_ELB_SECURITY_POLICY,
    targetPort: String(DEFAULT_TARGET_PORT),
    deletionProtection: String(DEFAULT_DELETION_PROTECTION),
  };
  test.each(Object.entries(defaults))("%s", (field, value) => {
    expect({ field, comment: commentDefault(source, field) }).toEqual({ field, comment: value });
    expect({ field, docs: tableDefault(docs, field) }).toEqual({ field, docs: value });
  });
});
