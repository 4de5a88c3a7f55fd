import {
  accessScopePorts,
  authorizedPortsParameter,
  blockedCommonPorts,
  elbv2SslPoliciesParameter,
  FLOW_LOG_TRAFFIC_TYPE_PARAMETER,
  guardrailSettingsFrom,
  MANAGED_CONFIG_RULES,
  OBJECT_LOCK_MODE_PARAMETER,
  openSearchTlsPoliciesParameter,
  parseAllowlist,
  portsOutsideAllowlist,
  restrictedPortsParameters,
} from ".";

const allow = (...entries: string[]) => parseAllowlist(entries);

describe("authorizedPortsParameter: the allowlist in VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS' syntax", () => {
  test("single ports and ranges, merged and sorted, per protocol", () => {
    const entries = allow("tcp/5432", "tcp/443", "tcp/1020-1025", "tcp/1024-1030", "udp/500");
    expect(authorizedPortsParameter(entries, "tcp")).toBe("443,1020-1030,5432");
    expect(authorizedPortsParameter(entries, "udp")).toBe("500");
  });

  test("protocol numbers count as their names; none for the protocol is undefined", () => {
    expect(authorizedPortsParameter(allow("6/443"), "tcp")).toBe("443");
    expect(authorizedPortsParameter(allow("tcp/443"), "udp")).toBeUndefined();
  });
});

describe("blocked common ports: the common ports the allowlist does not admit", () => {
  test("the default allowlist blocks the five AWS defaults first", () => {
    expect(restrictedPortsParameters(allow("tcp/443"))).toEqual({
      blockedPort1: 20,
      blockedPort2: 21,
      blockedPort3: 3389,
      blockedPort4: 3306,
      blockedPort5: 4333,
    });
  });

  test("an allowlisted common port moves out and the next one moves in", () => {
    expect(restrictedPortsParameters(allow("tcp/443", "tcp/3306"))).toEqual({
      blockedPort1: 20,
      blockedPort2: 21,
      blockedPort3: 3389,
      blockedPort4: 4333,
      blockedPort5: 1433,
    });
    expect(blockedCommonPorts(allow("tcp/0-6000"))).toEqual([6379, 11211, 27017, 9092]);
  });

  test("every slot is set, repeating the last blocked port, so no AWS default applies", () => {
    expect(restrictedPortsParameters(allow("tcp/0-9091", "tcp/9093-65535"))).toEqual({
      blockedPort1: 9092,
      blockedPort2: 9092,
      blockedPort3: 9092,
      blockedPort4: 9092,
      blockedPort5: 9092,
    });
    expect(restrictedPortsParameters(allow("tcp/*"))).toBeUndefined();
  });
});

describe("portsOutsideAllowlist / accessScopePorts: the complement, from port 1 to 65535", () => {
  test("tcp/443 and tcp/5432 leave three tcp ranges and all of udp", () => {
    expect(accessScopePorts(allow("tcp/443", "tcp/5432"))).toEqual([
      { protocol: "tcp", destinationPorts: ["1-442", "444-5431", "5433-65535"] },
      { protocol: "udp", destinationPorts: ["1-65535"] },
    ]);
  });

  test("edges: a range at either end, and a protocol covered whole", () => {
    expect(portsOutsideAllowlist(allow("tcp/1-100", "tcp/65000-65535"), "tcp")).toEqual(["101-64999"]);
    expect(portsOutsideAllowlist(allow("udp/*"), "udp")).toEqual([]);
    expect(accessScopePorts(allow("tcp/*", "udp/53"))).toEqual([
      { protocol: "udp", destinationPorts: ["1-52", "54-65535"] },
    ]);
  });
});

describe("elbv2SslPoliciesParameter: every strong ELB policy under the floor and profile", () => {
  test("strict at TLS 1.2", () => {
    expect(elbv2SslPoliciesParameter("1.2", "strict").split(",")).toEqual([
      "ELBSecurityPolicy-TLS13-1-3-2021-06",
      "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
      "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
      "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
      "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
      "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
      "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
      "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
      "ELBSecurityPolicy-FS-1-2-Res-2020-10",
    ]);
  });

  test("nist-800-52r2 also accepts the CBC-SHA2 policies; a 1.3 floor only the TLS 1.3 ones", () => {
    const nist = elbv2SslPoliciesParameter("1.2", "nist-800-52r2").split(",");
    expect(nist).toContain("ELBSecurityPolicy-TLS13-1-2-2021-06");
    expect(nist).toContain("ELBSecurityPolicy-FS-1-2-Res-2019-08");
    expect(nist).toHaveLength(14);
    expect(elbv2SslPoliciesParameter("1.3", "strict")).toBe(
      "ELBSecurityPolicy-TLS13-1-3-2021-06,ELBSecurityPolicy-TLS13-1-3-PQ-2025-09,ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04,ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
    );
  });
});

describe("openSearchTlsPoliciesParameter: every strong OpenSearch policy under the floor and profile", () => {
  // The table (tls-service-policies.json) records no cipher suites for any of the four OpenSearch policies,
  // since AWS publishes none: AEAD-only ciphers cannot be shown for any of them, so none is strong and there
  // is no list (the component then leaves OPENSEARCH_HTTPS_REQUIRED out).
  test("the default config (TLS 1.2, strict): none", () => {
    expect(openSearchTlsPoliciesParameter("1.2", "strict")).toBeUndefined();
  });

  test("a TLS 1.3 floor: none", () => {
    expect(openSearchTlsPoliciesParameter("1.3", "strict")).toBeUndefined();
  });

  test("nist-800-52r2, at TLS 1.2 and 1.3: none (Policy-Min-TLS-1-2-PFS-2023-10 documents forward secrecy, not AEAD)", () => {
    expect(openSearchTlsPoliciesParameter("1.2", "nist-800-52r2")).toBeUndefined();
    expect(openSearchTlsPoliciesParameter("1.3", "nist-800-52r2")).toBeUndefined();
  });
});

describe("the fixed parameters and the pack-config reader", () => {
  test("COMPLIANCE lock mode and ALL flow-log traffic", () => {
    expect(OBJECT_LOCK_MODE_PARAMETER).toBe("COMPLIANCE");
    expect(FLOW_LOG_TRAFFIC_TYPE_PARAMETER).toBe("ALL");
  });

  test("reads the two policies' options, defaulting as the pack does", () => {
    expect(
      guardrailSettingsFrom({
        "phi-ingress-allowlisted-ports": { allowedIngress: ["tcp/443", "tcp/5432"] },
        "phi-tls-strong-policy": { minimumTlsVersion: "1.3", tlsProfile: "nist-800-52r2" },
      }),
    ).toEqual({
      allowedIngress: ["tcp/443", "tcp/5432"],
      minimumTlsVersion: "1.3",
      tlsProfile: "nist-800-52r2",
    });
    expect(guardrailSettingsFrom(undefined)).toEqual({
      allowedIngress: ["tcp/443"],
      minimumTlsVersion: "1.2",
      tlsProfile: "strict",
    });
  });

  test("the rule identifiers, as AWS documents them", () => {
    expect(Object.values(MANAGED_CONFIG_RULES).map((r) => r.identifier)).toEqual([
      "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS",
      "INCOMING_SSH_DISABLED",
      "RESTRICTED_INCOMING_TRAFFIC",
      "ELBV2_PREDEFINED_SECURITY_POLICY_SSL_CHECK",
      "ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK",
      "ELB_LOGGING_ENABLED",
      "S3_BUCKET_DEFAULT_LOCK_ENABLED",
      "S3_BUCKET_SSL_REQUESTS_ONLY",
      "VPC_FLOW_LOGS_ENABLED",
      "RDS_STORAGE_ENCRYPTED",
      "ELASTICACHE_REPL_GRP_ENCRYPTED_IN_TRANSIT",
      "ELASTICACHE_REPL_GRP_ENCRYPTED_AT_REST",
      "MSK_IN_CLUSTER_NODE_REQUIRE_TLS",
      "REDSHIFT_REQUIRE_TLS_SSL",
      "SNS_ENCRYPTED_KMS",
      "OPENSEARCH_ENCRYPTED_AT_REST",
      "OPENSEARCH_NODE_TO_NODE_ENCRYPTION_CHECK",
      "OPENSEARCH_HTTPS_REQUIRED",
      "DAX_ENCRYPTION_ENABLED",
      "DAX_TLS_ENDPOINT_ENCRYPTION",
      "DOCDB_CLUSTER_ENCRYPTED",
      "RDS_CLUSTER_ENCRYPTED_AT_REST",
      "DMS_ENDPOINT_SSL_CONFIGURED",
      "NEPTUNE_CLUSTER_ENCRYPTED",
    ]);
  });

  test("the DMS and Neptune rules as their pages document them; Neptune's optional KmsKeyArns unset", () => {
    expect(MANAGED_CONFIG_RULES["dms-endpoint-ssl"]).toEqual({
      identifier: "DMS_ENDPOINT_SSL_CONFIGURED",
      parameters: [],
      resourceTypes: ["AWS::DMS::Endpoint"],
      trigger: "configuration-changes",
      dataService: true,
      regions: "not in every region: see source",
      source: "https://docs.aws.amazon.com/config/latest/developerguide/dms-endpoint-ssl-configured.html",
    });
    expect(MANAGED_CONFIG_RULES["neptune-at-rest"]).toEqual({
      identifier: "NEPTUNE_CLUSTER_ENCRYPTED",
      parameters: [],
      resourceTypes: ["AWS::RDS::DBCluster"],
      trigger: "configuration-changes",
      dataService: true,
      regions: "not in every region: see source",
      source: "https://docs.aws.amazon.com/config/latest/developerguide/neptune-cluster-encrypted.html",
    });
  });

  test("the data-service rules, and the rules AWS offers in some regions only", () => {
    const keys = (pick: (r: (typeof MANAGED_CONFIG_RULES)[keyof typeof MANAGED_CONFIG_RULES]) => unknown) =>
      Object.entries(MANAGED_CONFIG_RULES)
        .filter(([, r]) => pick(r))
        .map(([k]) => k);
    expect(keys((r) => r.dataService)).toEqual([
      "rds-storage-encrypted",
      "elasticache-in-transit",
      "elasticache-at-rest",
      "msk-in-cluster-tls",
      "redshift-require-tls",
      "sns-encrypted-kms",
      "opensearch-at-rest",
      "opensearch-node-to-node",
      "opensearch-https-required",
      "dax-at-rest",
      "dax-in-transit",
      "docdb-at-rest",
      "rds-cluster-at-rest",
      "dms-endpoint-ssl",
      "neptune-at-rest",
    ]);
    expect(keys((r) => r.regions === undefined)).toEqual([
      "sg-restricted-ssh",
      "sg-restricted-common-ports",
      "alb-http-to-https",
      "s3-default-lock",
      "s3-ssl-requests-only",
      "vpc-flow-logs",
    ]);
    expect(MANAGED_CONFIG_RULES["dax-in-transit"].regions).toBe("only in the regions the source lists");
  });
});
