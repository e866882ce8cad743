import assert from "node:assert/strict";
import { layout, parseShader, structsOf } from "./_wgsl.ts";

const lay = (body: string) => layout("t.wgsl", "S", body);

Deno.test("uniform layouts follow WGSL's alignment rules", () => {
  const l = lay(
    "a: u32, b: vec2<f32>, c: f32, d: vec3<u32>, e: f32, f: vec4f, g: array<vec4<i32>, 2>",
  );
  const off = Object.fromEntries(Object.entries(l.fields).map(([k, f]) => [k, f.offset]));
  // vec2 aligns to 8, vec3 and vec4 to 16 (a vec3 leaves room for one scalar after it).
  assert.deepEqual(off, { a: 0, b: 8, c: 16, d: 32, e: 44, f: 48, g: 64 });
  assert.equal(l.size, 96);
  assert.deepEqual(
    { ...l.fields.g },
    { offset: 64, type: "array<vec4<i32>, 2>", scalar: "i32", lanes: 4, count: 2, stride: 16 },
  );
  // A struct's size rounds up to its largest alignment; scalars alone are 4-byte aligned.
  assert.equal(lay("a: u32, b: u32, c: u32, d: u32, e: u32").size, 20);
  assert.equal(lay("a: vec2<u32>, b: u32").size, 16);
});

Deno.test("the reader refuses what it cannot lay out, naming the file", () => {
  assert.throws(() => lay("a: mat4x4<f32>"), /shaders\/t\.wgsl: cannot lay out .*mat4x4/);
  assert.throws(() => lay("a: array<f32, 4>"), /element stride of 16/);
  assert.throws(() => lay("@align(16) a: u32"), /cannot read field|attributes/);
  assert.throws(() => lay(""), /no fields/);
  assert.throws(
    () =>
      parseShader("t.wgsl", "const X: u32 = 2u * 3u;\n@compute @workgroup_size(1) fn main() {}"),
    /only literal constants/,
  );
  assert.throws(
    () =>
      parseShader(
        "t.wgsl",
        "@group(1) @binding(0) var<uniform> P: u32;\n@compute @workgroup_size(1) fn main() {}",
      ),
    /only @group\(0\)/,
  );
  assert.throws(() => parseShader("t.wgsl", "fn f() {}"), /no @compute entry point/);
});

Deno.test("bindings per entry point follow static use through called functions", () => {
  const src = `
// A comment naming b must not count: b
const OP_A: u32 = 3u;
const K = 0x10u;
struct P { n: u32 }
@group(0) @binding(0) var<uniform> U: P;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> b4: array<vec4<f32>>;
fn helper(i: u32) -> f32 { return a[i] + f32(U.n); }
fn shadow(b: f32) -> f32 { let out = b; return out; }
@compute @workgroup_size(1)
fn one(@builtin(global_invocation_id) g: vec3<u32>) { out[g.x] = helper(g.x) + shadow(1.0); }
@compute @workgroup_size(1)
fn two(@builtin(global_invocation_id) g: vec3<u32>) { out[g.x] = b4[g.x].x + b[0]; }
`;
  assert.throws(() => parseShader("t.wgsl", src), /entry two uses b4 and b at binding 2/);
  const ok = src.replace(" + b[0]", "");
  const p = parseShader("t.wgsl", ok);
  assert.deepEqual(p.constants, { OP_A: 3, K: 16 });
  assert.deepEqual(p.bindings, { one: { U: 0, a: 1, out: 3 }, two: { b4: 2, out: 3 } });
  assert.deepEqual([...p.uniforms], ["P"]);
  assert.deepEqual([...structsOf(ok).keys()], ["P"]);
});
