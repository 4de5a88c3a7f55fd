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
  APIGATEWAY_REST_API,
  APIGATEWAYV2_DOMAIN_NAME,
  CLASSIC_LOAD_BALANCER_POLICY,
  CLASSIC_SSL_NEGOTIATION_POLICY,
  CLOUDFRONT_DISTRIBUTION,
  CLOUDFRONT_MULTITENANT_DISTRIBUTION,
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

/** What the API applies when the policy is unset (a name in the table), and why that is weak. */
export interface TlsApiDefault {
  policy: string;
  effect: string;
}

/**
 * An endpoint whose accepted names and default depend on another field (API Gateway's endpoint type):
 * `field` holds one of the `byValue` keys (any case; a one-element list is read as its element), and
 * `default` is what AWS assumes when it is unset.
 */
export interface TlsEndpointVariants {
  field: string;
  default: string;
  byValue: Readonly<Record<string, { accepts: readonly string[]; apiDefault: TlsApiDefault }>>;
}

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
  apiDefault?: TlsApiDefault;
  /** The names AWS accepts for this endpoint (all names of the table when unset). */
  accepts?: readonly string[];
  /** Accepted names and API default by the value of another field; replaces `accepts` and `apiDefault`. */
  variants?: TlsEndpointVariants;
  /** The policy is used only when the list in `field` (AWS default `default`) includes `includes` (any case). */
  appliesWhenListIncludes?: {
    field: string;
    includes: string;
    default: readonly string[];
    notApplicable: string;
  };
  /** The endpoint does not exist (and its policy is not used) when this field is true. */
  notApplicableWhenTrue?: { field: string; notApplicable: string };
  /** What the remediation says when no name this endpoint accepts meets the profile. */
  noneQualifies?: string;
  /** Appended to the strong choices a message names (what else AWS requires with them). */
  choicesNote?: string;
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
  /**
   * How phi-tls-strong-policy's remediation names the strong choices of this service (`accepts`: only
   * among these names), and what it says when none of them qualifies (`none`).
   */
  remediation?: {
    heading: string;
    choices: number;
    suffix?: string;
    accepts?: readonly string[];
    none?: string;
  };
  /** What the phi-channels components use when the policy is not given. */
  componentDefault?: string;
  /** Classic ELB: what AWS applies to an https/ssl listener with no SSL negotiation policy. */
  listenerDefault?: { policy: string; effect: string };
  endpoints: readonly TlsEndpoint[];
}

/** The names each API Gateway endpoint type accepts (AWS's tables), by table. */
const API_GATEWAY_ACCEPTED: Readonly<Record<keyof typeof serviceData.apiGatewayAccepted, readonly string[]>> =
  serviceData.apiGatewayAccepted;

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
    endpoints: [CLOUDFRONT_DISTRIBUTION, CLOUDFRONT_MULTITENANT_DISTRIBUTION].map((token): TlsEndpoint => ({
      tokens: { current: token },
      policyField: "viewerCertificate.minimumProtocolVersion",
      kind: "policyName",
      apiDefault: { policy: "TLSv1", effect: "CloudFront then accepts TLSv1" },
      weakWhenTrue: {
        field: "viewerCertificate.cloudfrontDefaultCertificate",
        problem:
          "viewerCertificate uses the default CloudFront certificate, which accepts TLSv1; use an ACM certificate with minimumProtocolVersion",
      },
    })),
  },
  apiGateway: {
    label: "API Gateway",
    policies: serviceData.apiGateway,
    remediation: {
      heading: "API Gateway REST APIs and custom domains (with endpointAccessMode BASIC or STRICT)",
      choices: 2,
      accepts: API_GATEWAY_ACCEPTED.regional,
      suffix:
        " (edge-optimized: SecurityPolicy_TLS13_2025_EDGE); API Gateway v2 domains accept only TLS_1_0 and TLS_1_2, which fail",
    },
    endpoints: [
      {
        tokens: { current: APIGATEWAY_REST_API },
        label: "API Gateway REST API",
        policyField: "securityPolicy",
        kind: "policyName",
        variants: {
          field: "endpointConfiguration.types",
          default: "EDGE",
          byValue: {
            EDGE: {
              accepts: API_GATEWAY_ACCEPTED.edgeApi,
              apiDefault: {
                policy: "TLS_1_0",
                effect: "the default execute-api endpoint of an edge-optimized API then accepts TLS 1.0",
              },
            },
            REGIONAL: {
              accepts: API_GATEWAY_ACCEPTED.regional,
              apiDefault: {
                policy: "TLS_1_0",
                effect: "the default execute-api endpoint of a Regional API then accepts TLS 1.0",
              },
            },
            PRIVATE: {
              accepts: API_GATEWAY_ACCEPTED.regional,
              apiDefault: {
                policy: "TLS_1_2",
                effect:
                  "the default execute-api endpoint of a private API then applies TLS_1_2, which allows RSA key exchange and CBC ciphers",
              },
            },
          },
        },
        choicesNote: " (a SecurityPolicy_* policy also needs endpointAccessMode BASIC or STRICT)",
        notApplicableWhenTrue: {
          field: "disableExecuteApiEndpoint",
          notApplicable: "the default execute-api endpoint is disabled (clients use a custom domain)",
        },
      },
      {
        tokens: { current: APIGATEWAY_DOMAIN_NAME },
        label: "API Gateway custom domain",
        policyField: "securityPolicy",
        kind: "policyName",
        choicesNote: " (a SecurityPolicy_* policy also needs endpointAccessMode BASIC or STRICT)",
        variants: {
          field: "endpointConfiguration.types",
          default: "EDGE",
          byValue: {
            EDGE: {
              accepts: API_GATEWAY_ACCEPTED.edgeDomain,
              apiDefault: {
                policy: "TLS_1_2",
                effect: "API Gateway then applies TLS_1_2, which allows RSA key exchange and CBC ciphers",
              },
            },
            REGIONAL: {
              accepts: API_GATEWAY_ACCEPTED.regional,
              apiDefault: {
                policy: "TLS_1_2",
                effect: "API Gateway then applies TLS_1_2, which allows RSA key exchange and CBC ciphers",
              },
            },
            PRIVATE: {
              accepts: API_GATEWAY_ACCEPTED.regional,
              apiDefault: {
                policy: "TLS_1_2",
                effect: "API Gateway then applies TLS_1_2, which allows RSA key exchange and CBC ciphers",
              },
            },
          },
        },
      },
      {
        tokens: { current: APIGATEWAYV2_DOMAIN_NAME },
        label: "API Gateway v2 custom domain",
        policyField: "domainNameConfiguration.securityPolicy",
        kind: "policyName",
        accepts: API_GATEWAY_ACCEPTED.v2Domain,
        apiDefault: {
          policy: "TLS_1_2",
          effect: "the API then applies TLS_1_2, which allows RSA key exchange and CBC ciphers",
        },
        noneQualifies:
          "API Gateway v2 custom domains accept only TLS_1_0 and TLS_1_2, and both allow RSA key exchange and CBC ciphers. " +
          "Serve a REST API through an aws.apigateway.DomainName (REGIONAL) with securityPolicy SecurityPolicy_TLS13_1_3_2025_09 and endpointAccessMode STRICT " +
          "(HTTP APIs cannot be mapped to a domain with an enhanced policy, and WebSocket APIs always use TLS_1_2), " +
          "put a load balancer or CloudFront distribution whose TLS policy passes in front of the API, or record an exemption",
      },
    ],
  },
  openSearch: {
    label: "OpenSearch",
    policies: serviceData.openSearch,
    remediation: {
      heading: "OpenSearch (with enforceHttps)",
      choices: 1,
      none: "AWS publishes no cipher suites for any OpenSearch TLS policy, so none can be shown to qualify; Policy-Min-TLS-1-2-PFS-2023-10 is the strongest documented (TLS 1.2+, forward secrecy): keep PHI out of the domain or record an exemption naming it",
    },
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
        noneQualifies:
          "AWS publishes no cipher suites for any OpenSearch TLS policy, so none can be shown to meet the profile; set Policy-Min-TLS-1-2-PFS-2023-10 (TLS 1.2+, forward secrecy documented) and record an exemption, or keep PHI out of the domain",
      },
    ],
  },
  transfer: {
    label: "Transfer Family",
    // Judged on the TLS ciphers (FTPS); the SSH (SFTP) and AS2 algorithms are out of scope of this rule.
    policies: serviceData.transfer,
    remediation: {
      heading: "Transfer Family (FTPS)",
      choices: 1,
      none: "every published policy offers ECDHE CBC-SHA256/SHA384 suites on FTPS: serve SFTP only (the TLS policy is then unused), select tlsProfile nist-800-52r2 (TransferSecurityPolicy-2024-01 meets it), or record an exemption",
    },
    endpoints: [
      {
        tokens: { current: TRANSFER_SERVER },
        policyField: "securityPolicyName",
        kind: "policyName",
        apiDefault: {
          policy: "TransferSecurityPolicy-2018-11",
          effect:
            "the provider then applies TransferSecurityPolicy-2018-11, which offers RSA key-exchange and CBC suites on FTPS",
        },
        // FTPS servers use only the TlsCiphers of the policy; SFTP, AS2 and FTP do not use them.
        appliesWhenListIncludes: {
          field: "protocols",
          includes: "FTPS",
          default: ["SFTP"],
          notApplicable: "the server does not offer FTPS (protocols), so its TLS ciphers are not used",
        },
        noneQualifies:
          "every published Transfer Family policy offers ECDHE CBC-SHA256/SHA384 suites on FTPS: serve SFTP only (remove FTPS from protocols), select tlsProfile nist-800-52r2, or record an exemption",
      },
    ],
  },
} satisfies Record<string, TlsService>;

export type TlsServiceName = keyof typeof SERVICES;

export const TLS_SERVICES: Readonly<Record<TlsServiceName, TlsService>> = SERVICES;
