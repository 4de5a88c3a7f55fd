import { readFileSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";
import { MARKDOWN_MARKER } from "../../tools/evidence/markdown";
import { ROOT } from "./support";

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  if?: string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  strategy?: { matrix: Record<string, unknown> };
  steps: Step[];
}

const text = readFileSync(join(ROOT, ".github", "workflows", "policy-preview.yml"), "utf8");
const wf = YAML.parse(text) as { on: Record<string, unknown>; jobs: Record<string, Job> };
const runs = (job: Job) => job.steps.map((s) => s.run ?? "").join("\n");
const uses = (job: Job, prefix: string) => job.steps.find((s) => s.uses?.startsWith(prefix));

describe(".github/workflows/policy-preview.yml", () => {
  it("runs on pull_request and pins every action by major tag", () => {
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    const all = Object.values(wf.jobs).flatMap((j) => j.steps.filter((s) => s.uses).map((s) => s.uses!));
    expect(all.length).toBeGreaterThan(5);
    for (const u of all) expect(u).toMatch(/^[\w.-]+\/[\w./-]+@v\d+$/);
  });

  it("tests and runs the offline check without secrets", () => {
    const job = wf.jobs.offline;
    expect(uses(job, "actions/setup-node@")?.with).toEqual({ "node-version": 20, cache: "npm" });
    const script = runs(job);
    expect(script.indexOf("npm ci")).toBeLessThan(script.indexOf("npm test"));
    expect(script.indexOf("npm test")).toBeLessThan(script.indexOf("npm run check -- --all"));
    expect(JSON.stringify(job)).not.toContain("secrets.");
  });

  it("previews each stack with the pack, its config and an event log, only when credentials are configured", () => {
    const job = wf.jobs.preview;
    expect(job.if).toContain("vars.AWS_ROLE_ARN != ''");
    expect(job.permissions).toMatchObject({ "id-token": "write", "security-events": "write" });
    expect(job.strategy?.matrix.stack).toEqual(["dev", "prod"]);
    expect(uses(job, "aws-actions/configure-aws-credentials@")?.with?.["role-to-assume"]).toBe(
      "${{ vars.AWS_ROLE_ARN }}",
    );
    expect(uses(job, "pulumi/actions@")).toBeDefined();
    const script = runs(job);
    expect(script).toContain("--policy-pack policies");
    expect(script).toContain('--policy-pack-config "$config"');
    expect(script).toContain('--event-log "$EVENT_LOG"');
    expect(script).toMatch(
      /npm run evidence -- --event-log "\$EVENT_LOG" --out "reports\/\$\{\{ matrix.stack \}\}"/,
    );
  });

  it("uploads evidence and SARIF before failing on mandatory violations", () => {
    const steps = wf.jobs.preview.steps;
    const index = (p: (s: Step) => boolean) => steps.findIndex(p);
    const artifact = index((s) => s.uses?.startsWith("actions/upload-artifact@") === true);
    const sarif = index((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@") === true);
    const fail = index((s) => s.run?.includes("exit 1") === true);
    expect(artifact).toBeGreaterThan(0);
    expect(sarif).toBeGreaterThan(artifact);
    expect(fail).toBeGreaterThan(sarif);
    expect(steps[artifact].if).toBe("always()");
    expect(steps[sarif].with?.sarif_file).toBe("reports/${{ matrix.stack }}/evidence.sarif");
    expect(steps[fail].if).toContain("steps.evidence.outputs.code != '0'");
  });

  it("signs each stack's evidence with a GitHub artifact attestation carrying the in-toto predicate", () => {
    const job = wf.jobs.preview;
    expect(job.permissions).toMatchObject({ attestations: "write", "id-token": "write" });
    const steps = job.steps;
    const evidence = steps.findIndex((s) => s.run?.includes("npm run evidence --") === true);
    const extract = steps.findIndex((s) => s.run?.includes("evidence.intoto.json") === true);
    const attest = steps.findIndex((s) => s.uses === "actions/attest@v2");
    const fail = steps.findIndex((s) => s.run?.includes("exit 1") === true);
    expect(evidence).toBeGreaterThan(0);
    expect(extract).toBeGreaterThan(evidence);
    expect(attest).toBeGreaterThan(extract);
    expect(fail).toBeGreaterThan(attest);
    // The predicate goes beside the bundle, never into it (the bundle holds only its own files).
    expect(steps[extract].run).toContain('"reports/${{ matrix.stack }}-predicate.json"');
    expect(steps[attest].with).toEqual({
      "subject-path":
        "reports/${{ matrix.stack }}/evidence.json\nreports/${{ matrix.stack }}/evidence.md\nreports/${{ matrix.stack }}/evidence.sarif\n",
      "predicate-type": "${{ steps.predicate.outputs.type }}",
      "predicate-path": "reports/${{ matrix.stack }}-predicate.json",
    });
    expect(steps[attest].if).toContain("always()");
  });

  it("posts or updates one PR comment found by the evidence marker", () => {
    const job = wf.jobs.comment;
    expect(job.needs).toBe("preview");
    expect(job.permissions).toEqual({ "pull-requests": "write" });
    const script = String(uses(job, "actions/github-script@")?.with?.script);
    expect(script).toContain(`const marker = "${MARKDOWN_MARKER}"`);
    expect(script).toContain("updateComment");
    expect(script).toContain("createComment");
  });
});
