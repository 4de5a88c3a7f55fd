/**
 * The TLS-bearing services, one entry each: the policy table the strength rule reads, the resource types
 * that carry a policy, where they carry it and what the API applies when it is unset. Data only: the
 * strength rule (`tls.ts`) and phi-tls-strong-policy read it, so a new service is a new entry here, its
 * policy table in `policies/src/data` and a test.
 */
import classicData from "../data/tls-classic-elb-policies.json";
import elbData from "../data/tls-elb-security-policies.json";
import serviceData from "../data/tls-service-policies.json";
import {
  APIGATEWAY_DOMAIN_NAME,
  APIGATEWAYV2_DOMAIN_NAME,
  CLASSIC_LOAD_BALANCER_POLICY,
  CLASSIC_SSL_NEGOTIATION_POLICY,
  CLOUDFRONT_DISTRIBUTION,
  ELASTICSEARCH_DOMAIN,
  LB_LISTENER,
  OPENSEARCH_DOMAIN,
  TRANSFER_SERVER,
} from "../tokens";

/** A policy as the data tables record it: protocol spellings (`TLSv1.2`, `SSLv3`) and cipher names. */
export interface TlsPolicyEntry {
  protocols: string[];
  /** Null when AWS does not publish the cipher suites. */
  ciphers: string[] | null;
  /** What AWS documents about the ciphers when it does not list them. */
  documentedTraits?: { forwardSecret?: boolean; aead?: boolean };
}

export type TlsPolicyTable = Readonly<Record<string, TlsPolicyEntry>>;

/** One resource type (with its aliases) that carries a TLS policy of its service. */
export interface TlsEndpoint {
  /** Pulumi type tokens: the current one, deprecated ones @pulumi/aws still has, and aliases. */
  tokens: { current: string; deprecated?: readonly string[]; alias?: readonly string[] };
  /** Noun in messages ("is not a known <label> security policy"); the service label when unset. */
  label?: string;
  /**
   * Property path of the policy: a name (`policyName`) or, for classic ELB, the SSL negotiation attribute
   * list (`negotiationAttributes`). The flags below live in the same block as this field.
   */
  policyField: string;
  kind: "policyName" | "negotiationAttributes";
  /** What the API applies when the policy is unset (`policy`, a name in the table), and why that is weak. */
  apiDefault?: { policy: string; effect: string };
  /** Only a listener whose protocol terminates TLS needs a policy; a policy that is set is judged anyway. */
  terminatesTls?: { field: string; protocols: readonly string[]; unknownNote: string; notApplicable: string };
  /** The resource is a TLS policy only when this field has this value (any case). */
  appliesWhen?: { field: string; equals: string; notApplicable: string };
  /** A flag that must be true besides the policy. */
  mustBeTrue?: { field: string; problem: string };
  /** A flag that, when true or when its block is absent, replaces the policy with a weak built-in one. */
  weakWhenTrue?: { field: string; problem: string };
}

export interface TlsService {
  /** Name of the service in the strength rule's problems. */
  label: string;
  policies: TlsPolicyTable;
  /** Names that are known but whose protocols and ciphers AWS no longer documents: never strong. */
  retired?: readonly string[];
  /** How phi-tls-strong-policy's remediation names the strong choices of this service. */
  remediation?: { heading: string; choices: number; suffix?: string };
  /** What the phi-channels components use when the policy is not given. */
  componentDefault?: string;
  /** Classic ELB: what AWS applies to an https/ssl listener with no SSL negotiation policy. */
  listenerDefault?: { policy: string; effect: string };
  endpoints: readonly TlsEndpoint[];
}

const SERVICES = {
  elb: {
    label: "ELB",
    policies: elbData.policies,
    componentDefault: "ELBSecurityPolicy-TLS13-1-3-2021-06",
    remediation: { heading: "ELB listeners", choices: 2 },
    endpoints: [
      {
        tokens: { current: LB_LISTENER[0], alias: [LB_LISTENER[1]] },
        policyField: "sslPolicy",
        kind: "policyName",
        apiDefault: {
          policy: "ELBSecurityPolicy-2016-08",
          effect:
            "the API then applies ELBSecurityPolicy-2016-08, which accepts TLS 1.0 and CBC/SHA-1 ciphers",
        },
        terminatesTls: {
          field: "protocol",
          protocols: ["HTTPS", "TLS"],
          unknownNote: "sslPolicy is required if HTTPS or TLS",
          notApplicable: "listener does not terminate TLS (see phi-tls-listeners-only)",
        },
      },
    ],
  },
  classicElb: {
    label: "Classic ELB",
    policies: classicData.policies,
    retired: classicData.retired,
    listenerDefault: {
      policy: "ELBSecurityPolicy-2016-08",
      effect: "AWS then applies ELBSecurityPolicy-2016-08, which accepts TLS 1.0 and CBC/SHA-1 ciphers",
    },
    endpoints: [
      {
        tokens: { current: CLASSIC_SSL_NEGOTIATION_POLICY },
        label: "classic ELB",
        policyField: "attributes",
        kind: "negotiationAttributes",
      },
      {
        tokens: { current: CLASSIC_LOAD_BALANCER_POLICY },
        label: "classic ELB",
        policyField: "policyAttributes",
        kind: "negotiationAttributes",
        appliesWhen: {
          field: "policyTypeName",
          equals: "SSLNegotiationPolicyType",
          notApplicable: "classic ELB policy is not an SSL negotiation policy",
        },
      },
    ],
  },
  cloudFront: {
    label: "CloudFront",
    policies: serviceData.cloudFront,
    remediation: { heading: "CloudFront", choices: 2, suffix: " with an ACM certificate" },
    endpoints: [
      {
        tokens: { current: CLOUDFRONT_DISTRIBUTION },
        policyField: "viewerCertificate.minimumProtocolVersion",
        kind: "policyName",
        apiDefault: { policy: "TLSv1", effect: "CloudFront then accepts TLSv1" },
        weakWhenTrue: {
          field: "viewerCertificate.cloudfrontDefaultCertificate",
          problem:
            "viewerCertificate uses the default CloudFront certificate, which accepts TLSv1; use an ACM certificate with minimumProtocolVersion",
        },
      },
    ],
  },
  apiGateway: {
    label: "API Gateway",
    policies: serviceData.apiGateway,
    remediation: { heading: "API Gateway", choices: 1 },
    endpoints: [
      {
        tokens: { current: APIGATEWAY_DOMAIN_NAME },
        policyField: "securityPolicy",
        kind: "policyName",
        apiDefault: { policy: "TLS_1_0", effect: "API Gateway then accepts TLS 1.0" },
      },
      {
        tokens: { current: APIGATEWAYV2_DOMAIN_NAME },
        policyField: "domainNameConfiguration.securityPolicy",
        kind: "policyName",
        apiDefault: {
          policy: "TLS_1_2",
          effect: "the API then applies TLS_1_2, which allows RSA key exchange and CBC ciphers",
        },
      },
    ],
  },
  openSearch: {
    label: "OpenSearch",
    policies: serviceData.openSearch,
    remediation: { heading: "OpenSearch (with enforceHttps)", choices: 1 },
    endpoints: [
      {
        tokens: { current: OPENSEARCH_DOMAIN, deprecated: [ELASTICSEARCH_DOMAIN] },
        policyField: "domainEndpointOptions.tlsSecurityPolicy",
        kind: "policyName",
        apiDefault: { policy: "Policy-Min-TLS-1-0-2019-07", effect: "older domains then accept TLS 1.0" },
        mustBeTrue: {
          field: "domainEndpointOptions.enforceHttps",
          problem: "is not true, so the domain also answers plain HTTP",
        },
      },
    ],
  },
  transfer: {
    label: "Transfer Family",
    // Judged on the TLS ciphers (FTPS); the SSH (SFTP) and AS2 algorithms are out of scope of this rule.
    policies: serviceData.transfer,
    remediation: { heading: "Transfer Family", choices: 1 },
    endpoints: [
      {
        tokens: { current: TRANSFER_SERVER },
        policyField: "securityPolicyName",
        kind: "policyName",
        apiDefault: {
          policy: "TransferSecurityPolicy-2018-11",
          effect: "the API then applies TransferSecurityPolicy-2018-11, which accepts CBC and SHA-1",
        },
      },
    ],
  },
} satisfies Record<string, TlsService>;

export type TlsServiceName = keyof typeof SERVICES;

export const TLS_SERVICES: Readonly<Record<TlsServiceName, TlsService>> = SERVICES;
