/**
 * Not-applicable verdicts, made cheap. Every resource is not applicable to most policies, so these paths
 * run once per policy per resource and were the largest part of this pack's per-resource cost.
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

/**
 * A policy's args, observed: `type` and `notApplicable` are plain fields, every other field is a getter
 * that marks the call as depending on the resource (or the config). Getters on the prototype, so that
 * observing costs one small object per call.
 */
class ObservedArgs {
  touched = false;
  readonly type: string;
  readonly notApplicable: (reason?: string) => never;

  constructor(
    private readonly args: ResourceArgs,
    declined: Map<string, string | undefined>,
  ) {
    this.type = args.type;
    this.notApplicable = (reason?: string): never => {
      if (!this.touched && declined.size < MAX_KEPT_REASONS) declined.set(args.type, reason);
      return args.notApplicable(reason);
    };
  }

  private read(key: string): unknown {
    this.touched = true;
    return this.args[key];
  }
  get props() {
    return this.read("props");
  }
  get urn() {
    return this.read("urn");
  }
  get name() {
    return this.read("name");
  }
  get opts() {
    return this.read("opts");
  }
  get provider() {
    return this.read("provider");
  }
  get stackTags() {
    return this.read("stackTags");
  }
  get isType() {
    return this.read("isType");
  }
  get asType() {
    return this.read("asType");
  }
  get getConfig() {
    return this.read("getConfig");
  }
}

/** Per policy: the types it declined having read nothing but the type, with the reason it gave. */
export class TypeVerdicts {
  private readonly declined = new Map<string, string | undefined>();

  /** Whether the policy declined `type` on sight; {@link reasonFor} then gives its reason. */
  declinedOnSight(type: string): boolean {
    return this.declined.has(type);
  }

  reasonFor(type: string): string | undefined {
    return this.declined.get(type);
  }

  /** `args` as the policy sees it; a not-applicable verdict reached on the type alone is remembered. */
  observe<A extends { type: string; notApplicable: (reason?: string) => never }>(args: A): A {
    return new ObservedArgs(args as unknown as ResourceArgs, this.declined) as unknown as A;
  }
}
