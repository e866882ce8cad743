/**
 * `conv2dBatchNorm` against the composition `conv2d` → `batchNorm` → `relu` (each tested against CPU
 * references and PyTorch goldens): output, running statistics and every gradient, with and without
 * conv bias and ReLU, on shapes that are not multiples of the tile or workgroup sizes; and with
 * gradients that an optimizer's zeroGrad marked zero (written in place by the fused backward).
 */
import assert from "node:assert/strict";
import { assertClose, randArray, testDevice } from "../_test_util.ts";
import { tensor } from "../creation.ts";
import { backward } from "../autograd.ts";
import type { Tensor } from "../tensor.ts";
import { conv2d } from "./conv.ts";
import { batchNorm } from "./batch_norm.ts";
import { relu } from "./elementwise.ts";
import { conv2dBatchNorm } from "./conv_bn.ts";
import { conv2dBatchNormRef } from "./_conv_bn_ref.ts";

await testDevice();

interface Case {
  x: number[];
  w: number[];
  stride: number;
  padding: number;
  bias: boolean;
  relu: boolean;
  /** BN with weight and bias (default true). */
  affine?: boolean;
}

const cases: Case[] = [
  { x: [3, 5, 9, 7], w: [6, 5, 3, 3], stride: 2, padding: 1, bias: false, relu: true },
  { x: [2, 3, 11, 10], w: [7, 3, 3, 2], stride: 1, padding: 0, bias: true, relu: true },
  { x: [4, 2, 6, 6], w: [5, 2, 1, 1], stride: 1, padding: 0, bias: true, relu: false },
  // 4x4 output planes (the vec4 path) without BN weight / bias, and a larger channel than a workgroup.
  {
    x: [3, 3, 8, 8],
    w: [4, 3, 3, 3],
    stride: 2,
    padding: 1,
    bias: false,
    relu: true,
    affine: false,
  },
  { x: [5, 2, 20, 20], w: [3, 2, 3, 3], stride: 1, padding: 1, bias: true, relu: true },
];

function run(c: Case, fused: boolean, lazyZero: boolean) {
  const nx = c.x.reduce((a, b) => a * b, 1), nw = c.w.reduce((a, b) => a * b, 1), co = c.w[0]!;
  const x = tensor(randArray(nx, 1, -2, 2), { shape: c.x, requiresGrad: true });
  const w = tensor(randArray(nw, 2, -0.5, 0.5), { shape: c.w, requiresGrad: true });
  const b = c.bias ? tensor(randArray(co, 3), { requiresGrad: true }) : null;
  const affine = c.affine ?? true;
  const bw = affine ? tensor(randArray(co, 4, 0.5, 1.5), { requiresGrad: true }) : null;
  const bb = affine ? tensor(randArray(co, 5, -0.5, 0.5), { requiresGrad: true }) : null;
  const rm = tensor(randArray(co, 6)), rv = tensor(randArray(co, 7, 0.5, 2));
  const params = [x, w, ...(b ? [b] : []), ...(bw && bb ? [bw, bb] : [])];
  if (lazyZero) {
    // Stale gradient buffers marked zero, as an optimizer's zeroGrad leaves them.
    for (const p of params) {
      p.grad = tensor(randArray(p.size, 9, 5, 6), { shape: p.shape });
      p.zeroGradLazy();
    }
  }
  const bn = { weight: bw, bias: bb, runningMean: rm, runningVar: rv, training: true };
  const opts = { stride: c.stride, padding: c.padding };
  let y: Tensor;
  if (fused) y = conv2dBatchNorm(x, w, b, { ...opts, relu: c.relu, bn });
  else {
    const z = batchNorm(conv2d(x, w, b, opts), bn);
    y = c.relu ? relu(z) : z;
  }
  const gy = tensor(randArray(y.size, 8), { shape: y.shape });
  return { y, gy, params, rm, rv, all: [...params, rm, rv, y, gy] };
}

for (const c of cases) {
  for (const lazyZero of [false, true]) {
    Deno.test(
      `conv2dBatchNorm x[${c.x}] w[${c.w}] s${c.stride} p${c.padding} bias=${c.bias} relu=${c.relu} ` +
        `affine=${c.affine ?? true} ` +
        `zeroed grads=${lazyZero} matches conv2d -> batchNorm -> relu`,
      async () => {
        const a = run(c, true, lazyZero), r = run(c, false, false);
        try {
          assertClose(await a.y.data(), await r.y.data(), { what: "output", atol: 1e-4 });
          assertClose(await a.rm.data(), await r.rm.data(), { what: "running mean", atol: 1e-5 });
          assertClose(await a.rv.data(), await r.rv.data(), { what: "running var", atol: 1e-5 });
          backward(a.y, a.gy);
          backward(r.y, r.gy);
          const names = [
            "x",
            "w",
            ...(c.bias ? ["conv bias"] : []),
            ...(c.affine ?? true ? ["bn weight", "bn bias"] : []),
          ];
          for (let i = 0; i < a.params.length; i++) {
            assert.ok(a.params[i]!.grad, `grad ${names[i]}`);
            assertClose(await a.params[i]!.grad!.data(), await r.params[i]!.grad!.data(), {
              what: `grad ${names[i]}`,
              atol: 2e-4,
            });
          }
        } finally {
          for (const t of [...a.all, ...r.all]) t.dispose();
        }
      },
    );
  }
}

Deno.test("conv2dBatchNorm matches its CPU twin (conv, batch norm, ReLU in float64)", async () => {
  const g = {
    n: 2,
    c: 3,
    h: 6,
    w: 8,
    co: 4,
    kh: 3,
    kw: 3,
    stride: [1, 1] as [number, number],
    padding: [1, 1] as [number, number],
    dilation: [1, 1] as [number, number],
    groups: 1,
  };
  const xd = randArray(2 * 3 * 6 * 8, 31, -2, 2), wd = randArray(4 * 3 * 9, 32, -0.5, 0.5);
  const bd = randArray(4, 33), bwd = randArray(4, 34, 0.5, 1.5), bbd = randArray(4, 35);
  const rmd = randArray(4, 36), rvd = randArray(4, 37, 0.5, 2);
  const x = tensor(xd, { shape: [2, 3, 6, 8] }), w = tensor(wd, { shape: [4, 3, 3, 3] });
  const b = tensor(bd), bw = tensor(bwd), bb = tensor(bbd), rm = tensor(rmd), rv = tensor(rvd);
  const y = conv2dBatchNorm(x, w, b, {
    stride: 1,
    padding: 1,
    relu: true,
    bn: { weight: bw, bias: bb, runningMean: rm, runningVar: rv, training: true },
  });
  const want = conv2dBatchNormRef(
    g,
    xd,
    wd,
    bd,
    { weight: bwd, bias: bbd, mean: rmd, var: rvd },
    true,
  );
  assertClose(await y.data(), want.y, { what: "output", atol: 1e-4 });
  assertClose(await rm.data(), want.runningMean, { what: "running mean", atol: 1e-5 });
  assertClose(await rv.data(), want.runningVar, { what: "running var", atol: 1e-4 });
  for (const t of [x, w, b, bw, bb, rm, rv, y]) t.dispose();
});
