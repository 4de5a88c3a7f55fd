/**
 * `phi-channels/testing`: run your own Pulumi program or component under deterministic AWS mocks in your
 * jest tests, the same mocks `phi-channels check` uses offline. See the README, "Testing your program".
 */
export { AwsMocks, DEFAULT_MOCK_REGION } from "../lib/aws-mocks";
export {
  isSecretOutput,
  promiseOf,
  promiseOf as outputValue,
  setupPulumiMocks,
  type MockAnswers,
  type MockRecorder,
  type MockValue,
  type RecordedCall,
  type RecordedResource,
  type SetupOptions,
} from "./recorder";
export { renderUnderMocks, type RenderOptions, type RenderedProgram } from "./render";
