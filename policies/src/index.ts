/** Pack entry point (compiled to bin/index.js, started by the CLI's run-policy-pack). */
import "./deserialize-cache";
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("phi-channels-hipaa", { enforcementLevel: "mandatory", policies });
