import * as fs from "node:fs";
import * as path from "node:path";
import {
  compareVersions,
  DATA_SERVICES,
  defaultGroupEnforcement,
  enforcesTls,
  engineOfFamily,
  familyVersion,
  isAccepted,
  isDefaultGroupName,
  numericVersion,
  RELATIONAL_ENGINES,
  relationalEngineKey,
  tlsParameterFor,
} from "./data-services";
import { DATA_SERVICE_TOKENS } from "../tokens";

describe("data/data-services.json", () => {
  it("names exactly the tokens of tokens.ts, and each of them is a real @pulumi/aws 7.x __pulumiType", () => {
    const rel = DATA_SERVICES.relational;
    const inData = new Set([
      ...rel.databases.flatMap((d) => [d.token, ...d.groupTokens, ...(d.optionTokens ?? [])]),
      ...rel.parameterGroups.map((g) => g.token),
      ...DATA_SERVICES.inTransit.flatMap((e) => e.tokens),
      ...DATA_SERVICES.atRest.flatMap((e) => e.tokens),
    ]);
    expect([...inData].sort()).toEqual([...DATA_SERVICE_TOKENS].sort());
    // Read as text (loading @pulumi/aws takes seconds): the class file declares its type token.
    const root = path.dirname(require.resolve("@pulumi/aws/package.json"));
    for (const token of DATA_SERVICE_TOKENS) {
      const [, mod, cls] = /^aws:([^/]+)\/([^:]+):/.exec(token)!;
      const source = fs.readFileSync(path.join(root, mod, `${cls}.js`), "utf8");
      expect(source).toContain(`__pulumiType = '${token}'`);
    }
  });

  it("every entry cites sources that exist", () => {
    const keys = new Set(Object.keys(DATA_SERVICES.sources));
    const cited = [
      ...Object.values(RELATIONAL_ENGINES).flatMap((e) => e.sources),
      ...DATA_SERVICES.inTransit.flatMap((e) => e.sources),
      ...DATA_SERVICES.atRest.flatMap((e) => e.sources),
    ];
    expect(cited.length).toBeGreaterThan(20);
    for (const c of cited) expect(keys).toContain(c);
    for (const e of [...DATA_SERVICES.inTransit, ...DATA_SERVICES.atRest])
      expect(e.sources.length).toBeGreaterThan(0);
  });
});

describe("relational engine rules", () => {
  it("maps AWS engine names to their TLS parameter (for components building a parameter group)", () => {
    expect(tlsParameterFor("postgres")).toEqual({ name: "rds.force_ssl", value: "1" });
    expect(tlsParameterFor("aurora-postgresql")).toEqual({ name: "rds.force_ssl", value: "1" });
    expect(tlsParameterFor("aurora-mysql")).toEqual({ name: "require_secure_transport", value: "ON" });
    expect(tlsParameterFor("mysql")).toEqual({ name: "require_secure_transport", value: "1" });
    expect(tlsParameterFor("sqlserver-ee")).toEqual({ name: "rds.force_ssl", value: "1" });
    expect(tlsParameterFor("docdb")).toEqual({ name: "tls", value: "enabled" });
    expect(tlsParameterFor("oracle-ee")).toBeUndefined();
    expect(tlsParameterFor("postgresql")).toBeUndefined();
    expect(relationalEngineKey("POSTGRES")).toBe("postgres");
  });

  it("compares versions numerically and reads families", () => {
    expect(compareVersions("15.4", "15")).toBe(1);
    expect(compareVersions("15", "15.0")).toBe(0);
    expect(compareVersions("9.7", "10.5")).toBe(-1);
    expect(compareVersions("11.10", "11.8")).toBe(1);
    expect(numericVersion("8.0.mysql_aurora.3.05.2")).toBe("8.0");
    expect(numericVersion("latest")).toBeUndefined();
    expect(familyVersion(RELATIONAL_ENGINES.postgres, "postgres16")).toBe("16");
    expect(familyVersion(RELATIONAL_ENGINES.postgres, "aurora-postgresql16")).toBeUndefined();
    expect(
      engineOfFamily("aurora-mysql5.7", ["aurora-postgresql", "aurora-mysql", "postgres", "mysql"]),
    ).toBe("aurora-mysql");
    expect(engineOfFamily("oracle-ee-19", Object.keys(RELATIONAL_ENGINES))).toBeUndefined();
    expect(isDefaultGroupName("default.postgres16")).toBe(true);
    expect(isDefaultGroupName("default:oracle-ee-19")).toBe(true);
    expect(isDefaultGroupName("defaults-pg")).toBe(false);
  });

  it("judges the default group per engine and version as AWS documents it", () => {
    expect(defaultGroupEnforcement(RELATIONAL_ENGINES.postgres, "15")).toEqual({ enforces: true });
    expect(defaultGroupEnforcement(RELATIONAL_ENGINES.postgres, "14.10").enforces).toBe(false);
    expect(defaultGroupEnforcement(RELATIONAL_ENGINES.postgres, undefined).enforces).toBe(false);
    expect(defaultGroupEnforcement(RELATIONAL_ENGINES.mysql, "8.4.3").enforces).toBe(false);
    expect(defaultGroupEnforcement(RELATIONAL_ENGINES.mysql, "9.7").enforces).toBe(true);
    expect(defaultGroupEnforcement(RELATIONAL_ENGINES.mariadb, "11.8").enforces).toBe(true);
    expect(defaultGroupEnforcement(RELATIONAL_ENGINES["aurora-postgresql"], "17").enforces).toBe(false);
    expect(defaultGroupEnforcement(RELATIONAL_ENGINES.docdb, undefined)).toEqual({ enforces: true });
    expect(defaultGroupEnforcement(RELATIONAL_ENGINES.redshift, undefined).enforces).toBe(false);
  });

  it("accepts only enforcing values, in any case, and booleans by truth", () => {
    expect(enforcesTls(RELATIONAL_ENGINES.mysql, "on")).toBe(true);
    expect(enforcesTls(RELATIONAL_ENGINES.mysql, 1)).toBe(true);
    expect(enforcesTls(RELATIONAL_ENGINES.mysql, "OFF")).toBe(false);
    expect(enforcesTls(RELATIONAL_ENGINES.redshift, true)).toBe(true);
    expect(enforcesTls(RELATIONAL_ENGINES.docdb, "disabled")).toBe(false);
    expect(isAccepted("true", [true])).toBe(true);
    expect(isAccepted(false, [true])).toBe(false);
    expect(isAccepted("tls", ["TLS"])).toBe(true);
    expect(isAccepted(undefined, ["TLS"])).toBe(false);
  });
});
