/**
 * Reading `pulumi stack export` output (tools/lib/stack-export.ts): the committed prod fixture, every value
 * form the CLI writes (ciphertext and plaintext secrets, resource references, the computed placeholder),
 * resources the engine skips, and each refusal: what is wrong, where, the fix, and never a secret's value.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { SECRET_SIG, SPECIAL_SIG_KEY, UNKNOWN_SENTINEL } from "../tools/lib/analyzer-wire";
import { parseStackExport, StackExportError, type StackExport } from "../tools/lib/stack-export";

const STATE = path.join(__dirname, "fixtures", "state");
const read = (name: string) => readFileSync(path.join(STATE, name), "utf8");
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const STACK_URN = "urn:pulumi:prod::phi-channels::pulumi:pulumi:Stack::phi-channels-prod";
const PROVIDER_URN = "urn:pulumi:prod::phi-channels::pulumi:providers:aws::default_7_48_0";
const BUCKET_URN = "urn:pulumi:prod::phi-channels::aws:s3/bucket:Bucket::audit";

/** A minimal export in the CLI's layout: the stack, the aws default provider, and `extra` resources. */
function exportOf(extra: Array<Record<string, unknown>>, top: Record<string, unknown> = {}): string {
  return JSON.stringify({
    version: 3,
    deployment: {
      manifest: { time: "2026-05-04T09:12:44Z", magic: "x", version: "v3.248.0" },
      secrets_providers: { type: "passphrase", state: { salt: "v1:AAAA:BBBB" } },
      resources: [
        { urn: STACK_URN, custom: false, type: "pulumi:pulumi:Stack" },
        {
          urn: PROVIDER_URN,
          custom: true,
          id: "5d0a7c9e-0000-4000-8000-000000000001",
          type: "pulumi:providers:aws",
          inputs: { region: "us-east-1", version: "7.48.0" },
          outputs: { region: "us-east-1", version: "7.48.0" },
        },
        ...extra,
      ],
    },
    ...top,
  });
}

const bucket = (fields: Record<string, unknown> = {}) => ({
  urn: BUCKET_URN,
  custom: true,
  id: "audit-1a2b3c",
  type: "aws:s3/bucket:Bucket",
  inputs: { objectLockEnabled: true },
  outputs: { objectLockEnabled: true, arn: "arn:aws:s3:::audit-1a2b3c" },
  parent: STACK_URN,
  provider: `${PROVIDER_URN}::5d0a7c9e-0000-4000-8000-000000000001`,
  ...fields,
});

function refusal(text: string): string {
  try {
    parseStackExport(text, "state.json");
  } catch (e) {
    expect(e).toBeInstanceOf(StackExportError);
    return (e as Error).message;
  }
  throw new Error("expected a refusal");
}

describe("the prod fixture (pulumi stack export of the sample prod stack)", () => {
  let exported: StackExport;
  beforeAll(() => {
    exported = parseStackExport(read("prod.json"), "prod.json");
  });

  it("is one stack of deployment version 3, written by pulumi v3.248.0 with the service secrets provider", () => {
    expect(exported).toMatchObject({
      deploymentVersion: 3,
      features: [],
      project: "phi-channels",
      stack: "prod",
      manifest: { time: "2026-05-04T09:12:44.118263Z", version: "v3.248.0" },
      secretsProvider: "service",
      secrets: "encrypted",
      pendingDeletion: 0,
      pendingOperations: [],
    });
    expect(exported.resources).toHaveLength(164);
    expect(exported.resources.filter((r) => r.type === "pulumi:providers:aws")).toHaveLength(1);
    expect(exported.resources.filter((r) => r.type === "pulumi:providers:tls")).toHaveLength(1);
    expect(exported.resources.filter((r) => !r.custom).map((r) => r.type)).toContain("pulumi:pulumi:Stack");
  });

  it("reads a security group with its parent chain, provider reference and dependencies", () => {
    const sg = exported.resources.find(
      (r) => r.type === "aws:ec2/securityGroup:SecurityGroup" && r.name === "claims-api-lb",
    )!;
    expect(sg.urn).toBe(
      "urn:pulumi:prod::phi-channels::phi:channel:PhiChannel$phi:network:AllowlistedSecurityGroup$aws:ec2/securityGroup:SecurityGroup::claims-api-lb",
    );
    expect(sg.parent).toBe(
      "urn:pulumi:prod::phi-channels::phi:channel:PhiChannel$phi:network:AllowlistedSecurityGroup::claims-api-lb",
    );
    expect(sg.provider).toBe(`${PROVIDER_URN}::6f1c1b58-3b0a-4a52-9d0e-2f3b6f7b8e21`);
    expect(sg.inputs.ingress).toBeUndefined();
    expect(sg.outputs.ingress).toEqual([
      expect.objectContaining({ cidrBlocks: ["10.20.0.0/16"], fromPort: 443, toPort: 443, protocol: "tcp" }),
      expect.objectContaining({ cidrBlocks: ["10.21.0.0/16"], fromPort: 443, toPort: 443, protocol: "tcp" }),
    ]);
    expect(sg.propertyDependencies.vpcId).toEqual([
      "urn:pulumi:prod::phi-channels::phi:channel:PhiChannel$phi:network:PrivateNetwork$aws:ec2/vpc:Vpc::claims-api-network",
    ]);
  });

  it("turns ciphertext into a secret of an unknown value and records where it was", () => {
    const key = exported.resources.find(
      (r) => r.type === "tls:index/privateKey:PrivateKey" && r.name === "claims-api-cert-ca",
    )!;
    expect(key.outputs.privateKeyPem).toEqual({ [SIG]: SECRET, value: UNKNOWN_SENTINEL });
    expect(key.encryptedOutputs).toEqual(["privateKeyPem"]);
    expect(key.encryptedInputs).toEqual([]);
    expect(key.outputs.algorithm).toBe("ECDSA");
  });

  it("the drifted fixture differs only in the claims-api-lb group's ingress outputs (tcp/22 from 0.0.0.0/0)", () => {
    const drifted = parseStackExport(read("prod-drifted.json"), "prod-drifted.json");
    const differing = drifted.resources.filter(
      (r, i) => JSON.stringify(r) !== JSON.stringify(exported.resources[i]),
    );
    expect(differing.map((r) => r.name)).toEqual(["claims-api-lb"]);
    expect(differing[0].outputs.ingress).toContainEqual(
      expect.objectContaining({ cidrBlocks: ["0.0.0.0/0"], fromPort: 22, toPort: 22, protocol: "tcp" }),
    );
    expect(differing[0].inputs).toEqual(exported.resources.find((r) => r.urn === differing[0].urn)!.inputs);
  });
});

describe("property values as the CLI writes them", () => {
  it("plaintext secrets (--show-secrets) become secrets of their JSON value", () => {
    const e = parseStackExport(
      exportOf([
        bucket({
          outputs: {
            tags: { [SIG]: SECRET, plaintext: JSON.stringify({ owner: "hunter2-SENTINEL" }) },
            policy: { [SIG]: SECRET, plaintext: '"{\\"Version\\":\\"2012-10-17\\"}"' },
          },
        }),
      ]),
      "state.json",
    );
    const b = e.resources.find((r) => r.urn === BUCKET_URN)!;
    expect(e.secrets).toBe("plaintext");
    expect(b.outputs.tags).toEqual({ [SPECIAL_SIG_KEY]: SECRET_SIG, value: { owner: "hunter2-SENTINEL" } });
    expect(b.outputs.policy).toEqual({ [SIG]: SECRET, value: '{"Version":"2012-10-17"}' });
    expect(b.encryptedOutputs).toEqual([]);
  });

  it("a resource reference becomes the id of a custom resource or the URN of a component", () => {
    const ref = (id?: string) => ({
      [SIG]: "5cf8f73096256a8f31e491e813e4eb8e",
      urn: "urn:pulumi:prod::phi-channels::aws:kms/key:Key::logs",
      ...(id !== undefined ? { id } : {}),
      packageVersion: "7.48.0",
    });
    const e = parseStackExport(
      exportOf([bucket({ inputs: { kms: ref("1234abcd-kms"), component: ref(), unknown: ref("") } })]),
      "state.json",
    );
    expect(e.resources.find((r) => r.urn === BUCKET_URN)!.inputs).toEqual({
      kms: "1234abcd-kms",
      component: "urn:pulumi:prod::phi-channels::aws:kms/key:Key::logs",
      unknown: "urn:pulumi:prod::phi-channels::aws:kms/key:Key::logs",
    });
    expect(e.secrets).toBe("none");
  });

  it("keeps the computed placeholder as the engine's unknown and assets as they are", () => {
    const asset = { [SIG]: "c44067f5952c0a294b673a41bacd8c17", hash: "abc", text: "hello" };
    const e = parseStackExport(
      exportOf([bucket({ outputs: { arn: "04da6b54-80e4-46f7-96ec-b56ff0331ba9", file: asset } })]),
      "state.json",
    );
    expect(e.resources.find((r) => r.urn === BUCKET_URN)!.outputs).toEqual({
      arn: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
      file: asset,
    });
  });

  it("skips resources marked for deletion and lists operations the engine never finished", () => {
    const e = parseStackExport(
      JSON.stringify({
        version: 3,
        deployment: {
          ...JSON.parse(exportOf([bucket(), bucket({ delete: true, id: "audit-old" })])).deployment,
          pending_operations: [{ resource: bucket(), type: "updating" }],
        },
      }),
      "state.json",
    );
    expect(e.pendingDeletion).toBe(1);
    expect(e.resources.map((r) => r.urn)).toEqual([STACK_URN, PROVIDER_URN, BUCKET_URN]);
    expect(e.pendingOperations).toEqual([
      { urn: BUCKET_URN, type: "aws:s3/bucket:Bucket", name: "audit", operation: "updating" },
    ]);
  });

  it("reads version 4 with the features the CLI's reader accepts", () => {
    const e = parseStackExport(
      exportOf([bucket()], { version: 4, features: ["refreshBeforeUpdate", "taint"] }),
      "s",
    );
    expect(e.deploymentVersion).toBe(4);
    expect(e.features).toEqual(["refreshBeforeUpdate", "taint"]);
  });
});

describe("refusals name the file, the place and the fix, and never quote a value", () => {
  it("not JSON, binary, or an event log", () => {
    expect(refusal("password: hunter2-SENTINEL")).toBe(
      "state.json: not JSON, so not a stack export. Fix: pass the file written by `pulumi stack export --stack <stack> --file state.json`.",
    );
    expect(refusal("\u0000\u0001PK hunter2-SENTINEL")).toContain("not JSON (the file looks binary)");
    const log =
      '{"sequence":0,"timestamp":1,"preludeEvent":{"config":{}}}\n{"sequence":1,"timestamp":1,"cancelEvent":{}}\n';
    expect(refusal(log)).toContain(
      "state.json: one engine event per line: an event log (`pulumi preview|up --event-log`) or the output of `pulumi policy analyze --json`, not a stack export.",
    );
  });

  it("other JSON documents: a backend checkpoint, evidence.json, preview --json, anything else", () => {
    expect(refusal(JSON.stringify({ version: 3, checkpoint: { stack: "prod", latest: {} } }))).toContain(
      "it is a checkpoint file of a self-managed backend",
    );
    expect(refusal(JSON.stringify({ metadata: {}, verdict: "pass" }))).toContain(
      "it is a phi-channels evidence.json",
    );
    expect(refusal(JSON.stringify({ steps: [], changeSummary: {} }))).toContain(
      "the output of `pulumi preview --json`",
    );
    const other = refusal(JSON.stringify({ resources: [], password: "hunter2-SENTINEL" }));
    expect(other).toContain('not a stack export: expected an object with "version" and "deployment"');
    expect(other).toContain('found the keys "resources", "password"');
    expect(refusal("[1, 2]")).toContain("found an array");
  });

  it("unsupported versions and features", () => {
    expect(refusal(exportOf([bucket()], { version: 2 }))).toContain(
      "state.json: deployment version 2 is a format of Pulumi CLIs before 2019; this review reads versions 3 and 4. Fix: export the stack with a current Pulumi CLI",
    );
    expect(refusal(exportOf([bucket()], { version: 5 }))).toContain(
      "state.json: deployment version 5 is newer than this review reads (versions 3 and 4). Fix: upgrade phi-channels",
    );
    expect(refusal(exportOf([bucket()], { version: "3" }))).toContain('"version" is a string');
    expect(
      refusal(exportOf([bucket()], { version: 4, features: ["outputDependencies", "taint"] })),
    ).toContain("the export needs the feature(s) outputDependencies, which this review cannot read");
  });

  it("an empty deployment: no resources, or every one marked for deletion", () => {
    const empty = JSON.stringify({ version: 3, deployment: { manifest: {}, resources: [] } });
    expect(refusal(empty)).toBe(
      "state.json: an empty deployment: it holds no resources, so there is nothing to review (a stack never deployed, or destroyed). " +
        "Fix: export a stack that has been deployed (`pulumi stack --show-urns --stack <stack>` lists its resources).",
    );
    expect(refusal(JSON.stringify({ version: 3, deployment: { manifest: {} } }))).toContain(
      "it holds no resources",
    );
    const deleted = JSON.stringify({
      version: 3,
      deployment: {
        resources: [{ urn: STACK_URN, custom: false, type: "pulumi:pulumi:Stack", delete: true }],
      },
    });
    expect(refusal(deleted)).toContain("every resource in it is marked for deletion");
  });

  it("malformed secrets are refused without their ciphertext or plaintext", () => {
    const both = refusal(
      exportOf([
        bucket({ outputs: { tags: { [SIG]: SECRET, ciphertext: "CIPHER-SENTINEL", plaintext: '"P"' } } }),
      ]),
    );
    expect(both).toBe(
      'state.json: deployment.resources[2].outputs.tags: malformed secret value: exactly one of "ciphertext" or "plaintext" must be a non-empty string, as `pulumi stack export` writes it. Fix: export the stack again; do not edit secrets by hand.',
    );
    const notJson = refusal(
      exportOf([bucket({ inputs: { k: { [SIG]: SECRET, plaintext: "hunter2-SENTINEL" } } })]),
    );
    expect(notJson).toContain('deployment.resources[2].inputs.k: the secret\'s "plaintext" is not JSON');
    expect(notJson).not.toContain("hunter2");
    expect(refusal(exportOf([bucket({ outputs: { k: { [SIG]: "feedface" } } })]))).toContain(
      'deployment.resources[2].outputs.k: unrecognised value signature "feedface"',
    );
  });

  it("resources the CLI could not have written", () => {
    expect(refusal(exportOf([bucket({ urn: "audit" })]))).toContain(
      "deployment.resources[2].urn is not a Pulumi URN (urn:pulumi:<stack>::<project>::<type>::<name>)",
    );
    expect(refusal(exportOf([bucket({ type: "aws:s3/bucketV2:BucketV2" })]))).toContain(
      'deployment.resources[2]: type "aws:s3/bucketV2:BucketV2" and the URN\'s type "aws:s3/bucket:Bucket" disagree',
    );
    expect(refusal(exportOf([bucket({ custom: undefined })]))).toContain(
      "deployment.resources[2].custom is missing",
    );
    expect(refusal(exportOf([bucket(), bucket()]))).toContain(
      `deployment.resources[3].urn ${BUCKET_URN} appears twice`,
    );
    expect(
      refusal(exportOf([bucket({ urn: "urn:pulumi:dev::phi-channels::aws:s3/bucket:Bucket::audit" })])),
    ).toContain("deployment.resources[2].urn belongs to phi-channels/dev");
    expect(refusal(exportOf([bucket({ dependencies: "x" })]))).toContain(
      "deployment.resources[2].dependencies is a string; expected an array of strings",
    );
  });
});
