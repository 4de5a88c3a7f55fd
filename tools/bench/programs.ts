/**
 * A generated Pulumi program of N resources for the bench: an ordinary project directory (Pulumi.yaml,
 * a stack file, index.js) like a user's, so `phi-channels check` takes the user's path. Its
 * `node_modules` links to this repository's, so @pulumi/pulumi and @pulumi/aws resolve without an install.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../lib/package-root";

export const GENERATED_PROJECT = "bench-generated";
export const GENERATED_STACK = "bench";

/** Resources per unit of the mix below. */
const UNIT = 5;

/** Writes the program into a new temporary directory and returns it; {@link removeGeneratedProgram} deletes it. */
export function writeGeneratedProgram(resources: number, parent = os.tmpdir()): string {
  const dir = fs.mkdtempSync(path.join(parent, "phi-bench-program-"));
  fs.symlinkSync(path.join(PACKAGE_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `name: ${GENERATED_PROJECT}\nruntime: nodejs\nmain: index.js\n`,
  );
  fs.writeFileSync(path.join(dir, `Pulumi.${GENERATED_STACK}.yaml`), "config:\n  aws:region: us-east-1\n");
  const units = Math.ceil(resources / UNIT);
  // Compliant channel-like resources: every one is governed by some policy, and none fails.
  const program = `"use strict";
const aws = require("@pulumi/aws");
for (let i = 0; i < ${units}; i++) {
  const sg = new aws.ec2.SecurityGroup("sg-" + i, {
    vpcId: "vpc-0123456789abcdef0",
    description: "channel " + i,
    ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10." + (i % 250) + ".0.0/16"], description: "https" }],
  });
  new aws.vpc.SecurityGroupIngressRule("rule-" + i, {
    securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.200.0.0/16", description: "https",
  });
  new aws.lb.TargetGroup("tg-" + i, {
    port: 443, protocol: "HTTPS", vpcId: "vpc-0123456789abcdef0",
    healthCheck: { protocol: "HTTPS", path: "/health" },
  });
  new aws.kms.Key("key-" + i, { enableKeyRotation: true, description: "channel " + i });
  new aws.ec2.Subnet("subnet-" + i, {
    vpcId: "vpc-0123456789abcdef0", cidrBlock: "10." + (i % 250) + ".1.0/24", mapPublicIpOnLaunch: false,
  });
}
`;
  fs.writeFileSync(path.join(dir, "index.js"), program);
  return dir;
}

export function removeGeneratedProgram(dir: string): void {
  if (path.basename(dir).startsWith("phi-bench-program-")) fs.rmSync(dir, { recursive: true, force: true });
}
