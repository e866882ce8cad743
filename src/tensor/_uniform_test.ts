import assert from "node:assert/strict";
import { packUniform } from "./_uniform.ts";
import { layouts } from "./_shaders.ts";
import { stridedParams } from "./ops/_launch.ts";

Deno.test("packUniform writes each field at its generated offset, as its type", () => {
  const L = layouts.dropout.Params;
  const u = new Uint32Array(
    packUniform(L, { n: 7, key: 9, threshold: 0xffffffff, scale: 1.5, base: 2 }),
  );
  assert.deepEqual([...u].slice(0, 5), [
    7,
    9,
    0xffffffff,
    new Uint32Array(new Float32Array([1.5]).buffer)[0],
    2,
  ]);
  const h = layouts.optim_hypers.Hypers;
  assert.equal(h.size, 64);
  assert.equal(h.fields.flags.offset, 44);
  assert.equal(h.fields.step.offset, 48);
});

Deno.test("packUniform refuses an unknown field, a missing one and too many values", () => {
  const L = layouts.axpy.Params;
  assert.throws(
    () => packUniform(L, { n: 1, alpha: 1, beta: 1, gamma: 2 } as never),
    (e: Error) =>
      e instanceof TypeError && /'gamma': expected one of n, alpha, beta, pad/.test(e.message),
  );
  assert.throws(
    () => packUniform(L, { n: 1, alpha: 1 }),
    (e: Error) => e instanceof TypeError && /field 'beta' \(f32\) is missing/.test(e.message),
  );
  const S = layouts.strided.Params;
  assert.throws(
    () =>
      packUniform(S, {
        numel: 1,
        rank: 1,
        s0: 0,
        s1: 0,
        off: [1, 2, 3, 4, 5],
        shape: [],
        sa: [],
        sb: [],
        sc: [],
      }),
    /'off': vec4<u32> holds 4 values, got 5/,
  );
  // pad fields may be left out (zero), even in a reused buffer
  const out = new ArrayBuffer(16);
  new Uint32Array(out).fill(99);
  packUniform(L, { n: 1, alpha: 2, beta: 3 }, out);
  assert.equal(new Uint32Array(out)[3], 0);
});

Deno.test("the strided uniform packs as the hand layout it replaced", () => {
  // The layout `_launch.ts` kept by hand before it was generated: numel, rank, s0, s1, off[4],
  // then shape, sa, sb, sc as 8 u32 each.
  const shape = [2, 3, 4], strides = [[12, 4, 1], [0, 1, 0], [1, 2, 6]];
  const want = new ArrayBuffer(160);
  const u = new Uint32Array(want), f = new Float32Array(want);
  u[0] = 24;
  u[1] = 3;
  f[2] = 0.5;
  f[3] = -2;
  u.set([5, 6, 7, 8], 4);
  for (let d = 0; d < 3; d++) {
    u[8 + d] = shape[d]!;
    for (let k = 0; k < 3; k++) u[16 + 8 * k + d] = strides[k]![d]!;
  }
  const got = stridedParams(shape, strides, { offsets: [5, 6, 7, 8], s0: 0.5, s1: -2 });
  assert.deepEqual(new Uint32Array(got), u);
});
