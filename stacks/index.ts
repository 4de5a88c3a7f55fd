// Pulumi program entry (Pulumi.yaml `main: stacks/`): the stack outputs are the channel manifests.
import { definePhiStack } from "./program";

export = definePhiStack();
