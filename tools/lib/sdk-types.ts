/**
 * Reads the shape of a data source's result (or a resource's outputs) from the provider SDK's own
 * TypeScript declarations, so that the mocks' generic answer has every field the program may read: a
 * program doing `(await aws.ec2.getSubnets(...)).ids.map(...)` must not crash offline on a field no mock
 * answered. Only required (non-optional) fields are filled; what the SDK marks optional stays absent.
 *
 * The declarations Pulumi generates are regular (`readonly name?: type;`, one interface per data source,
 * nested types in `types/output.d.ts` namespaces), so a small reader suffices; anything it does not
 * understand is left out rather than guessed.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** A field type as written in the declarations. */
export interface FieldDecl {
  name: string;
  optional: boolean;
  type: string;
}

const packageDirs = new Map<string, string | undefined>();
const fileCache = new Map<string, string | undefined>();

function packageDir(pkg: string, from: string[]): string | undefined {
  const key = `${pkg}\0${from.join("\0")}`;
  if (packageDirs.has(key)) return packageDirs.get(key);
  let dir: string | undefined;
  for (const base of from) {
    try {
      dir = path.dirname(require.resolve(`@pulumi/${pkg}/package.json`, { paths: [base] }));
      break;
    } catch {
      // Not installed there: try the next base.
    }
  }
  packageDirs.set(key, dir);
  return dir;
}

function read(file: string): string | undefined {
  if (!fileCache.has(file)) {
    let text: string | undefined;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      text = undefined;
    }
    fileCache.set(file, text);
  }
  return fileCache.get(file);
}

/** The `{ ... }` body starting at the brace at `open` (exclusive of the braces). */
function body(text: string, open: number): string | undefined {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return text.slice(open + 1, i);
  }
  return undefined;
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

/** Top-level members of an interface or class body: `readonly? name?!: type;` (methods skipped). */
export function parseMembers(bodyText: string): FieldDecl[] {
  const text = stripComments(bodyText);
  const out: FieldDecl[] = [];
  let i = 0;
  const member = /\s*(?:(?:readonly|static|private|protected|public)\s+)*([A-Za-z_$][\w$]*)\s*([?!]?)\s*:/y;
  while (i < text.length) {
    member.lastIndex = i;
    const m = member.exec(text);
    // Read to the `;` that ends this member, at bracket depth 0.
    let depth = 0;
    let j = m ? member.lastIndex : i;
    const start = j;
    for (; j < text.length; j++) {
      const c = text[j];
      if (c === "{" || c === "(" || c === "[" || c === "<") depth++;
      else if (c === "}" || c === ")" || c === "]" || (c === ">" && text[j - 1] !== "=")) depth--;
      else if (c === ";" && depth <= 0) break;
    }
    if (m) out.push({ name: m[1], optional: m[2] === "?", type: text.slice(start, j).trim() });
    i = j + 1;
  }
  return out;
}

/** Token `pkg:module/file:Name` (or `pkg:module:Name`) → package, module directory and file name. */
function splitToken(
  token: string,
): { pkg: string; module: string; file: string; member: string } | undefined {
  const parts = token.split(":");
  if (parts.length !== 3) return undefined;
  const [pkg, mod, member] = parts;
  const [module, file] = mod.includes("/")
    ? mod.split("/")
    : [mod, member.charAt(0).toLowerCase() + member.slice(1)];
  return { pkg, module: module === "index" ? "" : module, file, member };
}

function interfaceIn(text: string, name: string, from = 0): string | undefined {
  const re = new RegExp(`\\binterface ${name}\\s*\\{`, "g");
  re.lastIndex = from;
  const m = re.exec(text);
  return m ? body(text, m.index + m[0].length - 1) : undefined;
}

/** Required and optional fields of a data source's result type, e.g. `GetSubnetsResult`. */
export function invokeResultFields(token: string, from: string[]): FieldDecl[] | undefined {
  const t = splitToken(token);
  if (!t) return undefined;
  const dir = packageDir(t.pkg, from);
  if (!dir) return undefined;
  const text = read(path.join(dir, t.module, `${t.file}.d.ts`));
  if (!text) return undefined;
  const name = `${t.member.charAt(0).toUpperCase()}${t.member.slice(1)}Result`;
  const b = interfaceIn(text, name);
  return b === undefined ? undefined : parseMembers(b);
}

/** Output properties of a resource class, e.g. `Instance` in `ec2/instance.d.ts`. */
export function resourceOutputFields(type: string, from: string[]): FieldDecl[] | undefined {
  const t = splitToken(type);
  if (!t) return undefined;
  const dir = packageDir(t.pkg, from);
  if (!dir) return undefined;
  const text = read(path.join(dir, t.module, `${t.file}.d.ts`));
  if (!text) return undefined;
  const m = new RegExp(`export declare class ${t.member}\\b[^{]*\\{`).exec(text);
  if (!m) return undefined;
  const b = body(text, m.index + m[0].length - 1);
  return b === undefined ? undefined : parseMembers(b).filter((f) => /^pulumi\.Output</.test(f.type));
}

/** Fields of a nested output type `outputs.<ns>.<Name>` from the package's types/output.d.ts. */
export function outputTypeFields(pkg: string, ref: string, from: string[]): FieldDecl[] | undefined {
  const m = /^outputs\.(\w+)\.(\w+)$/.exec(ref);
  if (!m) return undefined;
  const dir = packageDir(pkg, from);
  if (!dir) return undefined;
  const text = read(path.join(dir, "types", "output.d.ts"));
  if (!text) return undefined;
  const ns = text.indexOf(`export declare namespace ${m[1]} {`);
  if (ns < 0) return undefined;
  const b = interfaceIn(text, m[2], ns);
  return b === undefined ? undefined : parseMembers(b);
}
