import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PhiChannel } from "../components/PhiChannel";
import { CONFIG_NAMESPACE, parseStackConfig, StackConfigError } from "./config";

/** True when the CLI marked the key secret; values of secret keys are never echoed in errors. */
function isSecretKey(key: string): boolean {
  // isConfigSecret is exported at runtime but missing from the type declarations.
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean };
  return typeof runtime.isConfigSecret === "function" ? runtime.isConfigSecret(key) : true;
}

/**
 * The pack config of this stack (`policies/config/<stack>.json`, beside the project, as `check` finds it),
 * or undefined when there is none: the runtime guardrails are parameterised from it.
 */
function stackPackConfig(): Record<string, unknown> | undefined {
  const file = path.join(process.cwd(), "policies", "config", `${pulumi.getStack()}.json`);
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
}

/**
 * The Pulumi program: one {@link PhiChannel} per entry of `phi-channels:channels`, placed in the network
 * described by `phi-channels:network` (optional). Returns the channel manifests the evidence cites.
 */
export function definePhiStack(): Record<string, pulumi.Output<unknown>> {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const secret = isSecretKey(`${CONFIG_NAMESPACE}:channels`) || isSecretKey(`${CONFIG_NAMESPACE}:network`);
  let channelsRaw: unknown;
  let networkRaw: unknown;
  try {
    channelsRaw = config.requireObject<unknown>("channels");
    networkRaw = config.getObject<unknown>("network");
  } catch (e) {
    // Pulumi's own message can quote the raw value; keep only the key.
    throw new StackConfigError(
      `${CONFIG_NAMESPACE}:channels`,
      undefined,
      `is missing or not valid JSON/YAML (${e instanceof Error ? e.name : "error"})`,
      "set it in stacks/Pulumi.<stack>.yaml under config:",
      true,
    );
  }
  // Every channel is validated (shape, then as PhiChannel does) before the first one is created.
  const { channels } = parseStackConfig(channelsRaw, networkRaw, secret, stackPackConfig());
  const manifests = channels.map(({ name, args }) => new PhiChannel(name, args).manifest);
  return { channels: pulumi.output(manifests) };
}
