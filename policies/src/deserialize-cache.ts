/**
 * @pulumi/policy deserialises a resource's properties once per policy (server.js calls
 * `deserializeProperties(req.getProperties(), false)` inside its per-policy loop), so a pack with many
 * policies pays that cost many times per resource. The request's Struct is the same object for every
 * policy of one request, so the plain (secrets-unwrapped) result is memoised by Struct identity.
 *
 * Safe because no policy of this pack mutates `props` (they only read), and only the non-proxied form
 * used by Analyze/AnalyzeStack is cached; remediation's secret-preserving form is left alone. If a future
 * @pulumi/policy moves the function, the patch is skipped and only speed is lost.
 */
import { rememberWire } from "./secret-paths";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const deserializeModule = require("@pulumi/policy/deserialize") as {
  deserializeProperties?: (struct: object, proxySecrets: boolean) => Record<string, unknown>;
};

const original = deserializeModule.deserializeProperties;
if (typeof original === "function") {
  const cache = new WeakMap<object, Record<string, unknown>>();
  deserializeModule.deserializeProperties = (struct: object, proxySecrets: boolean) => {
    if (proxySecrets || struct === null || typeof struct !== "object") return original(struct, proxySecrets);
    let props = cache.get(struct);
    if (!props) {
      cache.set(struct, (props = original(struct, false)));
      rememberWire(props, struct);
    }
    return props;
  };
}

export const deserializeCacheInstalled = typeof original === "function";
