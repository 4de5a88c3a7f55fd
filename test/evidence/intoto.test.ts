/** `evidence.intoto.json` (issue 10 §5): an in-toto Statement v1 over the evidence files, shape validated. */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { buildEvidence } from "../../tools/evidence/build";
import { writeEvidence } from "../../tools/evidence/write";
import { sampleRun } from "./support";

/** in-toto Statement v1 (github.com/in-toto/attestation spec/v1/statement.md) plus our predicate. */
const STATEMENT_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["_type", "subject", "predicateType", "predicate"],
  properties: {
    _type: { const: "https://in-toto.io/Statement/v1" },
    subject: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "digest"],
        properties: {
          name: { type: "string", minLength: 1 },
          digest: {
            type: "object",
            additionalProperties: false,
            required: ["sha256"],
            properties: { sha256: { type: "string", pattern: "^[0-9a-f]{64}$" } },
          },
        },
      },
    },
    predicateType: { type: "string", pattern: "^https://" },
    predicate: {
      type: "object",
      additionalProperties: false,
      required: [
        "policyPack",
        "packs",
        "policyConfigSha256",
        "project",
        "stack",
        "source",
        "operation",
        "timestamp",
        "verdict",
        "evidenceSchemaVersion",
      ],
      properties: {
        policyPack: {
          type: "object",
          required: ["name", "version"],
          properties: { name: { const: "phi-channels-hipaa" }, version: { type: "string", minLength: 1 } },
        },
        packs: { type: "array" },
        policyConfigSha256: { type: "string", pattern: "^[0-9a-f]{64}$" },
        gitCommit: { type: "string", pattern: "^[0-9a-f]{7,64}$" },
        project: { type: "string", minLength: 1 },
        stack: { type: "string", minLength: 1 },
        source: { enum: ["offline", "event-log"] },
        operation: { enum: ["preview", "update"] },
        timestamp: { type: "string" },
        verdict: { enum: ["pass", "fail", "not-applicable", "incomplete"] },
        evidenceSchemaVersion: { type: "integer" },
      },
    },
  },
};

describe("evidence.intoto.json", () => {
  it("is an in-toto Statement v1 whose subjects are the evidence files with their sha256", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "intoto-")), "dev");
    const evidence = buildEvidence(sampleRun({ gitCommit: "0123456789abcdef0123456789abcdef01234567" }));
    await writeEvidence(out, evidence);
    const statement = JSON.parse(readFileSync(join(out, "evidence.intoto.json"), "utf8"));
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(STATEMENT_SCHEMA);
    expect({ ok: validate(statement), errors: validate.errors ?? [] }).toEqual({ ok: true, errors: [] });

    const sha = (f: string) =>
      createHash("sha256")
        .update(readFileSync(join(out, f)))
        .digest("hex");
    expect(statement.subject).toEqual(
      ["evidence.json", "evidence.md", "evidence.sarif"].map((name) => ({
        name,
        digest: { sha256: sha(name) },
      })),
    );
    expect(statement.predicateType).toBe("https://phi-channels.example/attestations/hipaa-evidence/v1");
    expect(statement.predicate).toEqual({
      policyPack: { name: "phi-channels-hipaa", version: "0.1.0" },
      packs: [
        { name: "aws-compliance-ready-policies", version: "0.0.13" },
        { name: "phi-channels-hipaa", version: "0.1.0" },
      ],
      policyConfigSha256: evidence.metadata.policyConfigSha256,
      gitCommit: "0123456789abcdef0123456789abcdef01234567",
      project: "phi-channels",
      stack: "dev",
      source: "offline",
      operation: "preview",
      timestamp: "2026-01-01T10:00:00.000Z",
      verdict: "fail",
      evidenceSchemaVersion: 2,
    });
    // SHA256SUMS covers the statement too.
    expect(readFileSync(join(out, "SHA256SUMS"), "utf8")).toContain(
      `${sha("evidence.intoto.json")}  evidence.intoto.json\n`,
    );
  });
});
