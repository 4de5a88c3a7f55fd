import { resourcePoliciesRequireTls as policy } from "./resource-policies-require-tls";
import { runStack, secret, UNKNOWN_STRING, type StackResourceSpec } from "../testing/harness";

const QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:claims";
const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/claims";
const TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:alerts";

const deny = (action: string, resource: unknown) => ({
  Sid: "DenyInsecureTransport",
  Effect: "Deny",
  Principal: "*",
  Action: action,
  Resource: resource,
  Condition: { Bool: { "aws:SecureTransport": "false" } },
});
const doc = (...statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const SQS_DENY = doc(deny("sqs:*", QUEUE_ARN));
const SNS_DENY = doc(deny("sns:*", TOPIC_ARN));
/** What SNS puts on a topic created without a policy (its `policy` output). */
const SNS_DEFAULT = JSON.stringify({
  Version: "2008-10-17",
  Id: "__default_policy_ID",
  Statement: [
    {
      Sid: "__default_statement_ID",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: ["SNS:Publish", "SNS:Subscribe"],
      Resource: TOPIC_ARN,
      Condition: { StringEquals: { "AWS:SourceOwner": "123456789012" } },
    },
  ],
});

const queue = (props: Record<string, unknown> = {}): StackResourceSpec => ({
  type: "aws:sqs/queue:Queue",
  name: "claims",
  props: { name: "claims", arn: QUEUE_ARN, url: QUEUE_URL, id: QUEUE_URL, ...props },
});
const queuePolicy = (
  props: Record<string, unknown> = {},
  deps?: Record<string, string[]>,
): StackResourceSpec => ({
  type: "aws:sqs/queuePolicy:QueuePolicy",
  name: "claims-policy",
  props: { queueUrl: QUEUE_URL, policy: SQS_DENY, ...props },
  deps,
});
const topic = (props: Record<string, unknown> = {}): StackResourceSpec => ({
  type: "aws:sns/topic:Topic",
  name: "alerts",
  props: { name: "alerts", arn: TOPIC_ARN, id: TOPIC_ARN, ...props },
});
const topicPolicy = (
  props: Record<string, unknown> = {},
  deps?: Record<string, string[]>,
): StackResourceSpec => ({
  type: "aws:sns/topicPolicy:TopicPolicy",
  name: "alerts-policy",
  props: { arn: TOPIC_ARN, policy: SNS_DENY, ...props },
  deps,
});

/** Each finding as "<level> <resource name>: <finding line>". */
async function findings(specs: StackResourceSpec[]): Promise<string[]> {
  const v = await runStack(policy, specs);
  return v.diagnostics.map(
    (d) => `${d.enforcementLevel} ${d.urn?.split("::").pop()}: ${d.message.split("\n")[1]}`,
  );
}

const AT_UP = "it is not known at preview; this policy checks it again at `pulumi up`";

describe("phi-resource-policies-require-tls: SQS", () => {
  it("a queue with a QueuePolicy denying sqs:* without TLS passes, wired by URL, by id or by dependency", async () => {
    expect(await findings([queue(), queuePolicy()])).toEqual([]);
    expect(await findings([queue({ url: undefined }), queuePolicy()])).toEqual([]);
    expect(
      await findings([
        queue({ arn: QUEUE_ARN, url: UNKNOWN_STRING, id: UNKNOWN_STRING }),
        queuePolicy({ queueUrl: UNKNOWN_STRING }, { queueUrl: ["claims"] }),
      ]),
    ).toEqual([]);
  });

  it("the queue's own policy counts, as a string or an object", async () => {
    expect(await findings([queue({ policy: SQS_DENY })])).toEqual([]);
    expect(await findings([queue({ policy: { Statement: [deny("sqs:*", "*")] } })])).toEqual([]);
  });

  it("a queue with no policy is a violation", async () => {
    expect(await findings([queue()])).toEqual([
      'mandatory claims: has no queue policy denying requests with aws:SecureTransport = "false"; set policy (or add an aws.sqs.QueuePolicy) with a Deny of sqs:* to Principal "*" on the queue\'s ARN when aws:SecureTransport is "false"',
    ]);
  });

  it.each<[string, string, string]>([
    [
      "the deny covers only sqs:SendMessage",
      doc(deny("sqs:SendMessage", QUEUE_ARN)),
      'Statement[0] does not cover every action (Action must be "sqs:*" or "*"; NotAction never does)',
    ],
    [
      "the deny is written for S3 actions",
      doc(deny("s3:*", QUEUE_ARN)),
      'Statement[0] does not cover every action (Action must be "sqs:*" or "*"; NotAction never does)',
    ],
    [
      "the deny names another queue",
      doc(deny("sqs:*", "arn:aws:sqs:us-east-1:123456789012:other")),
      "Statement[0] does not cover the queue (its ARN)",
    ],
    [
      "the deny adds a second condition aws:SourceVpce",
      doc({
        ...deny("sqs:*", QUEUE_ARN),
        Condition: {
          Bool: { "aws:SecureTransport": "false" },
          StringNotEquals: { "aws:SourceVpce": "vpce-1" },
        },
      }),
      'Statement[0] has a condition besides aws:SecureTransport = "false" (conditions are ANDed, so it exempts requests)',
    ],
    [
      "the deny's Principal is a single role",
      doc({ ...deny("sqs:*", QUEUE_ARN), Principal: { AWS: "arn:aws:iam::123456789012:role/app" } }),
      'Statement[0] does not apply to everyone (Principal must be "*" or {"AWS": "*"}; NotPrincipal never does)',
    ],
    [
      "the policy only allows",
      doc({ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE_ARN }),
      'no Deny statement has the condition aws:SecureTransport = "false"',
    ],
    ["the policy is not JSON", "{not json", "the policy is not valid JSON"],
  ])("blocks the queue when %s", async (_l, text, reason) => {
    expect(await findings([queue(), queuePolicy({ policy: text })])).toEqual([
      `mandatory claims: claims-policy.policy does not deny every request with aws:SecureTransport = "false": ${reason}`,
    ]);
  });

  it("the queue's own policy and a QueuePolicy: SQS keeps one of them, so each must deny", async () => {
    expect(
      await findings([queue({ policy: doc(deny("sqs:SendMessage", QUEUE_ARN)) }), queuePolicy()]),
    ).toEqual([
      'mandatory claims: policy does not deny every request with aws:SecureTransport = "false": Statement[0] does not cover every action (Action must be "sqs:*" or "*"; NotAction never does)',
    ]);
  });

  it("a policy reached through its dependency is judged on the queue", async () => {
    const bad = doc(deny("sqs:ReceiveMessage", QUEUE_ARN));
    expect(
      await findings([
        queue(),
        queuePolicy({ queueUrl: UNKNOWN_STRING, policy: bad }, { queueUrl: ["claims"] }),
      ]),
    ).toEqual([
      'mandatory claims: claims-policy.policy does not deny every request with aws:SecureTransport = "false": Statement[0] does not cover every action (Action must be "sqs:*" or "*"; NotAction never does)',
    ]);
  });

  it("unknown at preview: the document, or the queue's ARN when the deny names it", async () => {
    expect(await findings([queue(), queuePolicy({ policy: UNKNOWN_STRING })])).toEqual([
      `advisory claims: claims-policy.policy (queue policy): ${AT_UP}`,
    ]);
    const newQueue = queue({ arn: UNKNOWN_STRING, url: UNKNOWN_STRING, id: UNKNOWN_STRING });
    const wired = (p: string) =>
      queuePolicy({ queueUrl: UNKNOWN_STRING, policy: p }, { queueUrl: ["claims"] });
    expect(await findings([newQueue, wired(SQS_DENY)])).toEqual([
      `advisory claims: claims-policy.policy (queue policy): ${AT_UP}`,
    ]);
    // Resource "*" covers the queue whatever its ARN; a known too-narrow action stays mandatory.
    expect(await findings([newQueue, wired(doc(deny("sqs:*", "*")))])).toEqual([]);
    expect(await findings([newQueue, wired(doc(deny("sqs:SendMessage", "*")))])).toHaveLength(1);
  });

  it("a QueuePolicy whose queue is not known at preview: the queue without policy is undecided", async () => {
    expect(await findings([queue(), queuePolicy({ queueUrl: UNKNOWN_STRING })])).toEqual([
      `advisory claims-policy: policy (queue policy): ${AT_UP}`,
      `advisory claims: claims-policy.queueUrl (which queue that aws.sqs.QueuePolicy sets the policy of): ${AT_UP}`,
    ]);
  });

  it("a QueuePolicy for a queue outside the stack is judged on its own, against the queue its URL names", async () => {
    const elsewhere = "https://sqs.eu-west-1.amazonaws.com/210987654321/intake";
    const intakeArn = "arn:aws:sqs:eu-west-1:210987654321:intake";
    expect(
      await findings([
        queuePolicy({
          queueUrl: elsewhere,
          policy: doc(deny("sqs:*", "arn:*:sqs:eu-west-1:210987654321:intake")),
        }),
      ]),
    ).toEqual([]);
    expect(
      await findings([queuePolicy({ queueUrl: elsewhere, policy: doc(deny("sqs:SendMessage", intakeArn)) })]),
    ).toEqual([
      'mandatory claims-policy: policy does not deny every request with aws:SecureTransport = "false": Statement[0] does not cover every action (Action must be "sqs:*" or "*"; NotAction never does)',
    ]);
    expect(await findings([queuePolicy({ queueUrl: elsewhere })])).toEqual([
      'mandatory claims-policy: policy does not deny every request with aws:SecureTransport = "false": Statement[0] does not cover the queue that queueUrl names',
    ]);
  });

  it("never prints the queue URL or the policy text, secret or not", async () => {
    const v = await runStack(policy, [
      queue({ url: secret("https://sqs.us-east-1.amazonaws.com/123456789012/sentinel77") }),
      queuePolicy({
        queueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/sentinel77",
        policy: secret("{sentinel77"),
      }),
    ]);
    expect(v.mandatory.map((d) => d.urn)).toEqual(["urn:pulumi:test::phi::aws:sqs/queue:Queue::claims"]);
    expect(v.text.replace(/urn:[^\n ]*/g, "")).not.toContain("sentinel77");
  });
});

describe("phi-resource-policies-require-tls: SNS", () => {
  it("a topic with a TopicPolicy denying sns:* without TLS passes, wired by ARN or by dependency", async () => {
    expect(await findings([topic(), topicPolicy()])).toEqual([]);
    expect(
      await findings([
        topic({ arn: TOPIC_ARN, id: UNKNOWN_STRING }),
        topicPolicy({ arn: UNKNOWN_STRING }, { arn: ["alerts"] }),
      ]),
    ).toEqual([]);
  });

  it("SNS's default policy on the topic is not the program's when a TopicPolicy replaces it", async () => {
    expect(await findings([topic({ policy: SNS_DEFAULT }), topicPolicy()])).toEqual([]);
  });

  it("a topic left with SNS's default policy, or with none, is a violation", async () => {
    expect(await findings([topic({ policy: SNS_DEFAULT })])).toEqual([
      'mandatory alerts: policy does not deny every request with aws:SecureTransport = "false": no Deny statement has the condition aws:SecureTransport = "false"',
    ]);
    expect(await findings([topic()])).toEqual([
      'mandatory alerts: has no topic policy denying requests with aws:SecureTransport = "false"; set policy (or add an aws.sns.TopicPolicy) with a Deny of sns:* to Principal "*" on the topic\'s ARN when aws:SecureTransport is "false"',
    ]);
  });

  it("the topic's own policy counts", async () => {
    expect(await findings([topic({ policy: SNS_DENY })])).toEqual([]);
  });

  it("a deny written for SQS does not cover SNS actions", async () => {
    expect(await findings([topic(), topicPolicy({ policy: doc(deny("sqs:*", TOPIC_ARN)) })])).toEqual([
      'mandatory alerts: alerts-policy.policy does not deny every request with aws:SecureTransport = "false": Statement[0] does not cover every action (Action must be "sns:*" or "*"; NotAction never does)',
    ]);
  });

  it("an unknown topic policy is an advisory", async () => {
    expect(await findings([topic(), topicPolicy({ policy: UNKNOWN_STRING })])).toEqual([
      `advisory alerts: alerts-policy.policy (topic policy): ${AT_UP}`,
    ]);
  });
});

describe("phi-resource-policies-require-tls: scope", () => {
  it("a stack without queues or topics is not applicable", async () => {
    const v = await runStack(policy, [{ type: "aws:s3/bucket:Bucket", name: "b", props: { bucket: "b" } }]);
    expect(v.diagnostics).toEqual([]);
    expect(v.notApplicable).toHaveLength(1);
  });
});
