import { cfnTemplateInline as policy } from "./cfn-template-inline";
import { runResource, UNKNOWN_STRING } from "../testing/harness";

const STACK = "aws:cloudformation/stack:Stack";
const URL = "https://s3.amazonaws.com/templates/infra.yaml";

const template = {
  AWSTemplateFormatVersion: "2010-09-09",
  Resources: {
    Key: { Type: "AWS::KMS::Key", Properties: { EnableKeyRotation: true } },
  },
};
/** The valid fixture: an inline JSON template. Each case changes one field. */
const valid = { templateBody: JSON.stringify(template) };
const body = (t: unknown) => ({ templateBody: typeof t === "string" ? t : JSON.stringify(t) });
const lines = (v: { diagnostics: { message: string }[] }) =>
  v.diagnostics.map((d) => d.message.split("\n")[1]);

describe("phi-cfn-template-inline", () => {
  it("an inline template passes, JSON or YAML", async () => {
    expect((await runResource(policy, STACK, valid)).diagnostics).toEqual([]);
    const yaml =
      "Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy: !Ref Policy\n";
    expect((await runResource(policy, STACK, body(yaml))).diagnostics).toEqual([]);
  });

  it("other resource types are not applicable", async () => {
    const v = await runResource(policy, "aws:s3/bucket:Bucket", valid);
    expect(v.notApplicable).toEqual(["aws:s3/bucket:Bucket is not a CloudFormation stack"]);
  });

  it.each([
    [
      "Resources: [unclosed",
      "templateBody cannot be read as a CloudFormation template: it is not valid JSON or YAML",
    ],
    [
      '{"Resources": ',
      "templateBody cannot be read as a CloudFormation template: it is not valid JSON or YAML",
    ],
    ["{}", "templateBody cannot be read as a CloudFormation template: it has no Resources section"],
    [
      "just text",
      "templateBody cannot be read as a CloudFormation template: it is not a JSON or YAML object",
    ],
    [
      { Resources: { Key: { Properties: {} } } },
      "templateBody cannot be read as a CloudFormation template: resource Key has no Type",
    ],
    [
      { Resources: { Key: { Type: "AWS::KMS::Key", Properties: [1] } } },
      "templateBody cannot be read as a CloudFormation template: resource Key has Properties that are not an object",
    ],
  ])("an unreadable templateBody %j is blocked without echoing it", async (t, message) => {
    const v = await runResource(policy, STACK, body(t));
    expect(v.mandatory).toHaveLength(1);
    expect(lines(v)[0]).toMatch(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    expect(v.text).not.toContain("unclosed");
  });

  it("an unknown templateBody is undecided at preview", async () => {
    const v = await runResource(policy, STACK, { templateBody: UNKNOWN_STRING });
    expect(v.mandatory).toEqual([]);
    expect(lines(v)).toEqual([
      "templateBody (its resources cannot be judged yet): it is not known at preview; this policy checks it again at `pulumi up`",
    ]);
  });

  it("a template given only by templateUrl is advisory, and blocked with requireInlineTemplate", async () => {
    const byUrl = { templateUrl: URL };
    const v = await runResource(policy, STACK, byUrl);
    expect(v.mandatory).toEqual([]);
    expect(lines(v)).toEqual([
      "the template is given only by templateUrl, so the resources it creates cannot be judged (set requireInlineTemplate to block it)",
    ]);
    const required = await runResource(policy, STACK, byUrl, { requireInlineTemplate: true });
    expect(required.mandatory.map((d) => d.message.split("\n")[1])).toEqual([
      "the template is given only by templateUrl, so the resources it creates cannot be judged",
    ]);
  });

  it("an unknown templateUrl without templateBody is undecided, and blocked with requireInlineTemplate", async () => {
    const v = await runResource(policy, STACK, { templateUrl: UNKNOWN_STRING });
    expect(v.mandatory).toEqual([]);
    expect(v.advisory).toHaveLength(1);
    expect(lines(v)[0]).toContain("templateUrl (whether the stack has a template at all): it is not known");
    const required = await runResource(
      policy,
      STACK,
      { templateUrl: UNKNOWN_STRING },
      { requireInlineTemplate: true },
    );
    expect(required.mandatory).toHaveLength(1);
  });

  it("neither templateBody nor templateUrl is blocked", async () => {
    expect(lines(await runResource(policy, STACK, {}))).toEqual([
      "neither templateBody nor templateUrl is set",
    ]);
  });

  it("nested stacks and a Transform cannot be judged: advisory, blocked with requireInlineTemplate", async () => {
    const nested = body({
      Resources: {
        ...template.Resources,
        Child: { Type: "AWS::CloudFormation::Stack", Properties: { TemplateURL: URL } },
      },
    });
    expect(lines(await runResource(policy, STACK, nested))).toEqual([
      "template resource Child is a nested stack (AWS::CloudFormation::Stack), whose template is not judged (set requireInlineTemplate to block it)",
    ]);
    expect(
      (await runResource(policy, STACK, nested, { requireInlineTemplate: true })).mandatory,
    ).toHaveLength(1);
    const transform = body({ ...template, Transform: "AWS::Serverless-2016-10-31" });
    const v = await runResource(policy, STACK, transform);
    expect(v.mandatory).toEqual([]);
    expect(lines(v)).toEqual([
      "the template declares a Transform, so CloudFormation deploys what its macros make of it, which is not judged (set requireInlineTemplate to block it)",
    ]);
  });
});
