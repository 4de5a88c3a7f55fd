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
};
