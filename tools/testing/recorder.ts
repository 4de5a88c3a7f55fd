/**
 * Records a Pulumi program run under the deterministic {@link AwsMocks} (preview mode by default): every
 * resource registration (type, name, inputs and the resource options the engine would see:
 * retainOnDelete, protect, parent, additionalSecretOutputs, ...) and every invoke. Shipped as
 * `phi-channels/testing`; this repository's own component tests use it too.
 *
 * Usage (one call per test file, before any resource is constructed):
 *
 * ```ts
 * import { setupPulumiMocks, promiseOf } from "phi-channels/testing";
 * const mocks = setupPulumiMocks();
 * beforeEach(() => mocks.reset());
 *
 * test("bucket keeps objects", async () => {
 *   const b = new ImmutableLogBucket("logs", { purpose: "general" });
 *   await mocks.settle(); // every registration has reached the mock monitor
 *   const bucket = mocks.one("aws:s3/bucket:Bucket", "logs");
 *   expect(bucket.inputs.objectLockEnabled).toBe(true);
 *   expect(bucket.retainOnDelete).toBe(true);
 *   expect(await promiseOf(b.bucketName)).toBe(bucket.outputs.bucket);
 * });
 * ```
 */
import * as pulumi from "@pulumi/pulumi";
import * as pulumiSettings from "@pulumi/pulumi/runtime/settings";
import { AwsMocks, DEFAULT_MOCK_REGION } from "../lib/aws-mocks";

/**
 * A recorded provider payload value. Deliberately `any`: tests index the free-form input trees directly
 * (`inputs.rule.defaultRetention.days`) and assert with `expect`, which does the checking.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type MockValue = any;

/** One resource registration as the mock monitor received it. */
export interface RecordedResource {
  /** Type token, e.g. `aws:s3/bucket:Bucket` or `phi:storage:ImmutableLogBucket`. */
  type: string;
  /** Logical name. */
  name: string;
  /** URN assigned by the mock monitor. */
  urn: string;
  /** True for provider-managed (custom) resources, false for components. */
  custom: boolean;
  /** Inputs with secrets unwrapped to plain values (see {@link RecordedResource.secretInputs}). */
  inputs: Record<string, MockValue>;
  /** Top-level input names whose value is, or contains, a secret. */
  secretInputs: string[];
  /** State returned by {@link AwsMocks} (inputs echoed plus ids/ARNs), secrets unwrapped. */
  outputs: Record<string, MockValue>;
  /** Physical id returned by the mocks. */
  id: string | undefined;
  /** Resource options seen on the wire. */
  retainOnDelete: boolean;
  protect: boolean;
  /** Parent URN ("" for stack-level resources). */
  parent: string;
  additionalSecretOutputs: string[];
  ignoreChanges: string[];
  deleteBeforeReplace: boolean;
  /** URNs of explicit and implicit dependencies. */
  dependencies: string[];
}

/** One provider function call (invoke) as the mocks received it. */
export interface RecordedCall {
  token: string;
  inputs: Record<string, MockValue>;
}

export interface MockRecorder {
  /** Every registration since the last {@link MockRecorder.reset}, in arrival order. */
  readonly resources: RecordedResource[];
  /** Every invoke since the last reset. */
  readonly calls: RecordedCall[];
  /** The mocks being wrapped (region, deterministic ids). */
  readonly mocks: AwsMocks;
  /** Forgets recorded resources and calls (call in `beforeEach`). */
  reset(): void;
  /** Waits until every pending registration/invoke has been delivered to the mock monitor. */
  settle(): Promise<void>;
  /** Resources of a type (optionally also filtered by logical name). */
  byType(type: string, name?: string): RecordedResource[];
  /** Exactly one resource of the type (and name); throws with the recorded names otherwise. */
  one(type: string, name?: string): RecordedResource;
  /** Direct children of the resource with the given URN. */
  childrenOf(urn: string): RecordedResource[];
}

export interface SetupOptions {
  /** Region the mocks answer for (default {@link DEFAULT_MOCK_REGION}). */
  region?: string;
  /** Preview mode (default true, as `pulumi preview` runs the program). */
  preview?: boolean;
  project?: string;
  stack?: string;
  /**
   * Your own answers, asked first: return undefined to fall back to {@link AwsMocks}. Use it for
   * lookups whose plausible default is not what your program needs (a specific AMI, an SSM value).
   */
  answers?: MockAnswers;
}

/** Optional overrides of the mocks' answers; undefined means "use the default answer". */
export interface MockAnswers {
  call?(args: pulumi.runtime.MockCallArgs): Record<string, MockValue> | undefined;
  newResource?(
    args: pulumi.runtime.MockResourceArgs,
  ): { id: string | undefined; state: Record<string, MockValue> } | undefined;
}

/** Protobuf RegisterResourceRequest getters used here (see @pulumi/pulumi/proto/resource_pb). */
interface RegisterResourceRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getAdditionalsecretoutputsList(): string[];
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getDependenciesList(): string[];
}

type Callback = (err: unknown, response: { getUrn(): string; getId(): string } | undefined) => void;

interface PatchableMonitor {
  registerResource(req: RegisterResourceRequest, callback: Callback): Promise<void>;
}

/**
 * Installs {@link AwsMocks} (project "phi-channels", stack "test", preview on by default) wrapped so
 * every registration is recorded. Call once per test file at module level.
 */
export function setupPulumiMocks(options: SetupOptions = {}): MockRecorder {
  const mocks = new AwsMocks(options.region ?? DEFAULT_MOCK_REGION);
  const resources: RecordedResource[] = [];
  const calls: RecordedCall[] = [];
  // newResource runs inside MockMonitor.registerResource; its result is matched to the request below.
  const pendingState = new Map<
    string,
    { inputs: Record<string, MockValue>; secretInputs: string[]; outputs: Record<string, MockValue> }
  >();

  const recording: pulumi.runtime.Mocks = {
    newResource(args) {
      const secretInputs = Object.keys(args.inputs ?? {}).filter((k) => containsSecret(args.inputs[k]));
      const inputs = unwrapSecrets(args.inputs ?? {}) as Record<string, MockValue>;
      // The mocks get the wire inputs unchanged, so echoed secret inputs stay secret outputs.
      const result = options.answers?.newResource?.(args) ?? mocks.newResource(args);
      pendingState.set(`${args.type}::${args.name}`, {
        inputs,
        secretInputs,
        outputs: unwrapSecrets(result.state) as Record<string, MockValue>,
      });
      return result;
    },
    call(args) {
      calls.push({ token: args.token, inputs: args.inputs });
      return options.answers?.call?.(args) ?? mocks.call(args);
    },
  };

  void pulumi.runtime.setMocks(
    recording,
    options.project ?? "phi-channels",
    options.stack ?? "test",
    options.preview ?? true,
  );

  const monitor = pulumi.runtime.getMonitor() as unknown as PatchableMonitor;
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    original(req, (err, response) => {
      if (!err && response) {
        const key = `${req.getType()}::${req.getName()}`;
        const state = pendingState.get(key) ?? { inputs: {}, secretInputs: [], outputs: {} };
        pendingState.delete(key);
        resources.push({
          type: req.getType(),
          name: req.getName(),
          urn: response.getUrn(),
          custom: req.getCustom(),
          inputs: state.inputs,
          secretInputs: state.secretInputs,
          outputs: state.outputs,
          id: response.getId() || undefined,
          retainOnDelete: req.getRetainondelete(),
          protect: req.getProtect(),
          parent: req.getParent(),
          additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
          ignoreChanges: req.getIgnorechangesList(),
          deleteBeforeReplace: req.getDeletebeforereplace(),
          dependencies: req.getDependenciesList(),
        });
      }
      callback(err, response);
    });

  const byType = (type: string, name?: string) =>
    resources.filter((r) => r.type === type && (name === undefined || r.name === name));

  return {
    resources,
    calls,
    mocks,
    reset() {
      resources.length = 0;
      calls.length = 0;
      pendingState.clear();
    },
    async settle() {
      // waitForRPCs is internal to @pulumi/pulumi but is what `disconnect` awaits; it drains every
      // registration, including ones whose inputs were still resolving.
      const settings = pulumiSettings as unknown as { waitForRPCs(): Promise<void> };
      await settings.waitForRPCs();
      await new Promise((resolve) => setImmediate(resolve));
      await settings.waitForRPCs();
    },
    byType,
    one(type, name) {
      const found = byType(type, name);
      if (found.length !== 1) {
        const seen = resources.map((r) => `${r.type}::${r.name}`).join(", ");
        throw new Error(
          `expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${found.length}. Recorded: ${seen}`,
        );
      }
      return found[0];
    },
    childrenOf(urn) {
      return resources.filter((r) => r.parent === urn);
    },
  };
}

function isSecretValue(v: unknown): v is { value: unknown } {
  return (
    typeof v === "object" &&
    v !== null &&
    (v as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig
  );
}

function containsSecret(v: unknown): boolean {
  if (isSecretValue(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecret);
  if (typeof v === "object" && v !== null) return Object.values(v).some(containsSecret);
  return false;
}

/** Mock inputs carry secrets as `{ [specialSigKey]: specialSecretSig, value }`; tests want the values. */
function unwrapSecrets(v: unknown): unknown {
  if (isSecretValue(v)) return unwrapSecrets(v.value);
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (typeof v === "object" && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
  }
  return v;
}

/**
 * Resolves an Output's value. Uses the runtime's internal `promise()` rather than `apply`, because in
 * preview mode `apply` never calls back for an unknown value and the test would hang; an unknown value
 * resolves to `undefined` here instead.
 */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return (output as unknown as { promise(withUnknowns?: boolean): Promise<T> }).promise();
}

/** True when the Output is marked secret. */
export function isSecretOutput(output: pulumi.Output<unknown>): Promise<boolean> {
  return pulumi.isSecret(output);
}
