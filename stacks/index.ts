// Pulumi program entry (Pulumi.yaml `main: stacks/index.ts`): the stack outputs are the channel manifests.
import { definePhiStack } from "./program";

export = definePhiStack();
