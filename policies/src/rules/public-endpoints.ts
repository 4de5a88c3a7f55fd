/**
 * Which settings give a resource an endpoint reachable from the internet, and how a value of one is
 * judged: the table is ../data/public-endpoints.json (defaults and sources), the resource types are here
 * (from ../tokens). Pure functions over plain values; the pack passes its test for unknown values.
 */
import data from "../data/public-endpoints.json";
import {
  APPRUNNER_SERVICE,
  DMS_INSTANCE_PROFILE,
  DMS_REPLICATION_INSTANCE,
  EC2_INSTANCE,
  EC2_LAUNCH_CONFIGURATION,
  EC2_LAUNCH_TEMPLATE,
  EC2_SPOT_FLEET_REQUEST,
  EC2_SPOT_INSTANCE_REQUEST,
  ECS_SERVICE,
  ECS_TASK_SET,
  EIP,
  EIP_ASSOCIATION,
  EKS_CLUSTER,
  ELASTICSEARCH_DOMAIN,
  EVENT_TARGET,
  LAMBDA_FUNCTION_URL,
  MQ_BROKER,
  MSK_CLUSTER,
  NEPTUNE_CLUSTER_INSTANCE,
  OPENSEARCH_DOMAIN,
  OPENSEARCH_SERVERLESS_SECURITY_POLICY,
  PIPE,
  RDS_CLUSTER_INSTANCE,
  RDS_INSTANCE,
  RDS_SHARD_GROUP,
  REDSHIFT_CLUSTER,
  REDSHIFT_SERVERLESS_WORKGROUP,
  SCHEDULER_SCHEDULE,
  TRANSFER_SERVER,
} from "../tokens";
import type { IsUnknown, Tri } from "./iam-policy";

type EndpointId = keyof typeof data.endpoints;

/** The resource types of each table entry: every token @pulumi/aws 7.48 has for it. */
const TYPES: Record<EndpointId, readonly string[]> = {
  rdsInstance: [RDS_INSTANCE],
  rdsClusterInstance: [RDS_CLUSTER_INSTANCE],
  rdsShardGroup: [RDS_SHARD_GROUP],
  neptuneClusterInstance: [NEPTUNE_CLUSTER_INSTANCE],
  redshiftCluster: [REDSHIFT_CLUSTER],
  redshiftServerlessWorkgroup: [REDSHIFT_SERVERLESS_WORKGROUP],
  mqBroker: [MQ_BROKER],
  mskCluster: [MSK_CLUSTER],
  dmsReplicationInstance: [DMS_REPLICATION_INSTANCE],
  dmsInstanceProfile: [DMS_INSTANCE_PROFILE],
  searchDomain: [OPENSEARCH_DOMAIN, ELASTICSEARCH_DOMAIN],
  openSearchServerlessSecurityPolicy: [OPENSEARCH_SERVERLESS_SECURITY_POLICY],
  ec2Instance: [EC2_INSTANCE, EC2_SPOT_INSTANCE_REQUEST],
  launchTemplate: [EC2_LAUNCH_TEMPLATE],
  launchConfiguration: [EC2_LAUNCH_CONFIGURATION],
  spotFleetRequest: [EC2_SPOT_FLEET_REQUEST],
  eip: [EIP],
  eipAssociation: [EIP_ASSOCIATION],
  ecsService: [ECS_SERVICE, ECS_TASK_SET],
  eventTarget: [EVENT_TARGET],
  schedule: [SCHEDULER_SCHEDULE],
  pipe: [PIPE],
  eksCluster: [EKS_CLUSTER],
  appRunnerService: [APPRUNNER_SERVICE],
  transferServer: [TRANSFER_SERVER],
  lambdaFunctionUrl: [LAMBDA_FUNCTION_URL],
};

export type PublicWhen = "true" | "notIn" | "set" | "nonEmptyList" | "emptyList" | "allowFromPublic";

export interface PublicEndpointCheck {
  /** Input path, `[]` for every element of a list (`networkInterfaces[].associatePublicIpAddress`). */
  field: string;
  segments: readonly { key: string; list: boolean }[];
  public: PublicWhen;
  /** For `notIn`: the values that keep it private. */
  private?: readonly string[];
  /** What an unset field means: AWS's (or the provider's) default. */
  unset: "private" | "public" | "explicit";
  /** The check applies only when this top-level field has this value (any case). */
  when?: { field: string; equals: string };
  /** The setting that closes it, as AWS accepts it. */
  fix: string;
  source: string;
}

export interface PublicEndpointKind {
  id: EndpointId;
  label: string;
  types: readonly string[];
  checks: readonly PublicEndpointCheck[];
}

function segments(field: string): { key: string; list: boolean }[] {
  return field
    .split(".")
    .map((s) => (s.endsWith("[]") ? { key: s.slice(0, -2), list: true } : { key: s, list: false }));
}

export const PUBLIC_ENDPOINT_KINDS: readonly PublicEndpointKind[] = (Object.keys(TYPES) as EndpointId[]).map(
  (id) => ({
    id,
    label: data.endpoints[id].label,
    types: TYPES[id],
    checks: data.endpoints[id].checks.map((c) => ({
      ...c,
      public: c.public as PublicWhen,
      unset: c.unset as PublicEndpointCheck["unset"],
      segments: segments(c.field),
    })),
  }),
);

const BY_TYPE = new Map<string, PublicEndpointKind>(
  PUBLIC_ENDPOINT_KINDS.flatMap((k) => k.types.map((t) => [t, k] as const)),
);

/** Every resource type phi-no-public-endpoints reads. */
export const PUBLIC_ENDPOINT_TYPES: readonly string[] = [...BY_TYPE.keys()];

export function publicEndpointKind(type: string): PublicEndpointKind | undefined {
  return BY_TYPE.get(type);
}

/** One value a check reads, at its path (`networkInterfaces[1].associatePublicIpAddress`). */
export interface FieldValue {
  path: string;
  /** The value; undefined when unset; an unknown value as the engine sent it. */
  value: unknown;
  /** The value stopped at `path` (unknown there, or not an object / list as the check expects). */
  stop?: "unknown" | "shape";
}

/**
 * The values a check reads: one per element of every `[]` list on the way (an unset or empty list has no
 * elements, so nothing to check). An unset block makes the leaf unset; an unknown one stops there.
 */
export function valuesAt(props: unknown, check: PublicEndpointCheck, isUnknown: IsUnknown): FieldValue[] {
  let frontier: FieldValue[] = [{ path: "", value: props }];
  for (const seg of check.segments) {
    const next: FieldValue[] = [];
    for (const node of frontier) {
      if (node.stop) {
        next.push(node);
        continue;
      }
      const path = node.path ? `${node.path}.${seg.key}` : seg.key;
      if (node.value === undefined || node.value === null) {
        if (!seg.list) next.push({ path, value: undefined });
        continue;
      }
      if (typeof node.value !== "object" || Array.isArray(node.value)) {
        next.push({ ...node, stop: "shape" });
        continue;
      }
      const v = (node.value as Record<string, unknown>)[seg.key];
      if (isUnknown(v)) next.push({ path, value: v, stop: "unknown" });
      else if (!seg.list) next.push({ path, value: v });
      else if (v === undefined || v === null) continue;
      else if (!Array.isArray(v)) next.push({ path, value: v, stop: "shape" });
      else
        v.forEach((e, i) =>
          next.push(
            isUnknown(e)
              ? { path: `${path}[${i}]`, value: e, stop: "unknown" }
              : { path: `${path}[${i}]`, value: e },
          ),
        );
    }
    frontier = next;
  }
  return frontier;
}

/** What a known value (or its absence) means. `invalid`: a shape AWS does not accept, judged as public. */
export type Exposure = "public" | "private" | "unset-public" | "unset-explicit" | "invalid" | "unknown";

function unsetExposure(check: PublicEndpointCheck): Exposure {
  return check.unset === "private" ? "private" : check.unset === "public" ? "unset-public" : "unset-explicit";
}

export function exposure(check: PublicEndpointCheck, value: unknown, isUnknown: IsUnknown): Exposure {
  if (isUnknown(value)) return "unknown";
  const unset = value === undefined || value === null;
  switch (check.public) {
    case "true":
      if (unset) return unsetExposure(check);
      if (value === true || (typeof value === "string" && value.toLowerCase() === "true")) return "public";
      if (value === false || (typeof value === "string" && value.toLowerCase() === "false")) return "private";
      return "invalid";
    case "notIn":
      if (unset) return unsetExposure(check);
      if (typeof value !== "string") return "invalid";
      return (check.private ?? []).some((p) => p.toUpperCase() === value.toUpperCase())
        ? "private"
        : "public";
    case "set":
      if (unset || value === "") return unsetExposure(check);
      return typeof value === "string" ? "public" : "invalid";
    case "nonEmptyList":
      if (unset) return unsetExposure(check);
      if (!Array.isArray(value)) return "invalid";
      return value.length > 0 ? "public" : "private";
    case "emptyList":
      if (unset) return unsetExposure(check);
      if (!Array.isArray(value)) return "invalid";
      return value.length > 0 ? "private" : "public";
    case "allowFromPublic": {
      if (unset) return unsetExposure(check);
      const open = allowsFromPublic(value, isUnknown);
      return open === "invalid" ? "invalid" : open === "unknown" ? "unknown" : open ? "public" : "private";
    }
  }
}

/**
 * An OpenSearch Serverless network policy (a JSON list of rule objects, or one object) opens a collection
 * to the internet when any rule has `AllowFromPublic: true`.
 */
export function allowsFromPublic(policy: unknown, isUnknown: IsUnknown): Tri | "invalid" {
  let doc: unknown = policy;
  if (typeof policy === "string") {
    try {
      doc = JSON.parse(policy);
    } catch {
      return "invalid";
    }
  }
  if (!doc || typeof doc !== "object") return "invalid";
  let unknown = false;
  for (const rule of Array.isArray(doc) ? doc : [doc]) {
    if (isUnknown(rule)) {
      unknown = true;
      continue;
    }
    if (!rule || typeof rule !== "object" || Array.isArray(rule)) return "invalid";
    const open = (rule as Record<string, unknown>).AllowFromPublic;
    if (isUnknown(open)) unknown = true;
    else if (open === true || (typeof open === "string" && open.toLowerCase() === "true")) return true;
  }
  return unknown ? "unknown" : false;
}
