/**
 * What the installed package runs must be installed with it: every bare module the compiled CLI,
 * components and pack require is a dependency or a peer dependency of phi-channels, never only a
 * devDependency (which a consumer's install does not bring).
 */
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  files: string[];
};

function jsFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".js"))
    .map((f) => path.join(dir, f));
}

function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

test("every module the shipped JavaScript requires is a dependency or peer dependency", () => {
  const shipped = [path.join(ROOT, "dist"), path.join(ROOT, "policies", "bin")];
  for (const dir of shipped) expect(fs.existsSync(dir)).toBe(true);
  const required = new Set<string>();
  for (const file of shipped.flatMap(jsFiles)) {
    for (const m of fs.readFileSync(file, "utf8").matchAll(/\brequire\("([^"./][^"]*)"\)/g)) {
      if (!m[1].startsWith("node:") && !builtinModules.includes(m[1])) required.add(packageOf(m[1]));
    }
  }
  // The compiled code is what users run: it must need at least the runtime and the pack's libraries.
  expect([...required]).toEqual(
    expect.arrayContaining(["@pulumi/pulumi", "@pulumi/policy", "commander", "ajv"]),
  );
  const installed = new Set([
    ...Object.keys(manifest.dependencies),
    ...Object.keys(manifest.peerDependencies),
  ]);
  expect([...required].filter((p) => !installed.has(p))).toEqual([]);
});

test("the Pulumi SDKs are ranged peer dependencies, not pinned dependencies", () => {
  for (const sdk of ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/tls"]) {
    expect(manifest.peerDependencies[sdk]).toMatch(/^\^\d+\.\d+\.\d+$/);
    expect(manifest.dependencies[sdk]).toBeUndefined();
  }
});
