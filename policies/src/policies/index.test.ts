import Ajv from "ajv";
import { configSchemas, policies } from "./index";
import prod from "../../config/prod.json";
import dev from "../../config/dev.json";
import { UNKNOWN_SENTINELS } from "../policy-kit";
import { ALL_POLICY_NAMES } from "../../../test/support/policy-names";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy");

describe("pack metadata", () => {
  it("every policy carries HIPAA framework, severity, remediation, tags and a unique stable name", () => {
    const names = policies.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(ALL_POLICY_NAMES);
    for (const p of policies) {
      expect(p.framework).toMatchObject({ name: "HIPAA Security Rule", version: "45 CFR 164.312" });
      expect(p.framework!.reference).toMatch(/^§164\.312\(/);
      expect(p.severity).toBeDefined();
      expect(p.remediationSteps!.length).toBeGreaterThan(20);
      expect(p.tags!.length).toBeGreaterThan(0);
      expect(p.configSchema?.properties?.enforcementLevel).toBeUndefined();
    }
  });

  it("config files validate against the served schemas; bad values are rejected", () => {
    const ajv = new Ajv({ strict: false });
    const check = (file: Record<string, Record<string, unknown>>) => {
      for (const [name, conf] of Object.entries(file)) {
        expect(policies.map((p) => p.name)).toContain(name);
        const { enforcementLevel: _e, ...props } = conf;
        const schema = configSchemas[name];
        if (!schema) continue;
        const ok = ajv.validate(
          { type: "object", properties: schema.properties, additionalProperties: false },
          props,
        );
        expect(ajv.errors ?? []).toEqual([]);
        expect(ok).toBe(true);
      }
    };
    check(prod as never);
    check(dev as never);
    expect(
      (dev as Record<string, Record<string, unknown>>)["phi-audit-log-bucket-immutable"].minimumRetentionDays,
    ).toBe(30);
    expect(
      ajv.validate(
        { type: "object", properties: configSchemas["phi-tls-strong-policy"].properties },
        { minimumTlsVersion: "1.0" },
      ),
    ).toBe(false);
  });

  it("the unknown sentinels match @pulumi/policy/proxy", () => {
    expect([...UNKNOWN_SENTINELS].sort()).toEqual(
      [
        proxy.unknownBooleanValue,
        proxy.unknownNumberValue,
        proxy.unknownStringValue,
        proxy.unknownArrayValue,
        proxy.unknownAssetValue,
        proxy.unknownArchiveValue,
        proxy.unknownObjectValue,
      ].sort(),
    );
  });
});
