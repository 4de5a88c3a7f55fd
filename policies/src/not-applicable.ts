/**
 * Not-applicable verdicts, made cheap. Every resource is not applicable to most policies, so these paths
 * run once per policy per resource: after @pulumi/policy's own per-policy work, the largest part of this
 * pack's per-resource cost (docs/performance.md).
 *
 * - `args.notApplicable` throws an Error subclass that @pulumi/policy catches, reading only its class and
 *   `reason`. Capturing a stack trace for it is wasted work, and so is building a new one for a reason
 *   already thrown: the first error per reason is kept and thrown again.
 * - A policy that declines a resource type before looking at anything but the type declines every
 *   resource of that type: {@link TypeVerdicts} remembers that, so later resources of the
 *   type skip the policy and its wrappers.
 */

/** At most this many distinct reasons are kept per not-applicable function (reasons name types). */
const MAX_KEPT_REASONS = 4096;

const wrappers = new WeakMap<(reason?: string) => never, (reason?: string) => never>();

/** `notApplicable` without a stack trace, throwing the first error per reason again; one wrapper per function. */
export function withoutStackTrace(notApplicable: (reason?: string) => never): (reason?: string) => never {
  const known = wrappers.get(notApplicable);
  if (known) return known;
  const errors = new Map<string | undefined, unknown>();
  const wrapper = (reason?: string): never => {
    if (errors.has(reason)) throw errors.get(reason);
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return notApplicable(reason);
    } catch (e) {
      if (errors.size < MAX_KEPT_REASONS) errors.set(reason, e);
      throw e;
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
  wrappers.set(notApplicable, wrapper);
  return wrapper;
}

type ResourceArgs = { type: string; notApplicable: (reason?: string) => never } & Record<string, unknown>;

/** Every field of a policy's args but `type` and `notApplicable`: reading one makes a verdict the resource's. */
const RESOURCE_FIELDS = [
  "props",
  "urn",
  "name",
  "opts",
  "provider",
  "stackTags",
  "isType",
  "asType",
  "getConfig",
];

interface Observed {
  touched: boolean;
  args: ResourceArgs;
  /** The verdicts' types that read more than the type: a first read adds this one. */
  readMore: Set<string>;
}
const STATE = Symbol("observed args");

/**
 * The getters, shared by every observed args object: own enumerable properties, so that a wrapper that
 * spreads the args (`{ ...args }`) copies the values (and so marks the call as depending on them).
 */
const DESCRIPTORS: PropertyDescriptorMap = Object.fromEntries(
  RESOURCE_FIELDS.map((key) => [
    key,
    {
      enumerable: true,
      get(this: { [STATE]: Observed }) {
        const state = this[STATE];
        if (!state.touched) {
          state.touched = true;
          if (state.readMore.size < MAX_KEPT_REASONS) state.readMore.add(state.args.type);
        }
        return state.args[key];
      },
    },
  ]),
);

/**
 * Whether a not-applicable reason says only that the type is outside the policy's scope. By convention such
 * reasons begin with the resource's type token (`aws:s3/bucket:Bucket is not a KMS key`); a reason that
 * says something about a type in scope (a service that only accepts TLS, network ACLs left to security
 * groups) does not, and keeps its own words.
 */
export function saysOutOfScope(type: string, reason: string | undefined): boolean {
  return reason !== undefined && reason.startsWith(`${type} `);
}

/** Per policy: the types it declined having read nothing but the type, with the reason it gave. */
export class TypeVerdicts {
  private readonly declined = new Map<string, string | undefined>();
  /** The declined types whose reason said only that they are outside the policy's scope. */
  private readonly outOfScope = new Set<string>();
  /**
   * Types the policy read more than the type of. Whether it declines on sight depends on the type alone,
   * so it never will for these: they are passed on without observing.
   */
  private readonly readMore = new Set<string>();

  /** Whether the policy declined `type` on sight; {@link reasonFor} then gives its reason. */
  declinedOnSight(type: string): boolean {
    return this.declined.has(type);
  }

  reasonFor(type: string): string | undefined {
    return this.declined.get(type);
  }

  /** Whether the policy declined `type` on sight as outside its scope (see {@link saysOutOfScope}). */
  declinedAsOutOfScope(type: string): boolean {
    return this.outOfScope.has(type);
  }

  /**
   * `args` as the policy sees it; a not-applicable verdict reached on the type alone is remembered. One
   * that says the type is out of scope is given as `outOfScopeReason` when that is set (the same words for
   * every resource of the type, whichever path declines it); any other keeps the policy's reason.
   */
  observe<A extends { type: string; notApplicable: (reason?: string) => never }>(
    args: A,
    outOfScopeReason?: string,
  ): A {
    if (this.readMore.has(args.type)) return args;
    const state: Observed = {
      touched: false,
      args: args as unknown as ResourceArgs,
      readMore: this.readMore,
    };
    const declined = this.declined;
    const outOfScope = this.outOfScope;
    const observed = Object.defineProperties(
      {
        [STATE]: state,
        type: args.type,
        notApplicable: (reason?: string): never => {
          if (state.touched) return args.notApplicable(reason);
          const scoped = outOfScopeReason !== undefined && saysOutOfScope(args.type, reason);
          const given = scoped ? outOfScopeReason : reason;
          if (declined.size < MAX_KEPT_REASONS) {
            declined.set(args.type, given);
            if (scoped) outOfScope.add(args.type);
          }
          return args.notApplicable(given);
        },
      },
      DESCRIPTORS,
    );
    return observed as unknown as A;
  }
}
