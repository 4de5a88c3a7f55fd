/**
 * .github/workflows/policy-review.yml, parsed: nightly and on demand, per stack; refresh preview, export and
 * review with the pack's config; signed as the pull-request workflow signs; archived under a dated prefix
 * in the immutable log bucket; one issue opened, updated or closed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  if?: string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  strategy?: { matrix: Record<string, unknown> };
  outputs?: Record<string, string>;
  steps: Step[];
}

const ROOT = join(__dirname, "..");
const wf = YAML.parse(readFileSync(join(ROOT, ".github", "workflows", "policy-review.yml"), "utf8")) as {
  on: Record<string, unknown> & { schedule: Array<{ cron: string }> };
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
};
const pr = YAML.parse(readFileSync(join(ROOT, ".github", "workflows", "policy-preview.yml"), "utf8")) as {
  jobs: Record<string, Job>;
};
const review = wf.jobs.review;
const index = (p: (s: Step) => boolean) => review.steps.findIndex(p);
const runOf = (id: string) => review.steps.find((s) => s.id === id)?.run ?? "";

describe(".github/workflows/policy-review.yml", () => {
  it("runs nightly and on demand, with read-only defaults, and pins every action by major tag", () => {
    expect(Object.keys(wf.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect(wf.on.schedule).toEqual([{ cron: "17 4 * * *" }]);
    expect(wf.permissions).toEqual({ contents: "read" });
    const all = Object.values(wf.jobs).flatMap((j) => j.steps.filter((s) => s.uses).map((s) => s.uses!));
    for (const u of all) expect(u).toMatch(/^[\w.-]+\/[\w./-]+@v\d+$/);
  });

  it("reviews each stack (dev and prod, or the one asked for) only when credentials are configured", () => {
    expect(wf.jobs.stacks.if).toBe("vars.AWS_ROLE_ARN != ''");
    const pick = wf.jobs.stacks.steps[0].run!;
    expect(pick).toContain(`"") echo 'list=["dev","prod"]' >> "$GITHUB_OUTPUT" ;;`);
    expect(pick).toContain("dev|prod)");
    expect(review.needs).toBe("stacks");
    expect(review.strategy?.matrix.stack).toBe("${{ fromJSON(needs.stacks.outputs.list) }}");
    expect(
      review.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))?.with,
    ).toEqual({
      "role-to-assume": "${{ vars.AWS_ROLE_ARN }}",
      "aws-region": "${{ vars.AWS_REGION || 'us-east-1' }}",
    });
  });

  it("previews a refresh, exports the stack and reviews the export with the stack's policy config", () => {
    expect(runOf("refresh")).toContain(
      'pulumi refresh --stack "$STACK" --preview-only --expect-no-changes --non-interactive --json',
    );
    expect(runOf("export")).toBe('pulumi stack export --stack "$STACK" --file "$EXPORT"');
    const r = runOf("review");
    expect(r).toContain('config="policies/config/${{ matrix.stack }}.json"');
    expect(r).toContain(
      'npm run review -- --state "$EXPORT" --out "reports/review/${{ matrix.stack }}" --git-commit "$GITHUB_SHA"',
    );
    expect(r).toContain('$( [ -f "$config" ] && echo --policy-config "$config" )');
    expect(index((s) => s.id === "refresh")).toBeLessThan(index((s) => s.id === "export"));
    expect(index((s) => s.id === "export")).toBeLessThan(index((s) => s.id === "review"));
  });

  it("signs the evidence exactly as the pull-request workflow does, before archiving it", () => {
    expect(review.permissions).toMatchObject({ "id-token": "write", attestations: "write" });
    const attest = review.steps.find((s) => s.uses === "actions/attest@v2")!;
    expect(attest.with).toEqual({
      "subject-path":
        "reports/review/${{ matrix.stack }}/evidence.json\nreports/review/${{ matrix.stack }}/evidence.md\nreports/review/${{ matrix.stack }}/evidence.sarif\n",
      "predicate-type": "${{ steps.predicate.outputs.type }}",
      "predicate-path": "reports/review/${{ matrix.stack }}-predicate.json",
    });
    // The same predicate extraction as the PR workflow's, on this workflow's paths.
    const prExtract = pr.jobs.preview.steps.find((s) => s.id === "predicate")!.run!;
    expect(runOf("predicate")).toBe(
      prExtract
        .split("./reports/${{ matrix.stack }}/")
        .join("./reports/review/${{ matrix.stack }}/")
        .split('"reports/${{ matrix.stack }}-predicate.json"')
        .join('"reports/review/${{ matrix.stack }}-predicate.json"'),
    );
    const archive = index((s) => s.run?.includes("aws s3 cp") === true);
    expect(index((s) => s.id === "review")).toBeLessThan(index((s) => s.id === "predicate"));
    expect(index((s) => s.id === "predicate")).toBeLessThan(index((s) => s.uses === "actions/attest@v2"));
    expect(index((s) => s.uses === "actions/attest@v2")).toBeLessThan(archive);
  });

  it("archives bundle, refresh report and export under policy-review/<stack>/<YYYY-MM-DD>/ in the log bucket", () => {
    const step = review.steps.find((s) => s.run?.includes("aws s3 cp") === true)!;
    expect(step.if).toContain("vars.EVIDENCE_BUCKET != ''");
    expect(step.env).toEqual({ BUCKET: "${{ vars.EVIDENCE_BUCKET }}" });
    expect(step.run).toContain('day="$(date -u +%F)"');
    expect(step.run).toContain(
      'prefix="s3://$BUCKET/policy-review/${{ matrix.stack }}/$day/run-${{ github.run_id }}-${{ github.run_attempt }}"',
    );
    expect(step.run).toContain(
      'aws s3 cp "reports/review/${{ matrix.stack }}/" "$prefix/evidence/" --recursive --checksum-algorithm SHA256',
    );
    expect(step.run).toContain('aws s3 cp "$EXPORT" "$prefix/state.json" --checksum-algorithm SHA256');
  });

  it("fails the job on a violation, drift or error only after uploading and archiving", () => {
    const fail = index((s) => s.run?.includes("exit 1") === true);
    expect(fail).toBe(review.steps.length - 1);
    expect(review.steps[fail].if).toBe(
      "always() && (steps.review.outputs.code != '0' || steps.refresh.outputs.code != '0' || steps.export.outcome != 'success')",
    );
    expect(index((s) => s.uses?.startsWith("actions/upload-artifact@") === true)).toBeLessThan(fail);
    // The export is never an artifact: it is written under $RUNNER_TEMP, outside the uploaded paths.
    const upload = review.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
    expect(String(upload.with?.path)).not.toContain("EXPORT");
    expect(review.steps.find((s) => s.name === "Log in to the Pulumi backend")!.run).toContain(
      'echo "EXPORT=$RUNNER_TEMP/${{ matrix.stack }}-state.json" >> "$GITHUB_ENV"',
    );
  });

  it("opens or updates one issue (stable title and label) on violations or drift, and closes it when clear", () => {
    const job = wf.jobs.issue;
    expect(job.needs).toBe("review");
    expect(job.permissions).toEqual({ issues: "write" });
    const script = String(job.steps.find((s) => s.uses === "actions/github-script@v7")?.with?.script);
    expect(script).toContain(
      'const TITLE = "Policy review: mandatory violations or drift in deployed stacks";',
    );
    expect(script).toContain('const LABEL = "policy-review";');
    expect(script).toContain('listForRepo, { owner, repo, state: "open", labels: LABEL');
    expect(script).toContain("github.rest.issues.update({ owner, repo, issue_number: mine.number, body })");
    expect(script).toContain(
      "github.rest.issues.create({ owner, repo, title: TITLE, labels: [LABEL], body })",
    );
    expect(script).toContain('state: "closed"');
    expect(script).toContain("(r.drift ?? [])");
    expect(script).toContain('x.enforcementLevel === "mandatory"');
  });
});

describe("the issue script, run against downloaded review artifacts", () => {
  const script = String(wf.jobs.issue.steps.find((s) => s.uses === "actions/github-script@v7")?.with?.script);
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
    ...args: string[]
  ) => (...a: unknown[]) => Promise<void>;

  /** Runs the script in a directory holding `review/review-<stack>/…` with a recording fake of the GitHub client. */
  async function runScript(
    artifacts: Record<string, { codes: Record<string, string>; evidence?: unknown }>,
    openIssues: Array<{ number: number; title: string }>,
  ) {
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import("node:fs");
    const os = await import("node:os");
    const dir = mkdtempSync(join(os.tmpdir(), "phi-review-issue-"));
    for (const [stack, a] of Object.entries(artifacts)) {
      mkdirSync(join(dir, "review", `review-${stack}`, stack), { recursive: true });
      writeFileSync(join(dir, "review", `review-${stack}`, `${stack}-codes.json`), JSON.stringify(a.codes));
      if (a.evidence) {
        writeFileSync(
          join(dir, "review", `review-${stack}`, stack, "evidence.json"),
          JSON.stringify(a.evidence),
        );
      }
    }
    const calls: Array<[string, Record<string, unknown>]> = [];
    const record = (name: string) => async (args: Record<string, unknown>) => {
      calls.push([name, args]);
      return {};
    };
    const github = {
      paginate: async () => openIssues,
      rest: {
        issues: {
          listForRepo: "listForRepo",
          update: record("update"),
          create: record("create"),
          createComment: record("createComment"),
        },
      },
    };
    const context = { serverUrl: "https://github.com", repo: { owner: "o", repo: "r" }, runId: 7 };
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await new AsyncFunction("github", "context", "require", script)(github, context, require);
    } finally {
      process.chdir(cwd);
      rmSync(dir, { recursive: true, force: true });
    }
    return calls;
  }

  const evidenceOf = (verdict: string, drift: unknown[] = [], failed: unknown[] = []) => ({
    verdict,
    verdictReasons: [
      verdict === "pass"
        ? "no mandatory violation on the 35 resource(s) the policies apply to"
        : "2 mandatory violation(s)",
    ],
    resources: [
      {
        type: "aws:ec2/securityGroup:SecurityGroup",
        name: "claims-api-lb",
        results: failed,
        ...(drift.length > 0 ? { drift } : {}),
      },
    ],
  });
  const TITLE = "Policy review: mandatory violations or drift in deployed stacks";

  it("creates the issue, naming the violation and the drift, when none is open", async () => {
    const calls = await runScript(
      {
        prod: {
          codes: { stack: "prod", refresh: "0", export: "success", review: "1" },
          evidence: evidenceOf(
            "fail",
            [
              {
                policy: "phi-ingress-private-sources",
                fields: ["ingress"],
                declared: "passed",
                actual: "failed",
              },
            ],
            [
              {
                policy: "phi-ingress-private-sources",
                status: "failed",
                enforcementLevel: "mandatory",
                hipaa: { reference: "§164.312(a)(1)" },
              },
            ],
          ),
        },
        dev: {
          codes: { stack: "dev", refresh: "0", export: "success", review: "0" },
          evidence: evidenceOf("pass"),
        },
      },
      [],
    );
    expect(calls.map(([name]) => name)).toEqual(["create"]);
    const body = String(calls[0][1].body);
    expect(calls[0][1]).toMatchObject({ owner: "o", repo: "r", title: TITLE, labels: ["policy-review"] });
    expect(body).toContain("## prod");
    expect(body).toContain(
      '- Mandatory violation: `phi-ingress-private-sources` on aws:ec2/securityGroup:SecurityGroup "claims-api-lb" (§164.312(a)(1)).',
    );
    expect(body).toContain(
      '- Drift: aws:ec2/securityGroup:SecurityGroup "claims-api-lb", field `ingress`: `phi-ingress-private-sources` passed on the declared state, failed on the actual state.',
    );
    expect(body).toContain("https://github.com/o/r/actions/runs/7");
  });

  it("updates the open issue instead of opening another; a refresh that found changes counts", async () => {
    const calls = await runScript(
      {
        dev: {
          codes: { stack: "dev", refresh: "255", export: "success", review: "0" },
          evidence: evidenceOf("pass"),
        },
      },
      [{ number: 12, title: TITLE }],
    );
    expect(calls.map(([name, a]) => [name, a.issue_number])).toEqual([["update", 12]]);
    expect(String(calls[0][1].body)).toContain("`pulumi refresh --preview-only` exited 255");
  });

  it("comments and closes the open issue once every stack is clear; does nothing when none is open", async () => {
    const clear = {
      dev: {
        codes: { stack: "dev", refresh: "0", export: "success", review: "0" },
        evidence: evidenceOf("pass"),
      },
    };
    const calls = await runScript(clear, [{ number: 12, title: TITLE }]);
    expect(calls.map(([name, a]) => [name, a.issue_number, a.state])).toEqual([
      ["createComment", 12, undefined],
      ["update", 12, "closed"],
    ]);
    expect(await runScript(clear, [])).toEqual([]);
  });
});
