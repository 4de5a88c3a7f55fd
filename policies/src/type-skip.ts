/**
 * @pulumi/policy 1.21.0 skips a policy without building its arguments only when the policy's
 * `validateResource` carries a `__pulumiType` (server.js reads it with `getPulumiType` and compares it
 * with the request's type), which is how `validateResourceOfType` marks a policy bound to one type. Every
 * policy of this pack covers several tokens (alias, V2, aws-native, CloudFormation), so without help the
 * library builds the arguments of every policy for every resource, awaits it and catches its
 * not-applicable error: most of the pack's per-resource cost (docs/performance.md).
 *
 * Here `__pulumiType` is a getter. It names the policy's scope, so the library skips the policy with its
 * reason "Policy only applies to resources of type '<scope>'", only for a type the policy has already
 * declined on sight as outside its scope ({@link TypeVerdicts}; `saysOutOfScope` in not-applicable.ts):
 * the decision the policy's wrapper would make, taken before the library's per-policy work. For any other
 * type it is undefined and the policy runs as before.
 *
 * The getter must know the request's type. The library's Analyze handler is wrapped when it is
 * registered: requests run one at a time, each with its type in {@link current} until its work settles.
 * Analyze work is synchronous JavaScript, so queueing costs no throughput, and unlike an
 * AsyncLocalStorage it adds nothing to every promise (about 10% of the pack's CPU on Node 20).
 * If a future @pulumi/policy or @grpc/grpc-js registers the handler differently, or the handler does not
 * return its work as a promise, no type is in context, the getter stays undefined, and only speed is
 * lost (test/type-skip.test.ts checks the skip is in effect and that concurrent requests keep their
 * verdicts). Configure calls are counted too, so that what was seen under one config is not taken for
 * another (exemptions/wrap.ts).
 */
import * as path from "node:path";
import scopeData from "./data/policy-scopes.json";
import type { TypeVerdicts } from "./not-applicable";

/** Each resource policy's scope, in a few words (data). */
export const POLICY_SCOPES: Readonly<Record<string, string>> = scopeData.scopes;

/** The reason @pulumi/policy gives when it skips a policy bound to `scope` (server.js, Analyze). */
export function typeOnlyReason(scope: string): string {
  return `Policy only applies to resources of type '${scope}'`;
}

/** The type of the Analyze request being handled, while it runs; undefined otherwise. */
let current: string | undefined;
/** Off when the handler turned out not to return its work as a promise: the type could not be scoped. */
let enabled = true;

type Handler = (this: unknown, call: { request?: { getType?: () => unknown } }, callback: unknown) => unknown;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null && typeof value === "object" && typeof (value as PromiseLike<unknown>).then === "function"
  );
}

/** `analyze`, run one request at a time with the request's type in {@link current}. */
export function serialisedWithType(analyze: Handler): Handler {
  let queue: Promise<unknown> = Promise.resolve();
  return function (this: unknown, call, callback) {
    const run = (): unknown => {
      const type = call?.request?.getType?.();
      current = enabled && typeof type === "string" ? type : undefined;
      let work: unknown;
      try {
        work = analyze.call(this, call, callback);
      } catch (e) {
        // Not a rejection left to the queue (an unhandled one would end the process): the call fails.
        current = undefined;
        (callback as (error: unknown) => void)(e);
        return undefined;
      }
      if (!isThenable(work)) {
        enabled = false;
        current = undefined;
        return work;
      }
      const done = () => {
        current = undefined;
      };
      return Promise.resolve(work).then(done, done);
    };
    queue = queue.then(run);
    return queue;
  };
}

/** How many times the pack's config has been set (Configure calls): a config seen in an earlier one is stale. */
let configGeneration = 0;

/** The number of Configure calls so far. */
export function currentConfigGeneration(): number {
  return configGeneration;
}

/** `configure`, counting its calls before the library stores the new config. */
function countingConfigure(configure: Handler): Handler {
  return function (this: unknown, call, callback) {
    configGeneration++;
    return configure.call(this, call, callback);
  };
}

/**
 * Wraps the handlers @pulumi/policy registers: Analyze with {@link serialisedWithType}, Configure with
 * {@link countingConfigure}.
 */
function installRequestTypeContext(): boolean {
  let grpc: { Server?: { prototype?: Record<string, unknown> } };
  try {
    const policyDir = path.dirname(require.resolve("@pulumi/policy/package.json"));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    grpc = require(require.resolve("@grpc/grpc-js", { paths: [policyDir] }));
  } catch {
    return false;
  }
  const prototype = grpc.Server?.prototype;
  const addService = prototype?.addService;
  if (!prototype || typeof addService !== "function") return false;
  prototype.addService = function (this: unknown, service: unknown, implementation: Record<string, unknown>) {
    const analyze = implementation?.analyze as Handler | undefined;
    const configure = implementation?.configure as Handler | undefined;
    if (typeof analyze !== "function" || typeof configure !== "function")
      return addService.call(this, service, implementation);
    return addService.call(this, service, {
      ...implementation,
      analyze: serialisedWithType(analyze),
      configure: countingConfigure(configure),
    });
  };
  return true;
}

export const requestTypeContextInstalled = installRequestTypeContext();

/** The type of the Analyze request in progress, if any. */
export function currentRequestType(): string | undefined {
  return current;
}

/** Runs `fn` as the Analyze request of `type` would (for tests). */
export function withRequestType<T>(type: string, fn: () => T): T {
  const before = current;
  current = type;
  try {
    return fn();
  } finally {
    current = before;
  }
}

/**
 * Gives `validation` a `__pulumiType` getter: `scope` while a request of a type `verdicts` says the policy
 * declined on sight as outside its scope is handled, otherwise undefined (a type declined for another
 * reason keeps that reason, given by the policy's wrapper).
 */
export function skipTypesDeclinedOnSight<F extends object>(
  validation: F,
  verdicts: TypeVerdicts,
  scope: string,
): F {
  Object.defineProperty(validation, "__pulumiType", {
    configurable: true,
    enumerable: false,
    get(): string | undefined {
      const type = current;
      return type !== undefined && type !== scope && verdicts.declinedAsOutOfScope(type) ? scope : undefined;
    },
  });
  return validation;
}
