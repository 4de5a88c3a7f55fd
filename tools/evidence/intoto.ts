/**
 * `evidence.intoto.json`: an in-toto Statement v1 over the evidence files, so CI can sign the bundle with
 * GitHub artifact attestations and an auditor can verify what was signed (README: "Verifying a bundle").
 * Subjects are the evidence files with their SHA-256; the predicate says what was checked and the verdict.
 */
import { sha256Hex } from "./canonical";
import { type Evidence, HIPAA_PACK } from "./model";
import type { RunOperation, RunSource } from "./run";

export const INTOTO_FILE = "evidence.intoto.json";
export const INTOTO_STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
/** Our predicate type; versioned with the evidence schema. */
export const EVIDENCE_PREDICATE_TYPE = "https://phi-channels.example/attestations/hipaa-evidence/v1";

export interface EvidencePredicate {
  policyPack: { name: string; version: string };
  /** Every pack of the run (ours first is not implied: sorted by name). */
  packs: Array<{ name: string; version: string }>;
  policyConfigSha256: string;
  gitCommit?: string;
  gitCommitMissing?: string;
  project: string;
  stack: string;
  /** offline (mocks), event-log (a real pulumi preview/up), state (a stack export) or policy-analyze. */
  source: RunSource;
  operation: RunOperation;
  timestamp: string;
  verdict: Evidence["verdict"];
  /** State reviews: resources whose actual state drifted from the declared one on a field a policy decides. */
  resourcesDrifted?: number;
  evidenceSchemaVersion: number;
}

export interface IntotoStatement {
  _type: typeof INTOTO_STATEMENT_TYPE;
  subject: Array<{ name: string; digest: { sha256: string } }>;
  predicateType: typeof EVIDENCE_PREDICATE_TYPE;
  predicate: EvidencePredicate;
}

export function buildIntoto(
  evidence: Evidence,
  files: Array<[name: string, content: string]>,
): IntotoStatement {
  const m = evidence.metadata;
  const ours = m.packs.find((p) => p.name === HIPAA_PACK);
  return {
    _type: INTOTO_STATEMENT_TYPE,
    subject: files.map(([name, content]) => ({
      name,
      digest: { sha256: sha256Hex(Buffer.from(content, "utf8")) },
    })),
    predicateType: EVIDENCE_PREDICATE_TYPE,
    predicate: {
      policyPack: { name: HIPAA_PACK, version: ours?.version ?? "not run" },
      packs: m.packs.map((p) => ({ name: p.name, version: p.version })),
      policyConfigSha256: m.policyConfigSha256,
      ...(m.gitCommit
        ? { gitCommit: m.gitCommit }
        : m.gitCommitMissing
          ? { gitCommitMissing: m.gitCommitMissing }
          : {}),
      project: m.project,
      stack: m.stack,
      source: m.source,
      operation: m.operation,
      timestamp: m.timestamp,
      verdict: evidence.verdict,
      ...(evidence.totals.resourcesDrifted !== undefined
        ? { resourcesDrifted: evidence.totals.resourcesDrifted }
        : {}),
      evidenceSchemaVersion: m.schemaVersion,
    },
  };
}

export function renderIntoto(evidence: Evidence, files: Array<[name: string, content: string]>): string {
  return `${JSON.stringify(buildIntoto(evidence, files), null, 2)}\n`;
}
