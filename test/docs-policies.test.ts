/**
 * The docs' policy tables against the pack itself, so they cannot drift: every option default of every
 * policy's configSchema appears, with that default, in docs/policies.md and in README's "Configuration
 * options" table (a row for "every policy" stands for all of them), and docs/policies.md lists every
 * policy with its level and HIPAA reference.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { configSchemas, policies } from "../policies/src/policies";

const ROOT = path.join(__dirname, "..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

/** The rows of the first Markdown table whose header starts with `header`, as cells keyed by column. */
function tableRows(markdown: string, header: string[]): Record<string, string>[] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => {
    const cells = splitRow(l);
    return header.every((h, i) => cells[i] === h);
  });
  if (start < 0) throw new Error(`no table with columns ${header.join(", ")}`);
  const columns = splitRow(lines[start]);
  const rows: Record<string, string>[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    const cells = splitRow(line);
    rows.push(Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? ""])));
  }
  return rows;
}

function splitRow(line: string): string[] {
  if (!line.startsWith("|")) return [];
  return line
    .slice(1, line.trimEnd().endsWith("|") ? line.trimEnd().length - 1 : undefined)
    .split("|")
    .map((c) => c.trim());
}

/** The first `code` span of a cell, without its backticks. */
function code(cell: string): string {
  const m = /`([^`]*)`/.exec(cell);
  if (!m) throw new Error(`no code span in table cell "${cell}"`);
  return m[1];
}

type Defaults = Record<string, Record<string, unknown>>;

/** What the pack serves: each policy's options and their defaults. */
function servedDefaults(): Defaults {
  return Object.fromEntries(
    policies.map((p) => {
      const props = (configSchemas[p.name]?.properties ?? {}) as Record<string, { default?: unknown }>;
      return [p.name, Object.fromEntries(Object.entries(props).map(([option, s]) => [option, s.default]))];
    }),
  );
}

/** What a docs table says, with "every policy" rows given to each policy. */
function documentedDefaults(rows: Record<string, string>[]): Defaults {
  const out: Defaults = Object.fromEntries(policies.map((p) => [p.name, {}]));
  for (const row of rows) {
    const option = code(row.Option);
    const value: unknown = JSON.parse(code(row.Default));
    const targets = row.Policy === "every policy" ? policies.map((p) => p.name) : [code(row.Policy)];
    for (const policy of targets) {
      if (!out[policy]) throw new Error(`the docs name a policy the pack does not have: ${policy}`);
      if (option in out[policy]) throw new Error(`${policy}.${option} is documented twice`);
      out[policy][option] = value;
    }
  }
  return out;
}

describe("docs agree with the pack", () => {
  it("docs/policies.md: every option and its default", () => {
    const rows = tableRows(read("docs/policies.md"), ["Policy", "Option", "Type", "Default"]);
    expect(rows.length).toBeGreaterThan(0);
    expect(documentedDefaults(rows)).toEqual(servedDefaults());
  });

  it('README.md "Configuration options": every option and its default', () => {
    const rows = tableRows(read("README.md"), ["Policy", "Option", "Default", "Meaning"]);
    expect(rows.length).toBeGreaterThan(0);
    expect(documentedDefaults(rows)).toEqual(servedDefaults());
  });

  it("docs/policies.md: every policy once, in serving order, with its level and HIPAA reference", () => {
    const rows = tableRows(read("docs/policies.md"), ["Policy", "HIPAA", "Level", "Kind"]);
    const documented = rows.map((r) => ({
      name: code(r.Policy),
      level: r.Level.replace(/\*/g, ""),
      reference: /§164\.312(\([a-z0-9]+\))+/.exec(r.HIPAA)?.[0],
    }));
    const served = policies.map((p) => ({
      name: p.name,
      level: p.enforcementLevel ?? "mandatory",
      reference: p.framework?.reference,
    }));
    expect(documented).toEqual(served);
  });
});
