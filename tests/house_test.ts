/**
 * The house rule of the ops: every kernel (`shaders/*.wgsl` without a leading `_`) is used by an op
 * whose header names it, its CPU twin and its tests (`WGSL: ... CPU twin: ... Tests: ...`); the twin
 * and the test exist beside the op, the op (or a private file it imports) compiles that kernel, and the
 * test imports both the op and the twin. Read from the files themselves: no list to keep in step.
 */
import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const read = (p: string) => Deno.readTextFileSync(join(root, p));

interface OpEntry {
  file: string;
  shaders: string[];
  twins: string[];
  tests: string[];
}

/** The op files under `dir` whose header has a `WGSL: ... CPU twin: ... Tests: ...` line. */
function opsIn(dir: string): OpEntry[] {
  const out: OpEntry[] = [];
  for (const e of Deno.readDirSync(join(root, dir))) {
    if (!e.name.endsWith(".ts") || e.name.endsWith("_test.ts") || e.name.endsWith("_ref.ts")) {
      continue;
    }
    const file = join(dir, e.name);
    const header = read(file).match(/^\/\*\*([\s\S]*?)\*\//)?.[1]?.replace(/^\s*\* ?/gm, "") ?? "";
    const m = header.match(
      /WGSL:([\s\S]*?)CPU twin:([\s\S]*?)Tests:([\s\S]*?)(?:\n\s*\n|@module|$)/,
    );
    if (!m) continue;
    const ticks = (s: string) => [...s.matchAll(/`([^`]+)`/g)].map((x) => x[1]!);
    out.push({
      file,
      shaders: ticks(m[1]!).map((s) => s.replace(/^shaders\//, "").replace(/\.wgsl$/, "")),
      twins: ticks(m[2]!),
      tests: ticks(m[3]!),
    });
  }
  return out;
}

/** The text of `file` and of the relative modules it imports directly. */
function withImports(file: string): string {
  const src = read(file);
  let all = src;
  for (const m of src.matchAll(/from "(\.[^"]+\.ts)"/g)) {
    const dep = relative(root, join(root, dirname(file), m[1]!));
    try {
      all += read(dep);
    } catch { /* a type-only path that does not exist is the type checker's business */ }
  }
  return all;
}

const ops = [...opsIn("src/tensor/ops"), ...opsIn("src/optim")];
const kernels = [...Deno.readDirSync(join(root, "shaders"))]
  .map((e) => e.name)
  .filter((n) => n.endsWith(".wgsl") && !n.startsWith("_"))
  .map((n) => n.replace(/\.wgsl$/, ""));

Deno.test("every kernel is used by an op with a CPU twin and a test naming it", () => {
  assert.ok(ops.length >= 10, `found only ${ops.length} op headers`);
  const missing = kernels.filter((k) => !ops.some((o) => o.shaders.includes(k)));
  assert.deepEqual(missing, [], `kernels no op header names: ${missing.join(", ")}`);
});

for (const op of ops) {
  Deno.test(`${op.file}: its kernels, CPU twin and tests exist and are wired`, () => {
    const dir = dirname(op.file);
    const code = withImports(op.file);
    for (const k of op.shaders) {
      assert.ok(kernels.includes(k), `${op.file} names shaders/${k}.wgsl, which does not exist`);
      const base = k.replace(/_vec4$/, "");
      const used = code.includes(`"${k}"`) ||
        (k !== base && code.includes(`"${base}"`) &&
          /_vec4`/.test(code + read("src/optim/optimizer.ts")));
      assert.ok(used, `${op.file} (and its imports) never compile kernel '${k}'`);
    }
    assert.ok(op.twins.length > 0 && op.tests.length > 0, `${op.file}: no twin or no test named`);
    for (const t of op.twins) {
      assert.match(
        t,
        /^_.*_ref\.ts$/,
        `${op.file}: a CPU twin is a private _*_ref.ts file, got ${t}`,
      );
      read(join(dir, t));
    }
    const opName = op.file.split("/").pop()!;
    for (const t of op.tests) {
      const test = read(join(dir, t));
      const imports = [...test.matchAll(/from "([^"]+)"/g)].map((m) => m[1]!.split("/").pop()!);
      assert.ok(
        imports.includes(opName) || imports.includes("mod.ts"),
        `${join(dir, t)} does not import ${opName}`,
      );
      assert.ok(
        op.twins.some((tw) => imports.includes(tw)),
        `${join(dir, t)} does not import the CPU twin ${op.twins.join(", ")}`,
      );
    }
  });
}
