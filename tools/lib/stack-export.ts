/**
 * The output of `pulumi stack export` (apitype.UntypedDeployment, pulumi/pulumi sdk/go/common/apitype and
 * sdk/pkg/resource/stack/deployment.go): `{version, features?, deployment: {manifest, secrets_providers,
 * resources: [ResourceV3…], pending_operations}}`, read into the resources a review sends to the pack, with
 * property values in the engine's wire form for analyzers.
 *
 * Supported: deployment versions 3 (what the CLI writes) and 4 (written when a resource uses a feature; the
 * features accepted are those the CLI's own reader accepts, none of which changes how properties are
 * encoded). Versions 1 and 2 are pre-2019 formats no current CLI writes. Property values as the CLI writes
 * them: the computed placeholder (an unknown), secrets (`{sig, ciphertext}`, or `{sig, plaintext}` with
 * `--show-secrets`, the plaintext being the value's JSON), resource references (downgraded to the id, or the
 * URN of a component, as the engine sends them to analyzers), assets and archives.
 *
 * Every refusal is a StackExportError naming the file, the place in it, what is wrong and the fix; values
 * are never quoted (an export holds secrets).
 */
import { RESOURCE_SIG, SECRET_SIG, SPECIAL_SIG_KEY, UNKNOWN_SENTINEL } from "./analyzer-wire";

/** Deployment format versions this reader understands. */
export const SUPPORTED_DEPLOYMENT_VERSIONS: readonly number[] = [3, 4];
/** Version 4 features the Pulumi CLI's reader accepts; none changes the encoding of property values. */
export const SUPPORTED_FEATURES: readonly string[] = ["refreshBeforeUpdate", "views", "hooks", "taint"];

const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
const EXPORT_FIX = "Fix: pass the file written by `pulumi stack export --stack <stack> --file state.json`.";

export class StackExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackExportError";
  }
}

export interface ExportedResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  id?: string;
  /** Parent URN, "" for the stack resource. */
  parent: string;
  /** Provider reference `urn::id`, absent for components and the stack. */
  provider?: string;
  protect: boolean;
  external: boolean;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  additionalSecretOutputs: string[];
  ignoreChanges: string[];
  aliases: string[];
  /** Wire form: unknown sentinel, secret signature objects (ciphertext: a secret of an unknown value). */
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  /** Property paths (`a.b[0]`) whose value is ciphertext, in inputs and outputs. */
  encryptedInputs: string[];
  encryptedOutputs: string[];
}

export interface PendingOperation {
  urn: string;
  type: string;
  name: string;
  /** creating, updating, deleting or reading. */
  operation: string;
}

export interface StackExport {
  deploymentVersion: number;
  features: string[];
  project: string;
  stack: string;
  manifest: { time?: string; version?: string };
  secretsProvider?: string;
  /** Every resource not marked for deletion, in the export's order. */
  resources: ExportedResource[];
  /** Resources marked `delete: true` (replaced, awaiting deletion): not analysed, as the engine skips them. */
  pendingDeletion: number;
  /** Operations the engine started and never finished: the state of those resources is not known. */
  pendingOperations: PendingOperation[];
  /** How the export holds secrets. */
  secrets: "encrypted" | "plaintext" | "none";
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const kind = (v: unknown) =>
  v === undefined
    ? "missing"
    : v === null
      ? "null"
      : Array.isArray(v)
        ? "an array"
        : typeof v === "object"
          ? "an object"
          : `a ${typeof v}`;

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>`. */
function parseUrnParts(
  urn: string,
): { stack: string; project: string; type: string; name: string } | undefined {
  if (!urn.startsWith("urn:pulumi:")) return undefined;
  const parts = urn.slice("urn:pulumi:".length).split("::");
  if (parts.length < 4 || parts[0] === "" || parts[1] === "" || parts[2] === "") return undefined;
  const [stack, project, qualifiedType, ...rest] = parts;
  const segments = qualifiedType.split("$");
  const name = rest.join("::");
  if (name === "") return undefined;
  return { stack, project, type: segments[segments.length - 1], name };
}

/** `a.b[0].c`, as the other tools print property paths. */
function join(prefix: string, key: string | number): string {
  return typeof key === "number" ? `${prefix}[${key}]` : prefix ? `${prefix}.${key}` : key;
}

interface Walk {
  file: string;
  /** Where in the file, for messages: `deployment.resources[3].outputs`. */
  at: string;
  encrypted: string[];
  secrets: { encrypted: boolean; plaintext: boolean };
}

/** A state property value → the engine's wire form for analyzers. */
function toWire(value: unknown, path: string, w: Walk): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v, i) => toWire(v, join(path, i), w));
  const sig = (value as Obj)[SPECIAL_SIG_KEY];
  if (sig === undefined) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value as Obj)) out[k] = toWire(v, join(path, k), w);
    return out;
  }
  const where = `${w.file}: ${w.at}.${path}`;
  switch (sig) {
    case SECRET_SIG: {
      const { ciphertext, plaintext } = value as { ciphertext?: unknown; plaintext?: unknown };
      const hasCipher = typeof ciphertext === "string" && ciphertext !== "";
      const hasPlain = typeof plaintext === "string" && plaintext !== "";
      if (hasCipher === hasPlain) {
        throw new StackExportError(
          `${where}: malformed secret value: exactly one of "ciphertext" or "plaintext" must be a non-empty string, ` +
            `as \`pulumi stack export\` writes it. Fix: export the stack again; do not edit secrets by hand.`,
        );
      }
      if (hasCipher) {
        // Not decryptable here: a secret whose value is unknown, so a policy reading it cannot decide.
        w.secrets.encrypted = true;
        w.encrypted.push(path || "<root>");
        return { [SPECIAL_SIG_KEY]: SECRET_SIG, value: UNKNOWN_SENTINEL };
      }
      w.secrets.plaintext = true;
      let inner: unknown;
      try {
        inner = JSON.parse(plaintext as string);
      } catch {
        // The parser's message would quote the secret.
        throw new StackExportError(
          `${where}: the secret's "plaintext" is not JSON (\`pulumi stack export --show-secrets\` writes the value's JSON). ` +
            `Fix: export the stack again; do not edit secrets by hand.`,
        );
      }
      return { [SPECIAL_SIG_KEY]: SECRET_SIG, value: toWire(inner, path, w) };
    }
    case RESOURCE_SIG: {
      const { urn, id } = value as { urn?: unknown; id?: unknown };
      if (typeof urn !== "string" || !parseUrnParts(urn)) {
        throw new StackExportError(`${where}: a resource reference without a valid "urn". ${EXPORT_FIX}`);
      }
      // As the engine marshals analyzer properties: the id of a custom resource, the URN of a component.
      return typeof id === "string" && id !== "" ? id : urn;
    }
    case ASSET_SIG:
    case ARCHIVE_SIG: {
      const out: Obj = {};
      for (const [k, v] of Object.entries(value as Obj)) out[k] = toWire(v, join(path, k), w);
      return out;
    }
    default:
      throw new StackExportError(
        `${where}: unrecognised value signature ${JSON.stringify(String(sig).slice(0, 40))} (the CLI writes secrets, ` +
          `resource references, assets and archives; output values only with the outputDependencies feature, which this ` +
          `reader does not support). ${EXPORT_FIX}`,
      );
  }
}

function properties(value: unknown, field: string, w: Walk): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isObj(value)) {
    throw new StackExportError(
      `${w.file}: ${w.at}.${field} is ${kind(value)}; expected an object. ${EXPORT_FIX}`,
    );
  }
  const at = w.at;
  w.at = `${at}.${field}`;
  try {
    return toWire(value, "", w) as Record<string, unknown>;
  } finally {
    w.at = at;
  }
}

function strings(r: Obj, field: string, at: string, file: string): string[] {
  const v = r[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
    throw new StackExportError(
      `${file}: ${at}.${field} is ${kind(v)}; expected an array of strings. ${EXPORT_FIX}`,
    );
  }
  return v as string[];
}

function optionalString(r: Obj, field: string, at: string, file: string): string | undefined {
  const v = r[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") {
    throw new StackExportError(`${file}: ${at}.${field} is ${kind(v)}; expected a string. ${EXPORT_FIX}`);
  }
  return v;
}

function bool(r: Obj, field: string, at: string, file: string): boolean {
  const v = r[field];
  if (v === undefined || v === null) return false;
  if (typeof v !== "boolean") {
    throw new StackExportError(
      `${file}: ${at}.${field} is ${kind(v)}; expected true or false. ${EXPORT_FIX}`,
    );
  }
  return v;
}

/** What a JSON document that is not a stack export probably is, for the refusal. */
function whatItIs(doc: unknown): string | undefined {
  if (!isObj(doc)) return undefined;
  if (isObj(doc.checkpoint)) {
    return (
      "it is a checkpoint file of a self-managed backend (`{version, checkpoint: {stack, latest}}`), not a stack export. " +
      "Fix: run `pulumi stack export --stack <stack> --file state.json` against that backend and pass that file."
    );
  }
  if (isObj(doc.metadata) && "verdict" in doc) {
    return "it is a phi-channels evidence.json, not a stack export. " + EXPORT_FIX;
  }
  if (Array.isArray(doc.steps) || isObj(doc.changeSummary)) {
    return "it is the output of `pulumi preview --json`, not a stack export. " + EXPORT_FIX;
  }
  return undefined;
}

/** NUL or other C0 control characters (tab, newlines excepted) mean the file is not text. */
function looksBinary(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000e-\u001f]/.test(text);
}

/** Parses the text of a `pulumi stack export` file; `file` names it in messages. */
export function parseStackExport(text: string, file: string): StackExport {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    const firstLine = text.split("\n").find((l) => l.trim() !== "");
    let ndjson = false;
    try {
      const first = firstLine ? (JSON.parse(firstLine) as unknown) : undefined;
      ndjson = isObj(first) && typeof first.sequence === "number";
    } catch {
      // Not even its first line is JSON.
    }
    if (ndjson) {
      throw new StackExportError(
        `${file}: one engine event per line: an event log (\`pulumi preview|up --event-log\`) or the output of ` +
          "`pulumi policy analyze --json`, not a stack export. Fix: turn it into evidence with " +
          `\`phi-channels evidence --event-log ${file}\`, or pass a stack export here (\`pulumi stack export --file state.json\`).`,
      );
    }
    // The parser's message quotes the input; an export holds secrets.
    throw new StackExportError(
      `${file}: not JSON${looksBinary(text) ? " (the file looks binary)" : ""}, so not a stack export. ${EXPORT_FIX}`,
    );
  }
  const guess = whatItIs(doc);
  if (guess) throw new StackExportError(`${file}: ${guess}`);
  if (!isObj(doc) || !("version" in doc) || !("deployment" in doc)) {
    const keys = isObj(doc) ? Object.keys(doc).slice(0, 6) : [];
    throw new StackExportError(
      `${file}: not a stack export: expected an object with "version" and "deployment" ({"version": 3, "deployment": ` +
        `{"manifest": …, "resources": […]}}), found ${isObj(doc) ? (keys.length ? `the keys ${keys.map((k) => JSON.stringify(k)).join(", ")}` : "an empty object") : kind(doc)}. ${EXPORT_FIX}`,
    );
  }
  const version = doc.version;
  if (typeof version !== "number" || !Number.isInteger(version)) {
    throw new StackExportError(
      `${file}: "version" is ${kind(version)}; a stack export's version is an integer (3, or 4 with features). ${EXPORT_FIX}`,
    );
  }
  if (!SUPPORTED_DEPLOYMENT_VERSIONS.includes(version)) {
    throw new StackExportError(
      version < 3
        ? `${file}: deployment version ${version} is a format of Pulumi CLIs before 2019; this review reads versions ` +
            `${SUPPORTED_DEPLOYMENT_VERSIONS.join(" and ")}. Fix: export the stack with a current Pulumi CLI, which ` +
            "migrates it (`pulumi stack export --file state.json`)."
        : `${file}: deployment version ${version} is newer than this review reads (versions ` +
            `${SUPPORTED_DEPLOYMENT_VERSIONS.join(" and ")}). Fix: upgrade phi-channels, or export with the Pulumi CLI ` +
            "release that wrote version 4 at most.",
    );
  }
  const features = doc.features === undefined || doc.features === null ? [] : doc.features;
  if (!Array.isArray(features) || !features.every((f) => typeof f === "string")) {
    throw new StackExportError(
      `${file}: "features" is ${kind(features)}; expected an array of feature names. ${EXPORT_FIX}`,
    );
  }
  if (version >= 4) {
    const unsupported = (features as string[]).filter((f) => !SUPPORTED_FEATURES.includes(f));
    if (unsupported.length > 0) {
      throw new StackExportError(
        `${file}: the export needs the feature(s) ${unsupported.join(", ")}, which this review cannot read (it reads ` +
          `${SUPPORTED_FEATURES.join(", ")}). Fix: upgrade phi-channels.`,
      );
    }
  }
  const deployment = doc.deployment;
  if (!isObj(deployment)) {
    throw new StackExportError(
      `${file}: "deployment" is ${kind(deployment)}; expected an object. ${EXPORT_FIX}`,
    );
  }
  const manifest = isObj(deployment.manifest) ? deployment.manifest : {};
  const rawResources = deployment.resources ?? [];
  if (!Array.isArray(rawResources)) {
    throw new StackExportError(
      `${file}: deployment.resources is ${kind(rawResources)}; expected an array of resources. ${EXPORT_FIX}`,
    );
  }
  const secrets = { encrypted: false, plaintext: false };
  let stackAndProject: { stack: string; project: string; urn: string } | undefined;
  const seen = new Set<string>();
  const resources: ExportedResource[] = [];
  let pendingDeletion = 0;

  const readResource = (raw: unknown, at: string): ExportedResource => {
    if (!isObj(raw))
      throw new StackExportError(`${file}: ${at} is ${kind(raw)}; expected a resource object. ${EXPORT_FIX}`);
    const urn = raw.urn;
    const parsed = typeof urn === "string" ? parseUrnParts(urn) : undefined;
    if (typeof urn !== "string" || !parsed) {
      throw new StackExportError(
        `${file}: ${at}.urn is ${typeof urn === "string" ? "not a Pulumi URN (urn:pulumi:<stack>::<project>::<type>::<name>)" : kind(urn)}. ${EXPORT_FIX}`,
      );
    }
    if (!stackAndProject) stackAndProject = { stack: parsed.stack, project: parsed.project, urn };
    else if (parsed.stack !== stackAndProject.stack || parsed.project !== stackAndProject.project) {
      throw new StackExportError(
        `${file}: ${at}.urn belongs to ${parsed.project}/${parsed.stack}, ${stackAndProject.urn} to ` +
          `${stackAndProject.project}/${stackAndProject.stack}: an export holds one stack. ${EXPORT_FIX}`,
      );
    }
    const type = raw.type;
    if (typeof type !== "string" || type === "") {
      throw new StackExportError(
        `${file}: ${at}.type is ${kind(type)}; expected the resource's type token. ${EXPORT_FIX}`,
      );
    }
    if (type !== parsed.type) {
      throw new StackExportError(
        `${file}: ${at}: type "${type}" and the URN's type "${parsed.type}" disagree. ${EXPORT_FIX}`,
      );
    }
    if (typeof raw.custom !== "boolean") {
      throw new StackExportError(
        `${file}: ${at}.custom is ${kind(raw.custom)}; expected true (a provider-managed resource) or false (a component). ${EXPORT_FIX}`,
      );
    }
    const w: Walk = { file, at, encrypted: [], secrets };
    const inputs = properties(raw.inputs, "inputs", w);
    const encryptedInputs = w.encrypted;
    w.encrypted = [];
    const outputs = properties(raw.outputs, "outputs", w);
    const propertyDependencies: Record<string, string[]> = {};
    if (raw.propertyDependencies !== undefined && raw.propertyDependencies !== null) {
      if (!isObj(raw.propertyDependencies)) {
        throw new StackExportError(
          `${file}: ${at}.propertyDependencies is ${kind(raw.propertyDependencies)}; expected an object of URN lists. ${EXPORT_FIX}`,
        );
      }
      for (const k of Object.keys(raw.propertyDependencies)) {
        propertyDependencies[k] = strings(raw.propertyDependencies, k, `${at}.propertyDependencies`, file);
      }
    }
    const r: ExportedResource = {
      urn,
      type,
      name: parsed.name,
      custom: raw.custom,
      parent: optionalString(raw, "parent", at, file) ?? "",
      protect: bool(raw, "protect", at, file),
      external: bool(raw, "external", at, file),
      dependencies: strings(raw, "dependencies", at, file),
      propertyDependencies,
      additionalSecretOutputs: strings(raw, "additionalSecretOutputs", at, file),
      ignoreChanges: strings(raw, "ignoreChanges", at, file),
      aliases: Array.isArray(raw.aliases)
        ? raw.aliases.filter((a): a is string => typeof a === "string")
        : [],
      inputs,
      outputs,
      encryptedInputs,
      encryptedOutputs: w.encrypted,
    };
    const id = optionalString(raw, "id", at, file);
    if (id) r.id = id;
    const provider = optionalString(raw, "provider", at, file);
    if (provider) r.provider = provider;
    return r;
  };

  rawResources.forEach((raw, i) => {
    const at = `deployment.resources[${i}]`;
    const r = readResource(raw, at);
    if (bool(raw as Obj, "delete", at, file)) {
      pendingDeletion++;
      return;
    }
    if (seen.has(r.urn)) {
      throw new StackExportError(
        `${file}: ${at}.urn ${r.urn} appears twice (only a resource marked "delete": true may share its URN). ${EXPORT_FIX}`,
      );
    }
    seen.add(r.urn);
    resources.push(r);
  });
  if (resources.length === 0) {
    throw new StackExportError(
      `${file}: an empty deployment: ${rawResources.length === 0 ? "it holds no resources" : "every resource in it is marked for deletion"}, ` +
        "so there is nothing to review (a stack never deployed, or destroyed). Fix: export a stack that has been " +
        "deployed (`pulumi stack --show-urns --stack <stack>` lists its resources).",
    );
  }

  const rawOps = deployment.pending_operations ?? [];
  if (!Array.isArray(rawOps)) {
    throw new StackExportError(
      `${file}: deployment.pending_operations is ${kind(rawOps)}; expected an array. ${EXPORT_FIX}`,
    );
  }
  const pendingOperations = rawOps.map((op, i): PendingOperation => {
    const at = `deployment.pending_operations[${i}]`;
    if (!isObj(op))
      throw new StackExportError(
        `${file}: ${at} is ${kind(op)}; expected an operation object. ${EXPORT_FIX}`,
      );
    const r = readResource(op.resource, `${at}.resource`);
    return {
      urn: r.urn,
      type: r.type,
      name: r.name,
      operation: typeof op.type === "string" ? op.type : "unknown",
    };
  });

  const sp = deployment.secrets_providers;
  return {
    deploymentVersion: version,
    features: features as string[],
    project: stackAndProject!.project,
    stack: stackAndProject!.stack,
    manifest: {
      ...(typeof manifest.time === "string" ? { time: manifest.time } : {}),
      ...(typeof manifest.version === "string" ? { version: manifest.version } : {}),
    },
    ...(isObj(sp) && typeof sp.type === "string" && sp.type !== "" ? { secretsProvider: sp.type } : {}),
    resources,
    pendingDeletion,
    pendingOperations,
    secrets: secrets.plaintext ? "plaintext" : secrets.encrypted ? "encrypted" : "none",
  };
}

/** The URN part of a provider reference `urn::id`. */
export function providerUrnOf(reference: string): string {
  const i = reference.lastIndexOf("::");
  return i > 0 ? reference.slice(0, i) : reference;
}
