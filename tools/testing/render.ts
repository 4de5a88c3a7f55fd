/**
 * Renders a program or component under the mocks and returns what it registered, for a consumer's own
 * jest tests: `const r = await renderUnderMocks(() => new PhiChannel("ehr", {...}));`.
 *
 * Pulumi's runtime is process-wide: each call installs fresh mocks, so renders in one test file run one
 * after the other (await each), never concurrently.
 */
import * as pulumi from "@pulumi/pulumi";
import { setupPulumiMocks, type RecordedCall, type RecordedResource, type SetupOptions } from "./recorder";

export interface RenderOptions extends SetupOptions {
  /**
   * Stack config as `pulumi config` would hold it: `"project:key"` (or `"aws:region"`) → value. Objects
   * and arrays are JSON-encoded, as the CLI hands them to programs.
   */
  config?: Record<string, unknown>;
  /** Config keys whose values are secret. */
  secretConfigKeys?: string[];
}

export interface RenderedProgram<T> {
  /** What the program function returned (its outputs, a component). */
  result: T;
  /** Every registration, in arrival order. */
  resources: RecordedResource[];
  /** Every invoke (data source) the program made. */
  calls: RecordedCall[];
  /** Resources of a type, optionally with a given logical name. */
  byType(type: string, name?: string): RecordedResource[];
  /** Exactly one resource of the type (and name); throws listing what was registered otherwise. */
  one(type: string, name?: string): RecordedResource;
}

/**
 * Runs `program` under the mocks, preview mode unless `preview: false` (update mode, as `pulumi up`
 * runs it: applies run on every value), waits until every registration reached the mock engine, and
 * returns the recorded resources. A program that throws rejects with its own error.
 */
export async function renderUnderMocks<T>(
  program: () => T | Promise<T>,
  options: RenderOptions = {},
): Promise<RenderedProgram<T>> {
  const recorder = setupPulumiMocks(options);
  const config = Object.fromEntries(
    Object.entries(options.config ?? {}).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
  );
  pulumi.runtime.setAllConfig(config, options.secretConfigKeys ?? []);
  const result = await program();
  await recorder.settle();
  // Each call installs a new recorder, so this one's lists stay as this render left them.
  return {
    result,
    resources: recorder.resources,
    calls: recorder.calls,
    byType: recorder.byType,
    one: recorder.one,
  };
}
