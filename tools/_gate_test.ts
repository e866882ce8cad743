/** The gate's own checkers (tools/_gate.ts) on temporary folders: each can fail, and passes when it should. */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import {
  allModProblems,
  expectedExports,
  lineCount,
  modProblems,
  parseModFile,
  sizeProblems,
} from "./_gate.ts";

async function tree(files: Record<string, string>): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "tempo_gate_" });
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(dirname(join(root, path)), { recursive: true });
    await Deno.writeTextFile(join(root, path), text);
  }
  return root;
}

const lines = (n: number) => "x\n".repeat(n);

Deno.test("lineCount counts lines, a final newline starting none", () => {
  assert.equal(lineCount(""), 0);
  assert.equal(lineCount("a"), 1);
  assert.equal(lineCount("a\n"), 1);
  assert.equal(lineCount("a\nb"), 2);
  assert.equal(lineCount(lines(401)), 401);
});

Deno.test("sizeProblems names each code file over the budget, in every folder given", async () => {
  const root = await tree({
    "src/a.ts": lines(400),
    "src/deep/b.ts": lines(401),
    "shaders/c.wgsl": lines(500),
    "examples/d.ts": lines(3),
    "src/e.bin": lines(900), // not code
    "tests/f.ts": lines(900), // not a budgeted folder
    "src/_gen.ts": lines(900), // generated
  });
  try {
    const dirs = ["src", "shaders", "examples"];
    const { counted, problems } = await sizeProblems(root, dirs, 400, ["src/_gen.ts"]);
    assert.equal(counted, 4);
    assert.deepEqual(problems, [
      { file: "src/deep/b.ts", lines: 401 },
      { file: "shaders/c.wgsl", lines: 500 },
    ]);
    assert.deepEqual((await sizeProblems(root, ["src"], 401, ["src/_gen.ts"])).problems, []);
    assert.deepEqual((await sizeProblems(root, ["src"], 401)).problems, [
      { file: "src/_gen.ts", lines: 900 },
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("parseModFile tells re-exports from anything else, comments ignored", () => {
  const src = `/** Docs with "quotes"; and a semicolon.
 * @module
 */
// export const no = 1;
export * from "./a.ts";
export { b, type B } from "./b.ts";
export type { C } from './c.ts';
export * as d from "./d.ts";
import "./_side.ts";
export const x = 1;
`;
  const { targets, others } = parseModFile(src);
  assert.deepEqual(targets, ["./a.ts", "./b.ts", "./c.ts", "./d.ts"]);
  assert.deepEqual(others, ['import "./_side.ts"', "export const x = 1"]);
});

Deno.test("expectedExports: public files, subfolders' mod.ts, subfolders without one file by file", async () => {
  const root = await tree({
    "m/mod.ts": "",
    "m/a.ts": "",
    "m/_private.ts": "",
    "m/a_test.ts": "",
    "m/notes.md": "",
    "m/ops/x.ts": "",
    "m/ops/_y.ts": "",
    "m/sub/mod.ts": "",
    "m/sub/z.ts": "",
  });
  try {
    assert.deepEqual(await expectedExports(join(root, "m")), [
      "./a.ts",
      "./ops/x.ts",
      "./sub/mod.ts",
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("modProblems: a missed file, a private or foreign target, a statement that is not a re-export", async () => {
  const root = await tree({
    "m/a.ts": "export const a = 1;",
    "m/b.ts": "export const b = 1;",
    "m/_p.ts": "export const p = 1;",
    "m/mod.ts": [
      'export * from "./a.ts";',
      'export { p } from "./_p.ts";',
      'export * from "../other.ts";',
      'import "./_p.ts";',
    ].join("\n"),
  });
  try {
    assert.deepEqual(await modProblems(join(root, "m")), [
      'does more than re-export: `import "./_p.ts"`',
      "does not re-export ./b.ts",
      "re-exports ./_p.ts, which is not a public file of its folder",
      "re-exports ../other.ts, which is not a public file of its folder",
    ]);
    await Deno.writeTextFile(
      join(root, "m/mod.ts"),
      '/** m. @module */\nexport * from "./a.ts";\nexport { b } from "./b.ts";\n',
    );
    assert.deepEqual(await modProblems(join(root, "m")), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("allModProblems: the root mod.ts covers only the folders given, each folder's mod.ts its own", async () => {
  const root = await tree({
    "mod.ts": 'export * from "./src/a/mod.ts";\n',
    "src/_platform.ts": "",
    "src/a/mod.ts": 'export * from "./x.ts";\n',
    "src/a/x.ts": "",
    "src/b/mod.ts": "",
    "src/b/y.ts": "",
    "tools/t.ts": "",
  });
  try {
    const { checked, problems } = await allModProblems(root, ["src"]);
    assert.equal(checked, 3);
    assert.deepEqual(problems, [
      "mod.ts: does not re-export ./src/b/mod.ts",
      "src/b/mod.ts: does not re-export ./y.ts",
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
