/**
 * The package as another team gets it: `npm pack` here, the tarball installed into a fresh project that
 * this test writes (its own Pulumi.yaml, project name, stack file and program importing the components),
 * with a *different* compatible @pulumi/pulumi than this repository's. Then, in that project:
 * one copy of @pulumi/pulumi, the program type-checks, `npx phi-channels check` names that project and
 * stack, `phi-channels/testing` renders a component in preview and update mode, the installed pack
 * answers over the analyzer protocol from node_modules/phi-channels/policies, and `npm pack` of the
 * installed pack (what `pulumi policy publish` uploads) still works without the sources.
 *
 * Packs with --ignore-scripts: the tarball holds what `npm ci` / `npm run build` built, and a rebuild
 * here would rewrite policies/bin under the other test files that are running the pack.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { startPolicyPack, type PolicyPackProcess } from "../../tools/lib/analyzer-client";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..", "..");
/** A compatible @pulumi/pulumi other than the one this repository pins (3.248.0). */
const CONSUMER_PULUMI = "3.239.0";
const ENV = { ...process.env, FORCE_COLOR: "0", NO_UPDATE_NOTIFIER: "1", npm_config_fund: "false" };

let tmp: string;
let project: string;
let tarball: string;

async function sh(cmd: string, args: string[], cwd: string, timeout = 170_000) {
  try {
    const r = await run(cmd, args, { cwd, env: ENV, timeout, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof err.code === "number" ? err.code : -1,
      stdout: err.stdout ?? "",
      stderr: err.stderr ?? "",
    };
  }
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
  fs.writeFileSync(path.join(project, file), text);
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "phi-consumer-"));
  const packed = await sh("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", tmp], ROOT);
  expect(packed.code).toBe(0);
  tarball = path.join(tmp, (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0].filename);

  project = path.join(tmp, "acme-ehr-infra");
  fs.mkdirSync(project);
  write(
    "package.json",
    JSON.stringify(
      {
        name: "acme-ehr-infra",
        version: "1.0.0",
        private: true,
        main: "index.ts",
        dependencies: { "@pulumi/pulumi": CONSUMER_PULUMI, "phi-channels": `file:${tarball}` },
        devDependencies: { typescript: "5.9.3", "@types/node": "20.19.43" },
      },
      null,
      2,
    ),
  );
  // Pulumi's TypeScript template settings (classic node resolution: subpaths resolve through typesVersions),
  // and a second config with nodenext resolution (subpaths through the exports map).
  write(
    "tsconfig.json",
    JSON.stringify({
      compilerOptions: {
        strict: true,
        outDir: "bin",
        target: "es2020",
        module: "commonjs",
        moduleResolution: "node",
        sourceMap: true,
        experimentalDecorators: true,
        forceConsistentCasingInFileNames: true,
        skipLibCheck: true,
      },
      files: ["index.ts", "render.ts"],
    }),
  );
  write(
    "tsconfig.nodenext.json",
    JSON.stringify({
      extends: "./tsconfig.json",
      compilerOptions: { module: "nodenext", moduleResolution: "nodenext", noEmit: true },
    }),
  );
  write(
    "Pulumi.yaml",
    "name: acme-ehr\nruntime:\n  name: nodejs\n  options:\n    typescript: true\ndescription: referrals channel\n",
  );
  write(
    "Pulumi.staging.yaml",
    'config:\n  aws:region: us-west-2\n  acme-ehr:allowedSources:\n    - "10.50.0.0/16"\n',
  );
  write(
    "index.ts",
    [
      'import * as pulumi from "@pulumi/pulumi";',
      'import { PhiChannel } from "phi-channels";',
      "",
      "const config = new pulumi.Config();",
      'const channel = new PhiChannel("referrals", {',
      '  allowedSources: config.requireObject<string[]>("allowedSources"),',
      '  tags: { owner: "referrals-team" },',
      "});",
      "export const manifest = channel.manifest;",
      "",
    ].join("\n"),
  );
  // A consumer's own unit test, written against phi-channels/testing and phi-channels/rules.
  write(
    "render.ts",
    [
      'import { PhiChannel } from "phi-channels";',
      'import { parseAllowlist, DEFAULT_ALLOWED_INGRESS } from "phi-channels/rules";',
      'import { outputValue, renderUnderMocks } from "phi-channels/testing";',
      "",
      "async function main(): Promise<void> {",
      "  const out: Record<string, unknown> = {",
      "    allowlist: parseAllowlist(DEFAULT_ALLOWED_INGRESS),",
      "  };",
      "  for (const preview of [true, false]) {",
      "    const r = await renderUnderMocks(",
      '      () => new PhiChannel("referrals", { allowedSources: ["10.50.0.0/16"] }),',
      '      { preview, project: "acme-ehr", stack: "unit" },',
      "    );",
      '    const listener = r.one("aws:lb/listener:Listener");',
      '    out[preview ? "preview" : "update"] = {',
      "      listener: { port: listener.inputs.port, protocol: listener.inputs.protocol, sslPolicy: listener.inputs.sslPolicy },",
      '      ingressRules: r.byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((x) => x.inputs.cidrIpv4),',
      "      loadBalancerArn: await outputValue(r.result.loadBalancer.loadBalancer.arn),",
      "    };",
      "  }",
      "  process.stdout.write(JSON.stringify(out));",
      "}",
      "main().catch((e) => {",
      "  console.error(e);",
      "  process.exit(1);",
      "});",
      "",
    ].join("\n"),
  );
  const installed = await sh("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], project);
  if (installed.code !== 0) throw new Error(`npm install failed:\n${installed.stderr}`);
}, 240_000);

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

test("the tarball ships the components, rules, testing entry, CLI and the compiled pack, and no sources", () => {
  const pkg = path.join(project, "node_modules", "phi-channels");
  for (const f of [
    "dist/components/index.js",
    "dist/components/index.d.ts",
    "dist/policies/src/rules/index.d.ts",
    "dist/tools/testing/index.d.ts",
    "dist/tools/cli.js",
    "policies/PulumiPolicy.yaml",
    "policies/package.json",
    "policies/bin/index.js",
    "policies/config/prod.json",
  ]) {
    expect(fs.existsSync(path.join(pkg, f))).toBe(true);
  }
  expect(fs.existsSync(path.join(pkg, "components", "PhiChannel.ts"))).toBe(false);
  expect(fs.existsSync(path.join(pkg, "policies", "src"))).toBe(false);
  expect(
    fs.readFileSync(path.join(pkg, "dist", "tools", "cli.js"), "utf8").startsWith("#!/usr/bin/env node\n"),
  ).toBe(true);
});

test("the consumer ends up with one @pulumi/pulumi: its own, shared by phi-channels, aws, tls and policy", async () => {
  const ls = await sh("npm", ["ls", "@pulumi/pulumi", "--all", "--json"], project);
  expect(ls.code).toBe(0);
  const versions = new Set<string>();
  const walk = (deps: Record<string, { version?: string; dependencies?: Record<string, unknown> }> = {}) => {
    for (const [name, d] of Object.entries(deps)) {
      if (name === "@pulumi/pulumi" && d.version) versions.add(d.version);
      walk(d.dependencies as never);
    }
  };
  walk((JSON.parse(ls.stdout) as { dependencies: never }).dependencies);
  expect([...versions]).toEqual([CONSUMER_PULUMI]);
  const copies = fs
    .readdirSync(path.join(project, "node_modules"), { recursive: true, encoding: "utf8" })
    .filter((p) => p.split(path.sep).join("/").endsWith("@pulumi/pulumi/package.json"));
  expect(copies).toEqual([path.join("@pulumi", "pulumi", "package.json")]);
});

test.each(["tsconfig.nodenext.json", "tsconfig.json"])(
  "the consumer's program and tests type-check against the shipped declarations (%s)",
  async (tsconfig) => {
    const tsc = await sh(
      process.execPath,
      [path.join(project, "node_modules", "typescript", "bin", "tsc"), "-p", tsconfig],
      project,
    );
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.code).toBe(0);
  },
);

test("phi-channels/testing renders a component in preview and in update mode", async () => {
  const r = await sh(process.execPath, [path.join(project, "bin", "render.js")], project);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout) as Record<
    string,
    { listener: unknown; ingressRules: string[]; loadBalancerArn: unknown }
  > & {
    allowlist: unknown;
  };
  expect(out.allowlist).toEqual([{ protocol: 6, range: { from: 443, to: 443 }, text: "tcp/443" }]);
  for (const mode of ["preview", "update"]) {
    expect(out[mode].listener).toEqual({
      port: 443,
      protocol: "HTTPS",
      sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06",
    });
    expect(out[mode].ingressRules).toEqual(["10.50.0.0/16"]);
  }
  expect(out.update.loadBalancerArn).toMatch(
    /^arn:aws:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer\/app\//,
  );
});

test("npx phi-channels check runs the consumer's own program and names its project and stack", async () => {
  const help = await sh("npx", ["--no-install", "phi-channels", "--help"], project);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/check/);
  expect(help.stdout).toMatch(/evidence/);

  const out = path.join(project, "evidence-staging");
  const r = await sh(
    "npx",
    ["--no-install", "phi-channels", "check", "--stack", "staging", "--out", out],
    project,
  );
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
  expect(r.code).toBe(0);
  const evidence = JSON.parse(fs.readFileSync(path.join(out, "evidence.json"), "utf8")) as {
    verdict: string;
    metadata: {
      project: string;
      stack: string;
      programFile?: string;
      gitCommit?: string;
      gitCommitMissing?: string;
    };
    resources: Array<{ type: string; name: string }>;
  };
  expect(evidence.verdict).toBe("pass");
  expect(evidence.metadata.project).toBe("acme-ehr");
  expect(evidence.metadata.stack).toBe("staging");
  expect(evidence.metadata.programFile).toBe("index.ts");
  // The consumer's directory, not phi-channels', is what the commit is read from.
  expect(evidence.metadata.gitCommit).toBeUndefined();
  expect(evidence.metadata.gitCommitMissing).toBe("not a git repository");
  expect(
    evidence.resources.some((x) => x.type === "aws:lb/listener:Listener" && x.name === "referrals-https"),
  ).toBe(true);
});

test("npx phi-channels evidence converts an event log from the installed package", async () => {
  const log = path.join(ROOT, "test", "fixtures", "event-logs", "preview-clean.ndjson");
  const out = path.join(project, "evidence-from-log");
  const r = await sh(
    "npx",
    ["--no-install", "phi-channels", "evidence", "--event-log", log, "--out", out],
    project,
  );
  expect(r.stderr).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/);
  expect(r.code).toBe(0);
  const evidence = JSON.parse(fs.readFileSync(path.join(out, "evidence.json"), "utf8")) as {
    verdict: string;
    metadata: { source: string };
    policies: Array<{ policy: string; hipaa?: { reference: string } }>;
  };
  expect(evidence.verdict).toBe("pass");
  expect(evidence.metadata.source).toBe("event-log");
  // Our policies are mapped to HIPAA from the installed pack's metadata.
  expect(evidence.policies.find((p) => p.policy === "phi-ingress-allowlisted-ports")?.hipaa?.reference).toBe(
    "§164.312(a)(1)",
  );
});

describe("the installed pack, from node_modules/phi-channels/policies", () => {
  let pack: PolicyPackProcess;
  const packDir = () => path.join(project, "node_modules", "phi-channels", "policies");
  beforeAll(async () => {
    pack = await startPolicyPack(packDir());
  });
  afterAll(async () => {
    await pack?.close();
  });

  test("starts under run-policy-pack with the consumer's @pulumi/pulumi and @pulumi/policy, and blocks port 22", async () => {
    const info = await pack.getAnalyzerInfo();
    expect(info.name).toBe("phi-channels-hipaa");
    await pack.configure({});
    const result = await pack.analyze({
      type: "aws:ec2/securityGroup:SecurityGroup",
      name: "ssh",
      urn: "urn:pulumi:staging::acme-ehr::aws:ec2/securityGroup:SecurityGroup::ssh",
      properties: {
        ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],
      },
    });
    const blocked = result.diagnostics
      .filter((d) => d.enforcementLevel === "mandatory")
      .map((d) => d.policyName);
    expect(blocked).toEqual(
      expect.arrayContaining(["phi-ingress-allowlisted-ports", "phi-ingress-private-sources"]),
    );
  });

  test("npm pack of the installed pack (what pulumi policy publish uploads) works without the sources", async () => {
    const dest = fs.mkdtempSync(path.join(tmp, "publish-"));
    const r = await sh("npm", ["pack", "--json", "--pack-destination", dest], packDir());
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const files = (JSON.parse(r.stdout) as Array<{ files: Array<{ path: string }> }>)[0].files.map(
      (f) => f.path,
    );
    expect(files).toEqual(expect.arrayContaining(["PulumiPolicy.yaml", "package.json", "bin/index.js"]));
  });
});
