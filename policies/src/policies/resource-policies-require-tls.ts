import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { hipaaFramework } from "../framework";
import { dependenciesOf, Findings, isUnknown, outputs, StackIndex } from "../policy-kit";
import {
  deniesInsecureTransport,
  parsePolicyDocument,
  SNS_DEFAULT_POLICY_ID,
  sqsQueueArnCandidates,
  type PolicyDocument,
  type ResourceRequirement,
  type TlsDenyTarget,
} from "../rules";
import { SNS_TOPIC, SNS_TOPIC_POLICY, SQS_QUEUE, SQS_QUEUE_POLICY } from "../tokens";

const DESCRIPTION =
  'SQS queues and SNS topics that carry PHI must refuse requests made without TLS: a resource policy that denies every action to everyone when aws:SecureTransport is "false".';

/** A resource whose policy is its own `policy` field or that of separate policy resources naming it. */
interface Channel {
  /** Noun in messages. */
  label: string;
  service: string;
  owner: string;
  policyType: string;
  /** The policy resource as programs write it. */
  policyLabel: string;
  /** The policy resource's field that names its owner, and the owner outputs that field can hold. */
  reference: string;
  ownerKeys: readonly string[];
  /** The owner's ARN candidates from a value of `reference` (a queue URL, a topic ARN). */
  arnsFrom(ref: string): string[] | undefined;
  /** The owner's own `policy` output is SNS's default policy, not one the program set. */
  generatedByAws(id: string | undefined): boolean;
}

const CHANNELS: readonly Channel[] = [
  {
    label: "queue",
    service: "sqs",
    owner: SQS_QUEUE,
    policyType: SQS_QUEUE_POLICY,
    policyLabel: "aws.sqs.QueuePolicy",
    reference: "queueUrl",
    ownerKeys: ["url", "id"],
    arnsFrom: sqsQueueArnCandidates,
    generatedByAws: () => false,
  },
  {
    label: "topic",
    service: "sns",
    owner: SNS_TOPIC,
    policyType: SNS_TOPIC_POLICY,
    policyLabel: "aws.sns.TopicPolicy",
    reference: "arn",
    ownerKeys: ["arn", "id"],
    arnsFrom: (ref) => (ref.startsWith("arn:") ? [ref] : undefined),
    generatedByAws: (id) => id === SNS_DEFAULT_POLICY_ID,
  },
];

const ALL_TYPES = CHANNELS.flatMap((c) => [c.owner, c.policyType]);

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null && v !== "";
}

/** What the TLS deny must cover: the owner's ARN (known, from its URL/ARN output, or unknown at preview). */
function ownerTarget(c: Channel, owner: PolicyResource): TlsDenyTarget {
  const o = outputs(owner);
  let candidates: string[] | undefined;
  if (typeof o.arn === "string" && o.arn.startsWith("arn:") && !isUnknown(o.arn)) candidates = [o.arn];
  for (const key of c.ownerKeys) {
    const v = o[key];
    if (!candidates && typeof v === "string" && !isUnknown(v)) candidates = c.arnsFrom(v);
  }
  return targetOf(c, candidates);
}

function targetOf(
  c: Channel,
  candidates: string[] | undefined,
  label = `the ${c.label} (its ARN)`,
): TlsDenyTarget {
  const req: ResourceRequirement = candidates
    ? { kind: "arn", candidates, label }
    : { kind: "unknown", label };
  return { service: c.service, resources: [req] };
}

/** Judges one policy document against the target; `path` names it in the message. */
function judge(c: Channel, path: string, doc: PolicyDocument, target: TlsDenyTarget, f: Findings): void {
  const v = deniesInsecureTransport(doc, target);
  if (v.denies === "unknown") f.unknown(path, `${c.label} policy`);
  else if (!v.denies)
    f.violation(
      `${path} does not deny every request with aws:SecureTransport = "false": ${v.reasons.join("; ")}`,
    );
}

function checkChannel(c: Channel, stack: StackIndex, report: (f: Findings, urn: string) => void): void {
  const owners = stack.ofTypes([c.owner]);
  const byKey = new Map<string, PolicyResource>();
  for (const o of owners)
    for (const key of c.ownerKeys) {
      const v = outputs(o)[key];
      if (typeof v === "string" && v !== "" && !isUnknown(v)) byKey.set(v, o);
    }
  const ownerTypes = new Set([c.owner]);
  const attached = new Map<string, PolicyResource[]>();
  // Policies whose owner is not known at preview (no value, no dependency): they may be any owner's.
  const unresolved: PolicyResource[] = [];
  for (const p of stack.ofTypes([c.policyType])) {
    const ref = outputs(p)[c.reference];
    const named = typeof ref === "string" && !isUnknown(ref) ? byKey.get(ref) : undefined;
    const targets = named ? [named] : dependenciesOf(p, c.reference, ownerTypes);
    if (targets.length > 0) {
      for (const t of targets) attached.set(t.urn, [...(attached.get(t.urn) ?? []), p]);
      continue;
    }
    // A policy for a queue or topic outside this stack, or one not known yet: its document is judged
    // against what it names.
    const f = new Findings();
    const candidates = typeof ref === "string" && !isUnknown(ref) ? c.arnsFrom(ref) : undefined;
    if (isUnknown(ref) || ref === undefined) unresolved.push(p);
    judge(
      c,
      "policy",
      parsePolicyDocument(outputs(p).policy, isUnknown),
      targetOf(c, candidates, `the ${c.label} that ${c.reference} names`),
      f,
    );
    report(f, p.urn);
  }
  for (const owner of owners) {
    const f = new Findings();
    const separate = attached.get(owner.urn) ?? [];
    const target = ownerTarget(c, owner);
    const sources: { path: string; doc: PolicyDocument }[] = separate.map((p) => ({
      path: `${p.name}.policy`,
      doc: parsePolicyDocument(outputs(p).policy, isUnknown),
    }));
    const inline = outputs(owner).policy;
    // The owner's own policy may be written again on any update, so it must deny too, unless it is the
    // default SNS generated and a policy resource replaces.
    if (isSet(inline)) {
      const doc = parsePolicyDocument(inline, isUnknown);
      const generated = doc.kind === "document" && c.generatedByAws(doc.id);
      if (!(generated && separate.length > 0)) sources.unshift({ path: "policy", doc });
    }
    if (sources.length === 0) {
      if (unresolved.length > 0)
        f.unknown(
          `${unresolved[0].name}.${c.reference}`,
          `which ${c.label} that ${c.policyLabel} sets the policy of`,
        );
      else
        f.violation(
          `has no ${c.label} policy denying requests with aws:SecureTransport = "false"; set policy (or add an ${c.policyLabel}) with a Deny of ${c.service}:* to Principal "*" on the ${c.label}'s ARN when aws:SecureTransport is "false"`,
        );
    }
    for (const s of sources) judge(c, s.path, s.doc, target, f);
    report(f, owner.urn);
  }
}

export const resourcePoliciesRequireTls: StackValidationPolicy = {
  name: "phi-resource-policies-require-tls",
  description: DESCRIPTION,
  severity: "high",
  framework: hipaaFramework("e1"),
  tags: ["tls", "sqs", "sns", "resource-policy", "hipaa"],
  remediationSteps:
    'Give every queue (aws.sqs.QueuePolicy or the queue\'s policy) and topic (aws.sns.TopicPolicy or the topic\'s policy) a statement { Effect: "Deny", Principal: "*", Action: "sqs:*" (or "sns:*"), Resource: <its ARN>, Condition: { Bool: { "aws:SecureTransport": "false" } } } with no other condition.',
  validateStack: (args, reportViolation) => {
    const stack = new StackIndex(args.resources);
    if (stack.ofTypes(ALL_TYPES).length === 0)
      args.notApplicable("no SQS queues or SNS topics in this stack");
    const report = (f: Findings, urn: string) => f.report(reportViolation, DESCRIPTION, urn);
    for (const c of CHANNELS) checkChannel(c, stack, report);
  },
};
