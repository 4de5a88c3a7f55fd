/**
 * Pulumi.yaml and Pulumi.<stack>.yaml read the way the Pulumi CLI reads them (tools/lib/pulumi-project.ts):
 * runtime, main, stackConfigDir, project config defaults in both forms, namespacing, secure values, and
 * the errors a user gets for each mistake (file, field, value, fix).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  SECURE_PLACEHOLDER,
  StackConfigError,
  findProjectFile,
  listStacks,
  loadProject,
  loadStackConfig,
} from "../tools/lib/pulumi-project";

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "phi-project-"));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const file = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StackConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a StackConfigError");
}

describe("Pulumi.yaml", () => {
  test("runtime as a string: the program is the project directory, TypeScript on by default", () => {
    const p = loadProject(write("Pulumi.yaml", "name: shop\nruntime: nodejs\n"));
    expect(p).toMatchObject({ name: "shop", dir: tmp, stackConfigDir: tmp, config: {} });
    expect(p.program).toEqual({ workDir: tmp, typescript: true });
  });

  test("runtime as {name, options}; main naming a file is the entry, run from the project directory", () => {
    write("src/main.ts", "");
    const p = loadProject(
      write(
        "Pulumi.yaml",
        "name: shop\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: src/main.ts\n",
      ),
    );
    expect(p.program).toEqual({ workDir: tmp, entry: path.join(tmp, "src", "main.ts"), typescript: false });
  });

  test("main naming a directory becomes the program's working directory; stackConfigDir is honoured", () => {
    fs.mkdirSync(path.join(tmp, "infra"));
    fs.mkdirSync(path.join(tmp, "config"));
    write("config/Pulumi.prod.yaml", "config: {}\n");
    write("config/Pulumi.dev.yml", "config: {}\n");
    write("Pulumi.ignored.yaml", "config: {}\n");
    const p = loadProject(
      write("Pulumi.yaml", "name: shop\nruntime: nodejs\nmain: infra/\nstackConfigDir: config\n"),
    );
    expect(p.program).toEqual({ workDir: path.join(tmp, "infra"), typescript: true });
    expect(p.stackConfigDir).toBe(path.join(tmp, "config"));
    expect(listStacks(p)).toEqual(["dev", "prod"]);
  });

  test("is found from a directory below the project, as pulumi -C does", () => {
    const file = write("Pulumi.yaml", "name: shop\nruntime: nodejs\n");
    fs.mkdirSync(path.join(tmp, "a", "b"), { recursive: true });
    expect(findProjectFile(path.join(tmp, "a", "b"))).toBe(file);
  });

  test.each([
    ["python", "runtime: python"],
    ["go", "runtime:\n  name: go"],
  ])(
    "runtime %s is refused, pointing to pulumi preview --policy-pack and phi-channels evidence",
    (rt, yaml) => {
      const msg = refusal(() => loadProject(write("Pulumi.yaml", `name: shop\n${yaml}\n`)));
      expect(msg).toContain(`runtime = "${rt}"`);
      expect(msg).toContain("pulumi preview --policy-pack");
      expect(msg).toContain("phi-channels evidence");
    },
  );

  test("a missing main, a bad name and a bad config type each name the field, the value and the fix", () => {
    expect(
      refusal(() => loadProject(write("Pulumi.yaml", "name: shop\nruntime: nodejs\nmain: nope.ts\n"))),
    ).toMatch(/main = "nope\.ts": .*nope\.ts does not exist\. Fix: point "main"/);
    expect(refusal(() => loadProject(write("Pulumi.yaml", "name: my shop\nruntime: nodejs\n")))).toMatch(
      /name = "my shop" is not a project name\. Fix:/,
    );
    expect(
      refusal(() =>
        loadProject(write("Pulumi.yaml", "name: shop\nruntime: nodejs\nconfig:\n  n:\n    type: int\n")),
      ),
    ).toMatch(/config\.n\.type = "int" is not a config type\. Fix: use one of "string", "integer"/);
  });
});

describe("stack config over project config", () => {
  const project = () =>
    loadProject(
      write(
        "Pulumi.yaml",
        [
          "name: shop",
          "runtime: nodejs",
          "config:",
          "  size: small", // short form: a default
          "  replicas:",
          "    type: integer",
          "    default: 2",
          "  tags:",
          "    type: array",
          "    default: [a, b]",
          "  owner:",
          "    type: string", // no default: every stack must set it
          "  aws:region:",
          "    value: eu-west-1", // other namespaces use value:
          "",
        ].join("\n"),
      ),
    );

  test("bare keys take the project's name, aws:region stays; stack values win; objects are JSON", () => {
    write(
      "Pulumi.dev.yaml",
      [
        "config:",
        "  owner: team-a",
        "  shop:replicas: 3",
        "  network:",
        "    cidr: 10.0.0.0/16",
        "  debug:verbose: true",
        "",
      ].join("\n"),
    );
    const c = loadStackConfig(project(), "dev");
    expect(c.config).toEqual({
      "shop:size": "small",
      "shop:replicas": "3",
      "shop:tags": '["a","b"]',
      "shop:owner": "team-a",
      "shop:network": '{"cidr":"10.0.0.0/16"}',
      "debug:verbose": "true",
      "aws:region": "eu-west-1",
    });
    expect(c.region).toBe("eu-west-1");
    expect(c.secretKeys).toEqual([]);
  });

  test("secure: values become the marked placeholder and secret keys, nested ones too", () => {
    write(
      "Pulumi.dev.yaml",
      "config:\n  owner: team-a\n  dbPassword:\n    secure: AAABAdeadbeef\n  creds:\n    user: u\n    pass:\n      secure: AAAB\n",
    );
    const c = loadStackConfig(project(), "dev");
    expect(c.config["shop:dbPassword"]).toBe(SECURE_PLACEHOLDER);
    expect(c.config["shop:creds"]).toBe(JSON.stringify({ user: "u", pass: SECURE_PLACEHOLDER }));
    expect(c.secretKeys).toEqual(["shop:creds", "shop:dbPassword"]);
    expect(c.placeholderKeys).toEqual(["shop:creds", "shop:dbPassword"]);
    expect(JSON.stringify(c)).not.toContain("AAAB");
  });

  test("a declared key without a default that the stack does not set is an error naming it and the fix", () => {
    write("Pulumi.dev.yaml", "config:\n  aws:region: us-east-1\n");
    expect(refusal(() => loadStackConfig(project(), "dev"))).toMatch(
      /Pulumi\.dev\.yaml: config shop:owner is missing: Pulumi\.yaml declares it without a default\. Fix: set it in Pulumi\.dev\.yaml \(pulumi config set owner <value>\)/,
    );
  });

  test("a stack value of the wrong declared type is refused", () => {
    write("Pulumi.dev.yaml", "config:\n  owner: a\n  replicas: many\n");
    expect(refusal(() => loadStackConfig(project(), "dev"))).toMatch(
      /config\.replicas value "many" is not of type "integer" \(declared in Pulumi\.yaml\)\. Fix:/,
    );
  });

  test("an unknown stack lists the known ones; an empty stack file is no config", () => {
    write("Pulumi.dev.yaml", "");
    const p = loadProject(write("Pulumi.yaml", "name: shop\nruntime: nodejs\n"));
    expect(loadStackConfig(p, "dev").config).toEqual({});
    expect(refusal(() => loadStackConfig(p, "prod"))).toMatch(
      /--stack = "prod": no stack file .*Fix: use one of "dev"/,
    );
  });

  test("ESC environments are reported, their values not being available offline", () => {
    write("Pulumi.dev.yaml", "environment:\n  - shop/dev\nconfig: {}\n");
    const p = loadProject(write("Pulumi.yaml", "name: shop\nruntime: nodejs\n"));
    expect(loadStackConfig(p, "dev").environments).toEqual(["shop/dev"]);
  });
});
