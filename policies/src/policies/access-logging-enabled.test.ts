import { accessLoggingEnabled as policy } from "./access-logging-enabled";
import { policies } from "./index";
import { runResource, UNKNOWN_OBJECT, UNKNOWN_STRING } from "../testing/harness";

const V1 = "aws:apigateway/stage:Stage";
const V2 = "aws:apigatewayv2/stage:Stage";
const API = "aws:apigatewayv2/api:Api";
const LOGS = {
  destinationArn: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/claims",
  format: '{"requestId":"$context.requestId","status":"$context.status"}',
};
const findings = (v: { mandatory: { message: string }[] }) =>
  v.mandatory.map((d) => d.message.split("\n")[1]);

describe("phi-access-logging-enabled", () => {
  /** One valid stage per type; each case changes one field. */
  const stages: [string, Record<string, unknown>, string][] = [
    [
      V1,
      { restApi: "api-1", deployment: "dep-1", stageName: "prod", accessLogSettings: LOGS },
      "API Gateway REST API stage",
    ],
    [
      V2,
      { apiId: "api-2", name: "$default", autoDeploy: true, accessLogSettings: LOGS },
      "API Gateway v2 (HTTP or WebSocket API) stage",
    ],
  ];

  it.each(stages)("%s: the valid fixture passes", async (type, props) => {
    expect((await runResource(policy, type, props)).diagnostics).toEqual([]);
  });

  it.each(stages)("%s: no accessLogSettings is blocked", async (type, props, what) => {
    const { accessLogSettings: _omit, ...rest } = props;
    expect(findings(await runResource(policy, type, rest))).toEqual([
      `accessLogSettings is not set, so requests through this ${what} are not recorded; set accessLogSettings { destinationArn: <CloudWatch Logs log group or Firehose stream ARN>, format }`,
    ]);
  });

  it.each(stages)("%s: an empty destinationArn or format is blocked", async (type, props, what) => {
    expect(
      findings(
        await runResource(policy, type, { ...props, accessLogSettings: { ...LOGS, destinationArn: "" } }),
      ),
    ).toEqual([`accessLogSettings.destinationArn is not set, so this ${what} records no access logs`]);
    expect(
      findings(
        await runResource(policy, type, {
          ...props,
          accessLogSettings: { destinationArn: LOGS.destinationArn },
        }),
      ),
    ).toEqual([`accessLogSettings.format is not set, so this ${what} records no access logs`]);
  });

  it.each(stages)(
    "%s: unknown settings at preview are advisory, a known gap stays mandatory",
    async (type, props) => {
      const whole = await runResource(policy, type, { ...props, accessLogSettings: UNKNOWN_OBJECT });
      expect(whole.mandatory).toEqual([]);
      expect(whole.advisory.map((d) => d.message.split("\n")[1])).toEqual([
        "accessLogSettings: it is not known at preview; this policy checks it again at `pulumi up`",
      ]);
      const arnUnknown = await runResource(policy, type, {
        ...props,
        accessLogSettings: { ...LOGS, destinationArn: UNKNOWN_STRING },
      });
      expect(arnUnknown.mandatory).toEqual([]);
      expect(arnUnknown.advisory).toHaveLength(1);
      const formatMissing = await runResource(policy, type, {
        ...props,
        accessLogSettings: { destinationArn: UNKNOWN_STRING },
      });
      expect(formatMissing.mandatory).toHaveLength(1);
      expect(formatMissing.advisory).toHaveLength(1);
    },
  );

  it("a quick-created HTTP API (target) has a $default stage without access logs", async () => {
    expect(
      findings(
        await runResource(policy, API, {
          protocolType: "HTTP",
          target: "arn:aws:lambda:us-east-1:123456789012:function:claims",
        }),
      ),
    ).toEqual([
      "target quick-creates a $default stage, which records no access logs; remove target and declare an aws.apigatewayv2.Stage with accessLogSettings",
    ]);
    expect((await runResource(policy, API, { protocolType: "HTTP" })).notApplicable).toEqual([
      "the API declares its stages separately (no quick-create target)",
    ]);
    expect(
      (await runResource(policy, API, { protocolType: "HTTP", target: UNKNOWN_STRING })).advisory,
    ).toHaveLength(1);
  });

  it("other types are not applicable; the pack serves it as a mandatory §164.312(b) policy", async () => {
    expect((await runResource(policy, "aws:apigateway/restApi:RestApi", {})).notApplicable).toEqual([
      "aws:apigateway/restApi:RestApi is not an API Gateway stage or quick-created HTTP API",
    ]);
    expect(policies.map((p) => p.name)).toContain("phi-access-logging-enabled");
    expect(policy.enforcementLevel).toBeUndefined();
    expect(policy.framework?.reference).toBe("§164.312(b)");
  });
});
