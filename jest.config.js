/** Transpile-only (swc); `npm run typecheck` does the type checking once, outside jest. */
module.exports = {
  testEnvironment: "node",
  roots: [
    "<rootDir>/test",
    "<rootDir>/components",
    "<rootDir>/policies/src",
    "<rootDir>/stacks",
    "<rootDir>/tools",
  ],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] },
  moduleFileExtensions: ["ts", "js", "json"],
  testTimeout: 60000,
  // Most suites spend their time waiting on spawned CLIs, packs and program workers: two workers overlap
  // that waiting on the 2-core machines (jest's default would be one).
  maxWorkers: 2,
  // The spawned CLI and the pack are the compiled ones: rebuilt here when the sources changed.
  globalSetup: "<rootDir>/test/support/global-setup.ts",
};
