/**
 * `check` on ordinary Pulumi programs, written the way the public Pulumi examples are
 * (test/fixtures/programs): the real command, spawned in or pointed at the program's folder as a user
 * would, reaching a verdict with the true findings named. Then what the programs received (config,
 * data-source answers) as captured from the mock monitor, and what a user sees when something is wrong.
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runStackProgram, type CapturedResource, type CapturedStack } from "../tools/lib/mock-program";
import { toolArgv } from "./support/cli";

const ROOT = path.resolve(__dirname, "..");
const PROGRAMS = path.join(ROOT, "test", "fixtures", "programs");
const HEAD = execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT }).toString().trim();
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The compiled `phi-channels check` bin, as users run it. */
function check(args: string[], opts: { cwd?: string } = {}): Promise<Run> {
  const argv = toolArgv("check.ts", args);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, FORCE_COLOR: "0" },
    });
    let stdout = "";
    let stderr = "";
    // Decode as a stream: a chunk boundary can split a multi-byte character.
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 150_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

interface Evidence {
  metadata: {
    project: string;
    stack: string;
    programFile: string;
    gitCommit?: string;
    gitCommitMissing?: string;
    source: string;
  };
  verdict: string;
  notAnalysed: Array<{ type: string; name: string; reason: string }>;
  totals: { mandatoryViolations: number; advisoryViolations: number };
  resources: Array<{
    type: string;
    name: string;
    results: Array<{ policy: string; status: string; enforcementLevel?: string; message?: string }>;
  }>;
}

const readEvidence = (dir: string) =>
  JSON.parse(fs.readFileSync(path.join(dir, "evidence.json"), "utf8")) as Evidence;

/** Every failed result as `type "name" policy level`, sorted. */
function findings(e: Evidence): string[] {
  return e.resources
    .flatMap((r) =>
      r.results
        .filter((x) => x.status === "failed")
        .map((x) => `${r.type} "${r.name}" ${x.policy} ${x.enforcementLevel ?? "mandatory"}`),
    )
    .sort();
}

function result(e: Evidence, name: string, policy: string, type?: string) {
  return e.resources
    .find((r) => r.name === name && (type === undefined || r.type === type))
    ?.results.find((x) => x.policy === policy);
}

let tmp: string;
const runs: Record<string, Run> = {};
const captured: Record<string, CapturedStack> = {};
const out = (name: string) => path.join(tmp, name);

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "phi-programs-"));
  // The programs at once: each check is its own processes (program worker, policy pack).
  const cases: Array<[string, string[], { cwd?: string }]> = [
    // Run in the program's folder with no --cwd, as `pulumi preview` is; through the compiled bin.
    ["webserver", ["--out", out("webserver")], { cwd: path.join(PROGRAMS, "webserver") }],
    ["alb-ecs", ["--cwd", path.join(PROGRAMS, "alb-ecs"), "--stack", "prod", "--out", out("alb-ecs")], {}],
    ["static-website", ["--cwd", path.join(PROGRAMS, "static-website"), "--out", out("static-website")], {}],
    ["awsx-fargate", ["--cwd", path.join(PROGRAMS, "awsx-fargate"), "--out", out("awsx-fargate")], {}],
    ["data-sources", ["--cwd", path.join(PROGRAMS, "data-sources"), "--out", out("data-sources")], {}],
    [
      "native-web-server",
      ["--cwd", path.join(PROGRAMS, "native-web-server"), "--out", out("native-web-server")],
      {},
    ],
    // The prod sample's channel with a hand-written database end, under the prod pack config (tcp/5432 allowed).
    [
      "database-broken",
      [
        "--cwd",
        path.join(ROOT, "test", "fixtures", "database-broken"),
        "--stack",
        "prod",
        "--policy-config",
        path.join(ROOT, "policies", "config", "prod.json"),
        "--out",
        out("database-broken"),
      ],
      {},
    ],
    // The same channel with runtime guardrails that create the Config recorder (createRecorder).
    [
      "recorder-on",
      [
        "--cwd",
        path.join(ROOT, "test", "fixtures", "recorder-on"),
        "--stack",
        "prod",
        "--policy-config",
        path.join(ROOT, "policies", "config", "prod.json"),
        "--out",
        out("recorder-on"),
      ],
      {},
    ],
  ];
  // With them, the same programs run through the worker alone, to see what they received.
  const capturing = Promise.all([
    runStackProgram({ stack: "dev", cwd: path.join(PROGRAMS, "webserver") }),
    runStackProgram({ stack: "prod", cwd: path.join(PROGRAMS, "alb-ecs") }),
    runStackProgram({ stack: "staging", cwd: path.join(PROGRAMS, "data-sources") }),
  ]);
  const done = await Promise.all(cases.map(([, args, opts]) => check(args, opts)));
  cases.forEach(([name], i) => (runs[name] = done[i]));
  const [web, alb, ds] = await capturing;
  Object.assign(captured, { web, alb, ds });
}, 170_000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("programs written like the public examples", () => {
  test("a VM web server open on 80 and 22: both ingress rules named, the SSH one from 0.0.0.0/0", () => {
    const r = runs.webserver;
    expect(r.stderr).not.toMatch(/^error:/m);
    expect(r.code).toBe(1);
    // --all is the default: the one stack file found.
    const e = readEvidence(path.join(out("webserver"), "dev"));
    expect(e.metadata).toMatchObject({
      project: "web-server",
      stack: "dev",
      programFile: "index.ts",
      gitCommit: HEAD,
      source: "offline",
    });
    expect(findings(e)).toEqual([
      'aws:ec2/securityGroup:SecurityGroup "web-secgrp" phi-egress-restricted advisory',
      'aws:ec2/securityGroup:SecurityGroup "web-secgrp" phi-ingress-allowlisted-ports mandatory',
      'aws:ec2/securityGroup:SecurityGroup "web-secgrp" phi-ingress-private-sources mandatory',
    ]);
    // ingress[1] is the port-22 rule, its source the project config default (sshSource: 0.0.0.0/0).
    expect(result(e, "web-secgrp", "phi-ingress-allowlisted-ports")?.message).toMatch(
      /ingress\[0\] opens tcp\/80, which is outside the allowlist[\s\S]*ingress\[1\] opens tcp\/22, which is outside the allowlist/,
    );
    expect(result(e, "web-secgrp", "phi-ingress-private-sources")?.message).toContain(
      "ingress[1].cidrBlocks[0] is not within a private range",
    );
    expect(e.resources.map((x) => x.type)).toContain("aws:ec2/instance:Instance");
    expect(r.stdout).toContain(`program: index.ts; git commit: ${HEAD}`);
    expect(r.stdout).toMatch(/^FAIL dev: 2 mandatory violation/m);
  });

  test("an internet-facing ALB in front of an ECS service: public LB, HTTP listener, no access logs, tasks with public IPs", () => {
    const r = runs["alb-ecs"];
    expect(r.code).toBe(1);
    const e = readEvidence(out("alb-ecs"));
    expect(e.metadata).toMatchObject({ project: "alb-ecs", stack: "prod", programFile: "index.ts" });
    expect(findings(e)).toEqual([
      'aws:ec2/securityGroup:SecurityGroup "web-lb" phi-egress-restricted advisory',
      'aws:ec2/securityGroup:SecurityGroup "web-lb" phi-ingress-allowlisted-ports mandatory',
      'aws:ec2/securityGroup:SecurityGroup "web-lb" phi-ingress-private-sources mandatory',
      'aws:ecs/service:Service "app" phi-no-public-endpoints mandatory',
      'aws:lb/listener:Listener "web" phi-tls-listeners-only mandatory',
      'aws:lb/loadBalancer:LoadBalancer "web" phi-lb-access-logs mandatory',
      'aws:lb/loadBalancer:LoadBalancer "web" phi-lb-deletion-protection advisory',
      'aws:lb/loadBalancer:LoadBalancer "web" phi-lb-internal mandatory',
      'aws:lb/targetGroup:TargetGroup "web" phi-tls-listeners-only mandatory',
    ]);
    expect(result(e, "app", "phi-no-public-endpoints")?.message).toContain(
      "networkConfiguration.assignPublicIp is true, so the ECS service or task set has an endpoint reachable from the internet",
    );
    for (const t of [
      "aws:ecs/service:Service",
      "aws:ecs/taskDefinition:TaskDefinition",
      "aws:iam/role:Role",
    ]) {
      expect(e.resources.map((x) => x.type)).toContain(t);
    }
  });

  test("a static website on CloudFront: the default certificate's TLSv1 is named, and its log bucket judged", () => {
    const r = runs["static-website"];
    expect(r.code).toBe(1);
    const e = readEvidence(path.join(out("static-website"), "dev"));
    // CloudFront's access logs go to cdn-logs, an ordinary bucket: the audit trail is not immutable.
    expect(findings(e)).toEqual([
      'aws:cloudfront/distribution:Distribution "cdn" phi-tls-strong-policy mandatory',
      'aws:s3/bucket:Bucket "cdn-logs" phi-audit-log-bucket-immutable mandatory',
    ]);
    expect(result(e, "cdn", "phi-tls-strong-policy")?.message).toContain("default CloudFront certificate");
  });

  test("awsx components: each remote component listed as not analysed offline; incomplete, exit 4", () => {
    const r = runs["awsx-fargate"];
    expect(r.stderr).not.toMatch(/^error:/m);
    expect(r.code).toBe(4);
    for (const [type, name] of [
      ["awsx:ec2:Vpc", "vpc"],
      ["awsx:lb:ApplicationLoadBalancer", "lb"],
      ["awsx:ecs:FargateService", "service"],
    ]) {
      expect(r.stdout).toMatch(
        new RegExp(`${type} "${name}": remote \\(multi-language\\) component.*pulumi preview --policy-pack`),
      );
    }
    expect(r.stdout).toMatch(/^INCOMPLETE dev/m);
    expect(r.stdout).not.toMatch(/^PASS/m);
    const e = readEvidence(path.join(out("awsx-fargate"), "dev"));
    expect(e.totals.mandatoryViolations).toBe(0);
    expect(e.verdict).toBe("incomplete");
    expect(e.notAnalysed.map((n) => `${n.type} ${n.name}`).sort()).toEqual([
      "awsx:ec2:Vpc vpc",
      "awsx:ecs:FargateService service",
      "awsx:lb:ApplicationLoadBalancer lb",
    ]);
    const md = fs.readFileSync(path.join(out("awsx-fargate"), "dev", "evidence.md"), "utf8");
    expect(md).not.toContain("✅");
    expect(md).toContain("not analysed offline");
    expect(e.resources.map((x) => x.type)).toEqual(expect.arrayContaining(["aws:ecs/cluster:Cluster"]));
  });

  test("data sources (AMI, default VPC, SSM): the VPC-only rules pass, the admin SSH port is named", () => {
    const r = runs["data-sources"];
    expect(r.code).toBe(1);
    const e = readEvidence(path.join(out("data-sources"), "staging"));
    expect(e.metadata).toMatchObject({ project: "data-sources", stack: "staging" });
    expect(findings(e)).toEqual([
      'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule "api-admin-ssh" phi-ingress-allowlisted-ports mandatory',
    ]);
    // The sources came from getVpc / getSubnet: private, so these pass.
    expect(result(e, "api-admin-ssh", "phi-ingress-private-sources")?.status).toBe("passed");
    for (const p of [
      "phi-ingress-allowlisted-ports",
      "phi-ingress-private-sources",
      "phi-egress-restricted",
    ]) {
      expect(result(e, "api", p, "aws:ec2/securityGroup:SecurityGroup")?.status).toBe("passed");
    }
    expect(r.stdout).toContain(
      "Secret config data-sources:dbPassword cannot be decrypted offline; a placeholder value was used.",
    );
  });
});

describe("a program on the AWS Cloud Control provider (aws-native)", () => {
  test("its security group, instance, VPC and distribution are judged as their classic forms, in native terms", () => {
    const r = runs["native-web-server"];
    expect(r.stderr).not.toMatch(/^error:/m);
    expect(r.code).toBe(1);
    const e = readEvidence(path.join(out("native-web-server"), "dev"));
    expect(findings(e)).toEqual([
      'aws-native:cloudfront:Distribution "cdn" phi-tls-listeners-only mandatory',
      'aws-native:cloudfront:Distribution "cdn" phi-tls-strong-policy mandatory',
      'aws-native:ec2:Instance "web-server" phi-no-public-endpoints mandatory',
      'aws-native:ec2:SecurityGroup "web" phi-egress-restricted advisory',
      'aws-native:ec2:SecurityGroup "web" phi-ingress-allowlisted-ports mandatory',
      'aws-native:ec2:SecurityGroup "web" phi-ingress-private-sources mandatory',
      'aws-native:ec2:Vpc "vpc" phi-vpc-flow-logs mandatory',
    ]);
    expect(result(e, "web", "phi-ingress-allowlisted-ports")?.message).toMatch(
      /securityGroupIngress\[0\] opens tcp\/22, which is outside the allowlist[\s\S]*securityGroupIngress\[1\] opens tcp\/80/,
    );
    expect(result(e, "web-server", "phi-no-public-endpoints")?.message).toContain(
      "networkInterfaces[0].associatePublicIpAddress is true, so the EC2 instance has an endpoint reachable from the internet",
    );
    const cdn = result(e, "cdn", "phi-tls-listeners-only")?.message;
    expect(cdn).toContain("distributionConfig.defaultCacheBehavior.viewerProtocolPolicy is allow-all");
    expect(cdn).toContain(
      "distributionConfig.origins[0].customOriginConfig.originProtocolPolicy is http-only",
    );
    expect(cdn).toContain(
      "[aws-native:cloudfront:Distribution, judged as aws:cloudfront/distribution:Distribution]",
    );
    expect(r.stdout).toMatch(/^FAIL dev: 6 mandatory violation/m);
  });
});

describe("the sample stack's database end, broken", () => {
  test("each mistake is blocked by the policy for its control, and nothing else fails", () => {
    const r = runs["database-broken"];
    expect(r.stderr).not.toMatch(/^error:/m);
    expect(r.code).toBe(1);
    const e = readEvidence(out("database-broken"));
    expect(e.metadata).toMatchObject({ project: "claims-database-broken", stack: "prod", source: "offline" });
    // tcp/5432 is on the prod allowlist, so the port passes; its internet source does not.
    expect(findings(e)).toEqual([
      'aws:ec2/securityGroup:SecurityGroup "claims-api-db" phi-ingress-private-sources mandatory',
      'aws:rds/cluster:Cluster "claims-api-db" phi-data-at-rest-encrypted mandatory',
      'aws:rds/cluster:Cluster "claims-api-db" phi-data-in-transit-encrypted mandatory',
      'aws:rds/clusterInstance:ClusterInstance "claims-api-db-writer" phi-no-public-endpoints mandatory',
      'aws:rds/clusterParameterGroup:ClusterParameterGroup "claims-api-db" phi-data-in-transit-encrypted mandatory',
    ]);
    expect(
      result(e, "claims-api-db", "phi-data-in-transit-encrypted", "aws:rds/cluster:Cluster")?.message,
    ).toContain(
      "dbClusterParameterGroupName is parameter group claims-api-db, which sets rds.force_ssl to a value that does not enforce TLS",
    );
    expect(
      result(e, "claims-api-db", "phi-data-at-rest-encrypted", "aws:rds/cluster:Cluster")?.message,
    ).toContain("storageEncrypted is not true");
    expect(result(e, "claims-api-db-writer", "phi-no-public-endpoints")?.message).toContain(
      "publiclyAccessible is true, so the Aurora DB cluster instance has an endpoint reachable from the internet",
    );
    expect(
      result(e, "claims-api-db", "phi-ingress-private-sources", "aws:ec2/securityGroup:SecurityGroup")
        ?.message,
    ).toContain("ingress[0].cidrBlocks[0] is not within a private range");
    expect(
      result(e, "claims-api-db", "phi-ingress-allowlisted-ports", "aws:ec2/securityGroup:SecurityGroup")
        ?.status,
    ).toBe("passed");
    expect(r.stdout).toMatch(/^FAIL prod: 5 mandatory violation/m);
  });
});

describe("what the programs received under the mocks", () => {
  const one = (s: CapturedStack, type: string, name: string): CapturedResource => {
    const r = s.resources.find((x) => x.type === type && x.name === name);
    if (!r) throw new Error(`${type} "${name}" not registered`);
    return r;
  };

  test("stack config wins over the project default; a typed default fills what the stack leaves out", () => {
    const web = captured.web;
    expect(web.region).toBe("us-west-2");
    const server = one(web, "aws:ec2/instance:Instance", "web-server-www");
    expect(server.inputs.instanceType).toBe("t3.small");
    expect(server.inputs.ami).toMatch(/^ami-[0-9a-f]{17}$/);
    const sg = one(web, "aws:ec2/securityGroup:SecurityGroup", "web-secgrp");
    expect((sg.inputs.ingress as Array<{ cidrBlocks: string[] }>)[1].cidrBlocks).toEqual(["0.0.0.0/0"]);
    expect(web.outputs.url).toMatch(/^http:\/\/.+\.amazonaws\.com$/);
  });

  test("namespaced stack keys, aws:region from Pulumi.yaml value:, and getPolicyDocument's JSON", () => {
    const alb = captured.alb;
    expect(alb.region).toBe("us-east-2");
    expect(one(alb, "aws:ecs/service:Service", "app").inputs.desiredCount).toBe(2);
    const trust = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "ecs-tasks.amazonaws.com" } },
      ],
    };
    expect(one(alb, "aws:iam/role:Role", "task-exec").inputs.assumeRolePolicy).toBe(
      JSON.stringify(trust, null, 2),
    );
    // The ALB spans the default VPC's three subnets.
    const subnets = one(alb, "aws:lb/loadBalancer:LoadBalancer", "web").inputs.subnets as string[];
    expect(subnets).toHaveLength(3);
    for (const s of subnets) expect(s).toMatch(/^subnet-[0-9a-f]{17}$/);
  });

  test("an async program: default VPC range, subnet, zone, AMI and identity reach the resources", () => {
    const ds = captured.ds;
    const sg = one(ds, "aws:ec2/securityGroup:SecurityGroup", "api");
    expect(sg.inputs.ingress).toEqual([
      expect.objectContaining({ fromPort: 443, toPort: 443, cidrBlocks: ["172.31.0.0/16"] }),
    ]);
    expect(sg.inputs.tags).toEqual({ account: "123456789012", region: "us-east-1" });
    expect(
      one(ds, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "api-admin-ssh").inputs.cidrIpv4,
    ).toBe("172.31.0.0/20");
    const host = one(ds, "aws:ec2/instance:Instance", "api");
    expect(host.inputs).toMatchObject({ availabilityZone: "us-east-1a", instanceType: "t3.micro" });
    expect(host.inputs.ami).toMatch(/^ami-[0-9a-f]{17}$/);
    expect(host.inputs.subnetId).toMatch(/^subnet-[0-9a-f]{17}$/);
    // The secret config reached the program as a secret (its ciphertext never).
    expect((host.inputs.userData as Record<string, unknown>)[SECRET_SIG]).toBeDefined();
    expect(JSON.stringify(ds)).not.toContain("c2VjcmV0LWNpcGhlcnRleHQtZm9yLXRlc3Rz");
    // The returned object is the stack's outputs.
    expect(ds.outputs.amiFromSsm).toMatch(/^ami-[0-9a-f]{17}$/);
    expect(ds.outputs.subnetCidr).toBe("172.31.0.0/20");
    expect(ds.programFile).toBe("index.ts");
  });
});

describe("a user's own program outside this repository", () => {
  let dir: string;
  /** A fresh project: its Pulumi.yaml, a stack file, a program; node_modules linked to ours. */
  function project(files: Record<string, string>): string {
    const d = fs.mkdtempSync(path.join(tmp, "user-"));
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(d, "node_modules"), "dir");
    const all: Record<string, string> = {
      "Pulumi.yaml": "name: user-app\nruntime: nodejs\n",
      "Pulumi.dev.yaml": "config:\n  aws:region: us-east-1\n",
      "package.json": '{ "name": "user-app", "private": true }\n',
      ...files,
    };
    for (const [rel, text] of Object.entries(all)) {
      fs.mkdirSync(path.dirname(path.join(d, rel)), { recursive: true });
      fs.writeFileSync(path.join(d, rel), text);
    }
    return d;
  }

  test("a program that throws: its own error and its line in the user's file, exit 3, nothing written", async () => {
    dir = project({
      "index.ts": [
        'import * as aws from "@pulumi/aws";',
        "",
        "function bucketFor(team: string): aws.s3.Bucket {",
        '  if (team.includes(" ")) throw new Error(`team name "${team}" has a space`);',
        "  return new aws.s3.Bucket(team);",
        "}",
        "",
        'export const bucket = bucketFor("data platform").id;',
        "",
      ].join("\n"),
    });
    const r = await check(["--cwd", dir, "--out", path.join(dir, "evidence")]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('error: the program failed: Error: team name "data platform" has a space');
    expect(r.stderr).toContain("error:     at index.ts:4:33 (bucketFor)");
    expect(r.stderr).toContain("error:     at index.ts:8:23");
    expect(r.stderr).not.toContain("without a result");
    expect(r.stderr).not.toContain("node_modules");
    expect(r.stdout).toBe("");
    expect(fs.existsSync(path.join(dir, "evidence"))).toBe(false);
  }, 60_000);

  test("a JavaScript program in main: src/ (a directory), with --mocks answers; no git repository", async () => {
    dir = project({
      "Pulumi.yaml": "name: user-app\nruntime: nodejs\nmain: src/\n",
      "src/package.json": '{ "name": "user-app-src", "private": true }\n',
      "src/index.js": [
        '"use strict";',
        'const aws = require("@pulumi/aws");',
        "module.exports = async () => {",
        '  const office = await aws.ssm.getParameter({ name: "/corp/office-cidr" });',
        '  const sg = new aws.ec2.SecurityGroup("office", {',
        '    ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [office.value] }],',
        "  });",
        "  console.log(`office range from SSM: ${office.value}`);",
        "  return { sg: sg.id };",
        "};",
        "",
      ].join("\n"),
      "private.mocks.js":
        'exports.calls = { "aws:ssm/getParameter:getParameter": { value: "10.8.0.0/16" } };\n',
      "public.mocks.ts":
        'export const calls = { "aws:ssm/getParameter:getParameter": { value: "198.51.100.0/24" } };\n',
    });
    const [priv, pub] = await Promise.all([
      check(["--cwd", dir, "--mocks", path.join(dir, "private.mocks.js"), "--out", path.join(dir, "a")]),
      check(["--cwd", dir, "--mocks", path.join(dir, "public.mocks.ts"), "--out", path.join(dir, "b")]),
    ]);
    expect(priv.stderr).not.toMatch(/^error:/m);
    const a = readEvidence(path.join(dir, "a", "dev"));
    expect(result(a, "office", "phi-ingress-private-sources")?.status).toBe("passed");
    expect(a.metadata).toMatchObject({ project: "user-app", programFile: "src/index.js" });
    // Not in a git work tree: no commit in the evidence, and the summary says why.
    expect(a.metadata.gitCommit).toBeUndefined();
    expect(a.metadata.gitCommitMissing).toBe("not a git repository");
    expect(fs.readFileSync(path.join(dir, "a", "dev", "evidence.md"), "utf8")).toContain(
      "commit: not a git repository",
    );
    expect(priv.stdout).toContain("program: src/index.js; git commit: not a git repository");
    // The program's own console output is shown, as pulumi shows it.
    expect(priv.stderr).toContain("[dev] program: office range from SSM: 10.8.0.0/16");

    expect(pub.code).toBe(1);
    expect(
      result(readEvidence(path.join(dir, "b", "dev")), "office", "phi-ingress-private-sources")?.status,
    ).toBe("failed");
  }, 90_000);

  test.each([
    [
      "a Python project",
      { "Pulumi.yaml": "name: py\nruntime: python\n" },
      /runtime = "python": .*pulumi preview --policy-pack.*phi-channels evidence/,
    ],
    [
      "a declared config key the stack does not set",
      { "Pulumi.yaml": "name: user-app\nruntime: nodejs\nconfig:\n  owner:\n    type: string\n" },
      /config user-app:owner is missing: Pulumi\.yaml declares it without a default\. Fix: set it in Pulumi\.dev\.yaml/,
    ],
    [
      "a program requiring config nobody set",
      { "index.ts": 'import * as pulumi from "@pulumi/pulumi";\nnew pulumi.Config().require("owner");\n' },
      /Missing required configuration variable 'user-app:owner'/,
    ],
  ])(
    "%s: exit 2, a clear error, no stack trace, nothing written",
    async (_name, files, message) => {
      dir = project({ "index.ts": "export {};\n", ...files });
      const r = await check(["--cwd", dir, "--out", path.join(dir, "evidence")]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(fs.existsSync(path.join(dir, "evidence"))).toBe(false);
    },
    60_000,
  );

  test("a --mocks module that is not a map of answers: exit 2, naming the file, the field and the fix", async () => {
    dir = project({ "index.js": "module.exports = {};\n", "bad.mocks.js": 'exports.calls = ["getAmi"];\n' });
    const r = await check([
      "--cwd",
      dir,
      "--mocks",
      path.join(dir, "bad.mocks.js"),
      "--out",
      path.join(dir, "e"),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `--mocks = "${path.join(dir, "bad.mocks.js")}": calls is an array, not a map of answers. Fix: export "calls"`,
    );
    expect(fs.existsSync(path.join(dir, "e"))).toBe(false);
  }, 60_000);

  test("--cwd without a Pulumi.yaml above it, and the removed --stacks-dir, say what to do instead", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "phi-no-project-"));
    try {
      const r = await check(["--cwd", empty]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /no Pulumi\.yaml in .* or any directory above it\. Fix: run in your Pulumi program's directory/,
      );
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
    const old = await check(["--stacks-dir", "stacks"]);
    expect(old.code).toBe(2);
    expect(old.stderr).toContain("Fix: pass --cwd <directory with Pulumi.yaml>");
  }, 60_000);
});

describe("runtime guardrails that create the Config recorder", () => {
  test("the recorder, its role, delivery channel and status pass the pack beside the channel", () => {
    const r = runs["recorder-on"];
    expect(r.stderr).not.toMatch(/^error:/m);
    expect(r.code).toBe(0);
    const e = readEvidence(out("recorder-on"));
    expect(findings(e)).toEqual([]);
    expect(e.notAnalysed).toEqual([]);
    const names = e.resources.filter((x) => /^aws:(cfg|iam)\//.test(x.type) && !/rule:Rule$/.test(x.type));
    expect(names.map((x) => `${x.type} ${x.name}`).sort()).toEqual([
      "aws:cfg/deliveryChannel:DeliveryChannel claims-api-guardrails-delivery",
      "aws:cfg/recorder:Recorder claims-api-guardrails-recorder",
      "aws:cfg/recorderStatus:RecorderStatus claims-api-guardrails-recorder-status",
      "aws:iam/role:Role claims-api-guardrails-recorder",
      "aws:iam/rolePolicy:RolePolicy claims-api-guardrails-recorder-delivery",
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment claims-api-guardrails-recorder-config-role",
    ]);
    expect(e.resources.filter((x) => x.type === "aws:cfg/rule:Rule")).toHaveLength(24);
    expect(r.stdout).toMatch(/^PASS prod: 0 mandatory violation/m);
  });
});
