import * as fs from "node:fs";
import * as path from "node:path";
import { bucketNameOf, LOG_SOURCES } from "./audit-buckets";

describe("the log-source table (data/log-sources.json)", () => {
  it("lists exactly these sources, each with what AWS documents it can write to", () => {
    expect(
      LOG_SOURCES.map((s) => [
        s.id,
        s.bucket,
        s.encryption ??
          Object.fromEntries(Object.entries(s.encryptionBy!.values).map(([k, v]) => [k, v.encryption])),
      ]),
    ).toEqual([
      ["lb-access-logs", "accessLogs.bucket", { application: ["SSE-S3"], network: ["SSE-S3", "SSE-KMS"] }],
      ["lb-connection-logs", "connectionLogs.bucket", ["SSE-S3"]],
      ["classic-elb-access-logs", "accessLogs.bucket", ["SSE-S3"]],
      ["vpc-flow-logs", "logDestination", ["SSE-S3", "SSE-KMS"]],
      ["cloudtrail", "s3BucketName", ["SSE-S3", "SSE-KMS"]],
      ["cloudfront-standard-logs", "loggingConfig.bucket", ["SSE-S3", "SSE-KMS"]],
      ["s3-server-access-logs", "targetBucket", ["SSE-S3"]],
      ["s3-server-access-logs-inline", "logging.targetBucket", ["SSE-S3"]],
      ["s3-server-access-logs-inline-v2", "loggings[].targetBucket", ["SSE-S3"]],
      [
        "network-firewall-logs",
        "loggingConfiguration.logDestinationConfigs[].logDestination.bucketName",
        ["SSE-S3", "SSE-KMS"],
      ],
      ["waf-logs", "logDestinationConfigs[]", ["SSE-S3", "SSE-KMS"]],
      [
        "cloudwatch-log-delivery",
        "deliveryDestinationConfiguration.destinationResourceArn",
        ["SSE-S3", "SSE-KMS"],
      ],
    ]);
  });

  it("every token is a resource type @pulumi/aws declares", () => {
    const awsDir = path.dirname(require.resolve("@pulumi/aws/package.json"));
    for (const token of LOG_SOURCES.flatMap((s) => s.tokens)) {
      const [, module, file] = /^aws:([a-z0-9]+)\/([A-Za-z0-9]+):[A-Za-z0-9]+$/.exec(token)!;
      const source = fs.readFileSync(path.join(awsDir, module, `${file}.js`), "utf8");
      expect({ token, declared: source.includes(`__pulumiType = '${token}'`) }).toEqual({
        token,
        declared: true,
      });
    }
  });

  it("bucketNameOf reads names and S3 ARNs (with a prefix)", () => {
    expect(bucketNameOf("phi-logs")).toBe("phi-logs");
    expect(bucketNameOf("arn:aws:s3:::phi-logs/alb/")).toBe("phi-logs");
    expect(bucketNameOf("arn:aws-us-gov:s3:::phi.logs")).toBe("phi.logs");
  });
});
