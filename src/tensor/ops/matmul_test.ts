/** The matmul kernel against the plain-TypeScript reference, on shapes that are not tile multiples. */
import assert from "node:assert/strict";
import { init, type Tensor, tensor } from "../mod.ts";
import { linear, matmul, matmulPlanned, matmulRaw } from "./matmul.ts";
import { matmulRef } from "./_matmul_ref.ts";
import {
  LLVMPIPE_RATES,
  SWIFTSHADER_RATES,
  type TexLayout,
  texLayout,
  texRates,
} from "./_matmul_tex.ts";

await init();

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed * 2654435761 >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

const size = (shape: readonly number[]) => shape.reduce((p, q) => p * q, 1);

interface Case {
  a: number[];
  b: number[];
  transA?: boolean;
  transB?: boolean;
  bias?: boolean;
  relu?: boolean;
  /** Forces split-K with this many splits. */
  splits?: number;
  /** Forces the texture path (one operand in a texture) with this layout. */
  tex?: TexLayout;
  /** Forces the GPU-shaped tiled kernel with this many invocations (split-K: `splits`). */
  tile?: { tx: 8 | 16; ty: 8 | 16 };
}

async function check(c: Case): Promise<void> {
  const ad = values(size(c.a), 1), bd = values(size(c.b), 2);
  const n = c.transB ? c.b.at(-2)! : c.b.at(-1)!;
  const biasD = c.bias ? values(n, 3) : undefined;
  const a = tensor(ad, { shape: c.a }), b = tensor(bd, { shape: c.b });
  const bias = biasD ? tensor(biasD, { shape: [n] }) : undefined;
  const opts = { transA: c.transA, transB: c.transB, bias, relu: c.relu };
  let out: Tensor;
  if (c.tile) {
    out = matmulPlanned(a, b, opts, { wx: 8, wy: 8, splits: c.splits ?? 1, tile: c.tile });
  } else if (c.splits) out = matmulPlanned(a, b, opts, { wx: 1, wy: 1, splits: c.splits });
  else if (c.tex) {
    out = matmulPlanned(a, b, opts, { wx: 8, wy: 8, splits: 1, tex: true, layout: c.tex });
  } else out = matmulRaw(a, b, opts);
  try {
    const ref = matmulRef({
      a: ad,
      aShape: c.a,
      b: bd,
      bShape: c.b,
      transA: c.transA,
      transB: c.transB,
      bias: biasD,
      relu: c.relu,
    });
    assert.deepEqual(out.shape, ref.shape);
    const got = await out.data();
    let scale = 1, worst = 0, at = -1;
    for (const v of ref.data) scale = Math.max(scale, Math.abs(v));
    for (let i = 0; i < got.length; i++) {
      const e = Math.abs(got[i]! - ref.data[i]!);
      if (!(e <= worst)) [worst, at] = [e, i];
    }
    assert.ok(
      worst < 1e-3 * scale,
      `max abs diff ${worst} at ${at} (got ${got[at]}, want ${ref.data[at]}), scale ${scale}`,
    );
  } finally {
    for (const t of [a, b, bias, out]) t?.dispose();
  }
}

const name = (c: Case) =>
  `${JSON.stringify(c.a)}${c.transA ? "^T" : ""} x ${JSON.stringify(c.b)}${c.transB ? "^T" : ""}` +
  (c.bias ? " +bias" : "") + (c.relu ? " relu" : "") + (c.splits ? ` split-K ${c.splits}` : "") +
  (c.tex ? ` texture path ${JSON.stringify(c.tex)}` : "") +
  (c.tile ? ` tiled ${c.tile.tx}x${c.tile.ty}` : "");

const cases: Case[] = [
  { a: [1, 1], b: [1, 1] },
  { a: [37, 29], b: [29, 45] },
  { a: [3, 13, 21], b: [3, 21, 17] },
  { a: [1, 3072], b: [3072, 40] },
  { a: [64, 3072], b: [40, 3072], transB: true },
  { a: [64, 3072], b: [40, 3072], transB: true, bias: true, relu: true },
  { a: [64, 40], b: [40, 3072] },
  { a: [64, 40], b: [64, 3072], transA: true },
  { a: [64, 10], b: [10, 256] },
  { a: [130, 27], b: [27, 64] },
  { a: [130, 64], b: [27, 64], transB: true },
  { a: [130, 27], b: [130, 64], transA: true },
  { a: [2, 3, 9, 7], b: [7, 5] }, // batch of 6 times a shared B
  { a: [5, 7], b: [4, 7, 6] }, // shared A
  { a: [37, 29], b: [29, 45], bias: true },
  { a: [37, 29], b: [29, 45], bias: true, relu: true },
  { a: [37, 29], b: [29, 45], splits: 3 },
  { a: [9, 301], b: [301, 11], splits: 5, bias: true, relu: true },
  { a: [2, 300, 9], b: [2, 11, 300], transA: true, transB: true, splits: 4 },
];
// Every transpose combination, aligned and not, single and batched.
for (const [m, n, k] of [[37, 45, 29], [8, 16, 12], [3, 5, 2], [17, 9, 64]]) {
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      for (const lead of [[], [3]]) {
        cases.push({
          a: [...lead, ...(transA ? [k!, m!] : [m!, k!])],
          b: [...lead, ...(transB ? [n!, k!] : [k!, n!])],
          transA,
          transB,
        });
      }
    }
  }
}

// The texture path: every transpose, both orientations (C or C^T on the lanes), 2 and 4 texels per
// invocation, 8 or 16 rows and 4, 8 or 16 invocations per workgroup, split-K, rows and columns that are not tile multiples, k not a multiple of 4 (the masked
// last step), operands copied in rather than packed (rows of 64 floats), the fused bias and relu.
const texShapes = [[37, 44, 29], [50, 12, 700], [200, 8, 70], [8, 4, 1], [130, 64, 27], [
  70,
  128,
  300,
]];
const layouts = [
  { swap: false, cw: 4, splits: 1 },
  { swap: true, cw: 2, splits: 1 },
  { swap: false, cw: 2, splits: 3 },
  { swap: true, cw: 4, splits: 2 },
  { swap: false, cw: 4, splits: 1, rm: 8 },
  { swap: true, cw: 2, splits: 2, rm: 8, lanes: 4 },
  { swap: false, cw: 2, splits: 1, lanes: 16 },
] as const;
for (const [m, n, k] of texShapes) {
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      for (const tex of layouts) {
        cases.push({
          a: transA ? [k!, m!] : [m!, k!],
          b: transB ? [n!, k!] : [k!, n!],
          transA,
          transB,
          tex,
          bias: transA,
          relu: transB,
        });
      }
    }
  }
}

// The tiled kernel (workgroup-memory panels of 16 depths, 4x4 outputs per invocation): every
// transpose, single and batched (and with a shared operand), both tile sizes and a non-square one,
// sizes that are not tile multiples, k not a multiple of 4 or of 16, split-K, the fused bias and relu.
const tiles = [{ tx: 16, ty: 16 }, { tx: 8, ty: 8 }, { tx: 16, ty: 8 }, { tx: 8, ty: 16 }] as const;
let ti = 0;
for (const [m, n, k] of [[37, 45, 29], [8, 16, 12], [3, 5, 2], [70, 130, 300], [64, 64, 64]]) {
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      for (const lead of [[], [3]]) {
        cases.push({
          a: [...lead, ...(transA ? [k!, m!] : [m!, k!])],
          b: [...lead, ...(transB ? [n!, k!] : [k!, n!])],
          transA,
          transB,
          tile: tiles[ti++ % tiles.length],
          bias: (ti & 2) !== 0,
          relu: (ti & 4) !== 0,
        });
      }
    }
  }
}
cases.push(
  { a: [2, 3, 9, 7], b: [7, 5], tile: { tx: 8, ty: 8 }, bias: true },
  { a: [5, 7], b: [4, 7, 6], tile: { tx: 16, ty: 16 }, relu: true },
  { a: [9, 301], b: [301, 11], tile: { tx: 8, ty: 8 }, splits: 5, bias: true, relu: true },
  {
    a: [2, 300, 9],
    b: [2, 11, 300],
    transA: true,
    transB: true,
    tile: { tx: 16, ty: 8 },
    splits: 4,
  },
  { a: [33, 1000], b: [1000, 20], tile: { tx: 16, ty: 16 }, splits: 3, bias: true },
);

for (const c of cases) {
  Deno.test(`matmul ${name(c)} matches the reference`, () => check(c));
}

Deno.test("linear with relu equals relu(x w^T) from matmul", async () => {
  const x = tensor(values(6 * 5, 4), { shape: [6, 5], requiresGrad: true });
  const w = tensor(values(3 * 5, 5), { shape: [3, 5], requiresGrad: true });
  const y = linear(x, w, null, { relu: true });
  assert.deepEqual(y.shape, [6, 3]);
  const z = matmul(x, w, { transB: true });
  assert.deepEqual(z.shape, [6, 3]);
  const [want, got] = [await z.data(), await y.data()];
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(Math.max(want[i]!, 0) - got[i]!) < 1e-5);
  for (const t of [x, w, y, z]) t.dispose();
});

Deno.test("matmul names both shapes when the inner dimensions differ", () => {
  const a = tensor(values(6, 6), { shape: [2, 3] }), b = tensor(values(20, 7), { shape: [4, 5] });
  assert.throws(
    () => matmul(a, b),
    (e: Error) => e instanceof TypeError && /\[2,3\].*\[4,5\]/.test(e.message),
  );
  a.dispose();
  b.dispose();
});

Deno.test("texLayout: 8 rows per workgroup where 16 would leave many rows idle, else 16", () => {
  // SimpleNet's products have 40 rows: 16 per workgroup computes 48, 8 computes 40.
  assert.equal(texLayout(40, 3072, 64, true, false).rm, 8);
  assert.equal(texLayout(64, 40, 3072, false, true).rm, 8); // C^T on the lanes: 40 rows
  for (const [m, n, k] of [[1024, 1024, 1024], [64, 256, 784], [256, 784, 64]]) {
    assert.equal(texLayout(m!, n!, k!).rm, undefined, `${m}x${n}x${k}`);
  }
});

Deno.test("texLayout: each adapter's measured rates; SwiftShader's dear packs turn the MLP forward", async () => {
  // x [64, 784] by w^T (w [256, 784]): on llvmpipe the weight goes into the texture (packed, 200K
  // floats); on SwiftShader, where a pack costs ~35x more per float, C^T with x packed (50K floats).
  assert.deepEqual(texLayout(64, 256, 784, false, true, LLVMPIPE_RATES), {
    swap: false,
    cw: 4,
    splits: 1,
  });
  assert.deepEqual(texLayout(64, 256, 784, false, true, SWIFTSHADER_RATES), {
    swap: true,
    cw: 2,
    splits: 1,
  });
  // a square product and the MLP's weight gradient keep their layout on both
  for (const [m, n, k, ta] of [[1024, 1024, 1024, false], [256, 784, 64, true]] as const) {
    assert.deepEqual(
      texLayout(m, n, k, ta, false, SWIFTSHADER_RATES),
      texLayout(m, n, k, ta, false, LLVMPIPE_RATES),
      `${m}x${n}x${k}`,
    );
  }
  // the device's own: SwiftShader's only in Chrome's SwiftShader adapter
  const { device } = await import("../device.ts");
  const d = device();
  const adapter = await navigator.gpu.requestAdapter();
  const ss = adapter?.info.architecture === "swiftshader";
  assert.equal(texRates(d), ss ? SWIFTSHADER_RATES : LLVMPIPE_RATES);
});

Deno.test("matmul texture path: nothing created in steady state, one copy or pack per product", async () => {
  const { device } = await import("../device.ts");
  const d = device();
  const a = tensor(values(50 * 700, 6), { shape: [50, 700] });
  const b = tensor(values(700 * 128, 7), { shape: [700, 128] });
  const layout = { swap: false, cw: 4, splits: 1 } as const;
  const plan = { wx: 8, wy: 8, splits: 1, tex: true, layout };
  const run = () => matmulPlanned(a, b, {}, plan).dispose();
  run();
  await d.sync();
  const s0 = d.stats();
  for (let i = 0; i < 3; i++) run();
  await d.sync();
  const s1 = d.stats();
  // B (128 columns: whole 256-byte rows) is copied into the texture: one dispatch per product.
  assert.equal(s1.dispatches - s0.dispatches, 3);
  for (
    const k of ["created", "pipelinesCreated", "uniformsCreated", "bindGroupsCreated"] as const
  ) {
    assert.equal(s1[k], s0[k], k);
  }
  a.dispose();
  b.dispose();
});

Deno.test("matmul writes into `out` on every path (storage, split-K, texture, texture split-K)", async () => {
  const plans = [
    { wx: 8, wy: 8, splits: 1 },
    { wx: 8, wy: 8, splits: 3 },
    { wx: 8, wy: 8, splits: 1, tex: true, layout: { swap: false, cw: 4, splits: 1 } as const },
    { wx: 8, wy: 8, splits: 1, tex: true, layout: { swap: true, cw: 2, splits: 2 } as const },
  ];
  const [m, k, n] = [37, 300, 44];
  const ad = values(m * k, 8), bd = values(k * n, 9);
  const ref = matmulRef({ a: ad, aShape: [m, k], b: bd, bShape: [k, n] });
  const a = tensor(ad, { shape: [m, k] }), b = tensor(bd, { shape: [k, n] });
  for (const plan of plans) {
    const out = tensor(new Float32Array(m * n).fill(NaN), { shape: [n, m] }); // any shape, m*n elements
    const got = matmulPlanned(a, b, { out }, plan);
    assert.equal(got, out, JSON.stringify(plan));
    const data = await out.data();
    for (let i = 0; i < data.length; i++) {
      assert.ok(Math.abs(data[i]! - ref.data[i]!) < 1e-3, `${JSON.stringify(plan)} at ${i}`);
    }
    out.dispose();
  }
  const small = tensor(new Float32Array(3));
  assert.throws(() => matmulRaw(a, b, { out: small }), TypeError);
  for (const t of [a, b, small]) t.dispose();
});

Deno.test("linear backpropagates like finite differences, with and without the fused ReLU", async () => {
  const { gradCheck, randArray } = await import("../_test_util.ts");
  // Small weights and biases of magnitude ~1 (both signs): every ReLU input is at least ~0.4 from
  // its kink, so the finite differences see one branch, and both branches occur.
  const x = { shape: [5, 6], data: randArray(30, 31) };
  const w = { shape: [7, 6], data: randArray(42, 32).map((v) => v * 0.1) };
  const b = { shape: [7], data: randArray(7, 33).map((v, i) => (i % 2 ? -1 : 1) * (1 + 0.2 * v)) };
  await gradCheck(([a, ww, bb]) => linear(a!, ww!, bb!), [x, w, b]);
  await gradCheck(([a, ww, bb]) => linear(a!, ww!, bb!, { relu: true }), [x, w, b]);
  // Without a bias: the last input column is 1 and its weights +-1 (the bias, by hand).
  const x1 = { shape: [5, 6], data: x.data.map((v, i) => (i % 6 === 5 ? 1 : v)) };
  const w1 = {
    shape: [7, 6],
    data: w.data.map((v, i) => (i % 6 === 5 ? b.data[(i - 5) / 6]! : v)),
  };
  await gradCheck(([a, ww]) => linear(a!, ww!, null, { relu: true }), [x1, w1]);
});

Deno.test("matmul texture path falls back to the storage kernel past the texture size limit", async () => {
  const { device } = await import("../device.ts");
  const k = device().gpu.limits.maxTextureDimension2D + 4; // more depths than texture rows
  await check({ a: [3, k], b: [k, 8], tex: { swap: false, cw: 2, splits: 1 } });
  await check({ a: [3, k], b: [k, 8], tex: { swap: true, cw: 2, splits: 1 } });
});
