import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { hipaaFramework } from "../framework";
import { configWithDefaults, field, Findings, rawProps, reportAdvisory, UNKNOWN } from "../policy-kit";
import { templateOf } from "../shapes";
import { CFN_TEMPLATE_INLINE_DESCRIPTION, CLOUDFORMATION_STACK } from "../tokens";

const DESCRIPTION = CFN_TEMPLATE_INLINE_DESCRIPTION;

export const cfnTemplateInlineConfigSchema = {
  properties: {
    requireInlineTemplate: {
      type: "boolean",
      description:
        "Block (at the policy's level) a stack whose template the pack cannot read: given only by templateUrl, with nested stacks, or with a Transform (macros). Default false: reported as advisory.",
      default: false,
    },
  },
} satisfies PolicyConfigSchema;

export interface CfnTemplateInlineConfig {
  requireInlineTemplate: boolean;
}

export const cfnTemplateInline: ResourceValidationPolicy = {
  name: "phi-cfn-template-inline",
  description: DESCRIPTION,
  severity: "high",
  framework: hipaaFramework("a1"),
  tags: ["cloudformation", "hipaa"],
  remediationSteps:
    "Pass the template as templateBody (JSON or YAML) rather than templateUrl, without nested stacks (AWS::CloudFormation::Stack) or Transform; its resources are then judged by every policy of the pack, as the aws-native resources of the same CloudFormation types.",
  configSchema: cfnTemplateInlineConfigSchema,
  validateResource: (args, reportViolation) => {
    if (args.type !== CLOUDFORMATION_STACK) args.notApplicable(`${args.type} is not a CloudFormation stack`);
    const config = configWithDefaults<CfnTemplateInlineConfig>(args, cfnTemplateInlineConfigSchema);
    const props = rawProps(args.props);
    const f = new Findings();
    const unreadable: string[] = [];
    const template = templateOf(props);
    if (template.kind === "unknown") f.unknown("templateBody", "its resources cannot be judged yet");
    else if (template.kind === "invalid")
      f.violation(`templateBody cannot be read as a CloudFormation template: ${template.reason}`);
    else if (template.kind === "absent") {
      const url = field(props, "templateUrl");
      // Unknown: a URL (advisory by default) or none (a violation); blocked either way with the option.
      if (url === UNKNOWN)
        if (config.requireInlineTemplate)
          f.violation(
            "templateBody is not set, so the template cannot be judged (templateUrl is not known at preview)",
          );
        else f.unknown("templateUrl", "whether the stack has a template at all");
      else if (typeof url === "string" && url !== "")
        unreadable.push(
          "the template is given only by templateUrl, so the resources it creates cannot be judged",
        );
      else f.violation("neither templateBody nor templateUrl is set");
    } else {
      for (const id of template.nestedStacks)
        unreadable.push(
          `template resource ${id} is a nested stack (AWS::CloudFormation::Stack), whose template is not judged`,
        );
      if (template.transform)
        unreadable.push(
          "the template declares a Transform, so CloudFormation deploys what its macros make of it, which is not judged",
        );
    }
    for (const m of unreadable)
      if (config.requireInlineTemplate) f.violation(m);
      else reportAdvisory(reportViolation, DESCRIPTION, `${m} (set requireInlineTemplate to block it)`);
    f.report(reportViolation, DESCRIPTION);
  },
};
