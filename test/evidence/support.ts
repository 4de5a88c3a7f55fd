/** Shared helpers for the evidence tests: schema validators, hand-built runs, CLI spawning. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type { PolicyPackInfo, PolicyRun } from "../../tools/evidence/run";
import { toolArgv } from "../support/cli";

export const ROOT = join(__dirname, "..", "..");
export const FIXTURES = join(ROOT, "test", "fixtures", "event-logs");

/**
 * The official SARIF 2.1.0 schema (schemastore "sarif-2.1.0-rtm.5", the one GitHub code scanning uses),
 * committed under test/fixtures/schemas (provenance in its README). SARIF_SCHEMA_PATH overrides the location.
 */
export const SARIF_SCHEMA_FILE = join(ROOT, "test", "fixtures", "schemas", "sarif-2.1.0-rtm.5.json");

export function sarifSchemaPath(): string {
  return process.env.SARIF_SCHEMA_PATH ?? SARIF_SCHEMA_FILE;
}

/** A validator for the official SARIF schema. It is draft-04 (`id`); ajv 8 reads it once `id` is `$id`. */
export function sarifValidator() {
  const schema = JSON.parse(readFileSync(sarifSchemaPath(), "utf8")) as Record<string, unknown>;
  if (!String(schema.title).includes("2.1.0"))
    throw new Error(`${sarifSchemaPath()} is not the SARIF 2.1.0 schema`);
  const { $schema: _draft, id, ...rest } = schema;
  // unicodeRegExp off: the schema's `language` pattern is not valid under the `u` flag.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile({ $id: String(id), ...rest });
}

export function evidenceValidator() {
  const schema = JSON.parse(readFileSync(join(ROOT, "tools", "evidence", "evidence.schema.json"), "utf8"));
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

export const HIPAA_PACK_FIXTURE: PolicyPackInfo = {
  name: "phi-channels-hipaa",
  version: "0.1.0",
  policies: [
    {
      name: "phi-ingress-allowlisted-ports",
      description: "PHI ingress must be limited to allowlisted ports.",
      enforcementLevel: "mandatory",
      severity: "high",
      remediationSteps: "Open only tcp/443.",
      framework: {
        name: "HIPAA Security Rule",
        version: "45 CFR 164.312",
        reference: "§164.312(a)(1)",
        specification: "Access control",
      },
      kind: "resource",
    },
    {
      name: "phi-tls-listeners-only",
      description: "Listeners carrying PHI must use TLS.",
      enforcementLevel: "mandatory",
      severity: "critical",
      remediationSteps: "Use HTTPS | TLS listeners.",
      framework: {
        name: "HIPAA Security Rule",
        version: "45 CFR 164.312",
        reference: "§164.312(e)(2)(ii)",
        specification: "Encryption",
      },
      kind: "resource",
    },
    {
      name: "phi-egress-restricted",
      description: "Egress should reach only private destinations.",
      enforcementLevel: "advisory",
      severity: "medium",
      remediationSteps: "Replace allow-all egress.",
      framework: {
        name: "HIPAA Security Rule",
        version: "45 CFR 164.312",
        reference: "§164.312(e)(1)",
        specification: "Transmission security",
      },
      kind: "resource",
    },
    {
      name: "phi-audit-trail",
      description: "The stack keeps an audit trail.",
      enforcementLevel: "mandatory",
      remediationSteps: "Add an ImmutableLogBucket.",
      framework: {
        name: "HIPAA Security Rule",
        version: "45 CFR 164.312",
        reference: "§164.312(b)",
        specification: "Audit controls",
      },
      kind: "stack",
    },
  ],
};

export const urn = (type: string, name: string, stack = "dev") =>
  `urn:pulumi:${stack}::phi-channels::${type}::${name}`;
export const SG = urn("aws:ec2/securityGroup:SecurityGroup", "claims-lb");
export const LISTENER = urn("aws:lb/listener:Listener", "claims-https");
export const BUCKET = urn("aws:s3/bucketV2:BucketV2", "claims-logs");
export const VPC = urn("aws:ec2/vpc:Vpc", "main");

/** A preview with one mandatory violation, one advisory, one undecidable check, a stack policy and another pack. */
export function sampleRun(overrides: Partial<PolicyRun> = {}): PolicyRun {
  return {
    source: "offline",
    operation: "preview",
    project: "phi-channels",
    stack: "dev",
    timestamp: "2026-01-01T10:00:00.000Z",
    gitCommit: "0123456789abcdef0123456789abcdef01234567",
    packs: [
      HIPAA_PACK_FIXTURE,
      {
        name: "aws-compliance-ready-policies",
        version: "0.0.13",
        policies: [{ name: "s3-bucket-logging-enabled" }],
      },
    ],
    policyConfig: {
      "phi-channels-hipaa": {
        "phi-ingress-allowlisted-ports": { allowedIngress: ["tcp/443"] },
        all: "mandatory",
      },
    },
    resources: [
      { urn: SG, type: "aws:ec2/securityGroup:SecurityGroup", name: "claims-lb" },
      { urn: LISTENER, type: "aws:lb/listener:Listener", name: "claims-https" },
      { urn: BUCKET, type: "aws:s3/bucketV2:BucketV2", name: "claims-logs" },
      { urn: VPC, type: "aws:ec2/vpc:Vpc", name: "main" },
    ],
    diagnostics: [
      {
        policyPackName: "phi-channels-hipaa",
        policyPackVersion: "0.1.0",
        policyName: "phi-ingress-allowlisted-ports",
        message: "ingress[0] opens tcp 0-65535 | all ports",
        enforcementLevel: "mandatory",
        urn: SG,
      },
      {
        policyPackName: "phi-channels-hipaa",
        policyPackVersion: "0.1.0",
        policyName: "phi-egress-restricted",
        message: "egress[0] allows every protocol",
        enforcementLevel: "advisory",
        urn: SG,
      },
      {
        policyPackName: "phi-channels-hipaa",
        policyPackVersion: "0.1.0",
        policyName: "phi-tls-listeners-only",
        message: "sslPolicy: it is not known at preview; this policy checks it again at `pulumi up`",
        enforcementLevel: "advisory",
        urn: LISTENER,
        undecidedAtPreview: true,
      },
      {
        policyPackName: "aws-compliance-ready-policies",
        policyPackVersion: "0.0.13",
        policyName: "s3-bucket-logging-enabled",
        message: "S3 buckets should have access logging enabled.",
        enforcementLevel: "advisory",
        urn: BUCKET,
      },
    ],
    outcomes: [
      {
        policyPackName: "phi-channels-hipaa",
        urn: SG,
        passed: [],
        failed: ["phi-ingress-allowlisted-ports", "phi-egress-restricted"],
        notApplicable: [{ policyName: "phi-tls-listeners-only", reason: "not a listener" }],
      },
      { policyPackName: "phi-channels-hipaa", urn: LISTENER, passed: [], failed: [], notApplicable: [] },
      {
        policyPackName: "phi-channels-hipaa",
        urn: VPC,
        passed: [],
        failed: [],
        notApplicable: [{ policyName: "phi-ingress-allowlisted-ports", reason: "opens no ingress" }],
      },
      { policyPackName: "phi-channels-hipaa", passed: ["phi-audit-trail"], failed: [], notApplicable: [] },
      {
        policyPackName: "aws-compliance-ready-policies",
        urn: BUCKET,
        passed: [],
        failed: ["s3-bucket-logging-enabled"],
        notApplicable: [],
      },
    ],
    unknownInputs: { [LISTENER]: ["sslPolicy"] },
    toolVersions: { node: "v20.0.0", "phi-channels": "0.1.0" },
    programFile: "stacks/index.ts",
    ...overrides,
  };
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (the compiled `phi-channels evidence …`) from the repository root. */
export function runCli(args: string[]): CliResult {
  const r = spawnSync(process.execPath, toolArgv("evidence.ts", args), {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
