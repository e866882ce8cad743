/**
 * Tensors bigger than one storage binding, on a device opened with a 1 MiB cap on
 * `maxStorageBufferBindingSize` (so the tensors stay small): each op family splits its work and matches
 * its CPU reference; a tensor past `maxBufferSize` is a `RangeError` before any GPU work; a binding the
 * device refuses is a `GpuError` naming the op. Deno runs each test file in its own isolate, so the cap
 * holds for this file only.
 */
import assert from "node:assert/strict";
import { init } from "../src/tensor/device.ts";
import { full, ones, tensor } from "../src/tensor/creation.ts";
import { add, mul, relu, where } from "../src/tensor/ops/elementwise.ts";
import { assertClose, randArray } from "../src/tensor/_test_util.ts";
import { mapRef, zipRef } from "../src/tensor/ops/_elementwise_ref.ts";
import { type Arr, arr } from "../src/tensor/ops/_ref_arr.ts";
import { permuteRef } from "../src/tensor/ops/_movement_ref.ts";
import { reduceRef } from "../src/tensor/ops/_reduce_ref.ts";
import { softmaxRef } from "../src/tensor/ops/_softmax_ref.ts";
import { argmax, max, mean, sum } from "../src/tensor/ops/reduce.ts";
import { logSoftmax, softmax } from "../src/tensor/ops/softmax.ts";
import { crossEntropy } from "../src/tensor/ops/losses.ts";
import { pad, permute, slice, transpose } from "../src/tensor/ops/movement.ts";
import { backward } from "../src/tensor/autograd.ts";
import { linear, matmul } from "../src/tensor/ops/matmul.ts";
import { matmulRef } from "../src/tensor/ops/_matmul_ref.ts";
import { conv2d } from "../src/tensor/ops/conv.ts";
import { conv2dRef, conv2dRefGrad } from "../src/tensor/ops/_conv_ref.ts";
import { adaptiveAvgPool2d, avgPool2d, maxPool2d } from "../src/tensor/ops/pool.ts";
import { avgPoolRef, maxPoolRef } from "../src/tensor/ops/_pool_ref.ts";
import { batchNorm } from "../src/tensor/ops/batch_norm.ts";
import { batchNormRef } from "../src/tensor/ops/_batch_norm_ref.ts";
import { dropout } from "../src/tensor/ops/dropout.ts";
import { Adam, SGD } from "../src/optim/mod.ts";
import { nllLoss } from "../src/tensor/ops/losses.ts";
import { concat } from "../src/tensor/ops/movement.ts";
import { noGrad } from "../src/tensor/autograd.ts";
import { fashionCnn } from "../examples/_models.ts";
import { GpuError } from "../src/tensor/gpu_error.ts";

const CAP = 1 << 20;
const sumRef = (a: Arr, axes: number[]) => reduceRef(a, axes, (x, y) => x + y, 0);
const meanRef = (a: Arr, axes: number[]) =>
  reduceRef(a, axes, (x, y) => x + y, 0, false, (x, n) => x / n);
const maxRef = (a: Arr, axes: number[]) => reduceRef(a, axes, Math.max, -Infinity);
const logSoftmaxRef = (a: Arr, dim: number) => softmaxRef(a, dim, true);
const dev = await init({ maxStorageBufferBindingSize: CAP, maxBufferSize: 64 << 20 });

Deno.test("init() caps the limits and exposes them as device().limits", () => {
  assert.equal(dev.limits.maxStorageBufferBindingSize, CAP);
  assert.equal(dev.limits.maxBufferSize, 64 << 20);
  assert.ok(dev.limits.maxComputeWorkgroupsPerDimension >= 65535);
  assert.ok(dev.limits.maxTextureDimension2D >= 2048);
  assert.throws(() => init({ maxBufferSize: 1 << 20 }), RangeError);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => init({ maxStorage: 1 } as any), /Cannot use init\(\) option 'maxStorage'/);
});

Deno.test("a tensor past maxBufferSize is a RangeError naming its shape, bytes and the limit", () => {
  let before = dev.stats().created;
  assert.throws(
    () => ones([4000, 4000, 2]),
    (e: Error) =>
      e instanceof RangeError &&
      e.message ===
        "Cannot create a [4000,4000,2] f32 tensor (128 MB): the device's maxBufferSize is 64 MiB",
  );
  assert.throws(() => full([2 ** 30, 2 ** 30], 0), /is not a safe integer/);
  assert.equal(dev.stats().created, before, "nothing was allocated");
  const x = ones([4000, 2000]), y = ones([1, 3, 1]); // 32 MB fits
  before = dev.stats().created;
  const dispatches = dev.stats().dispatches;
  assert.throws(
    () => mul(x.view([4000, 1, 2000]), y), // a 96 MB result
    /Cannot allocate a \[4000,3,2000\] f32 tensor \(96 MB\): the device's maxBufferSize is 64 MiB/,
  );
  assert.equal(dev.stats().created, before, "nothing was allocated");
  assert.equal(dev.stats().dispatches, dispatches, "nothing was dispatched");
  x.dispose();
  y.dispose();
  // A convolution whose output would not fit: refused before any group of images runs.
  const img = ones([64, 1, 128, 128]), w = ones([256, 1, 3, 3]);
  const d0 = dev.stats().dispatches;
  assert.throws(
    () => conv2d(img, w, null, { padding: 1 }),
    /Cannot allocate a \[64,256,128,128\] f32 tensor \(1.07 GB\): the device's maxBufferSize is 64 MiB/,
  );
  assert.equal(dev.stats().dispatches, d0, "nothing was dispatched");
  img.dispose();
  w.dispose();
});

Deno.test("elementwise ops split past the binding limit: same shape, scalar, odd sizes", async () => {
  for (const n of [300_000, 300_001, 700_003]) {
    const xa = randArray(n, 1), xb = randArray(n, 2);
    const a = tensor(xa), b = tensor(xb);
    const before = dev.stats().dispatches;
    const s = add(a, b);
    assert.ok(dev.stats().dispatches - before >= 2, "the add was split");
    const r = relu(a), k = add(a, 1);
    assertClose(await s.data(), zipRef(arr([n], xa), arr([n], xb), (x, y) => x + y).data, {
      what: `add of ${n}`,
    });
    assertClose(await r.data(), mapRef(arr([n], xa), (x) => Math.max(x, 0)).data);
    assertClose(await k.data(), mapRef(arr([n], xa), (x) => x + 1).data);
    for (const t of [a, b, s, r, k]) t.dispose();
  }
});

Deno.test("broadcasting ops and where split past the binding limit", async () => {
  const [m, n] = [700, 601];
  const xa = randArray(m * n, 3), xr = randArray(n, 4), xc = randArray(m, 5);
  const a = tensor(xa, { shape: [m, n] });
  const row = tensor(xr, { shape: [n] }), col = tensor(xc, { shape: [m, 1] });
  const y1 = add(a, row), y2 = mul(col, a);
  assertClose(await y1.data(), zipRef(arr([m, n], xa), arr([n], xr), (x, y) => x + y).data);
  assertClose(await y2.data(), zipRef(arr([m, 1], xc), arr([m, n], xa), (x, y) => x * y).data);
  const w = where(a, row, col);
  const ref = zipRef(
    zipRef(arr([m, n], xa), arr([n], xr), (c, x) => (c !== 0 ? x : NaN)),
    arr([m, 1], xc),
    (x, y) => Number.isNaN(x) ? y : x,
  );
  assertClose(await w.data(), ref.data);
  for (const t of [a, row, col, y1, y2, w]) t.dispose();
});

Deno.test("a strided view (slice) of a big tensor splits past the binding limit", async () => {
  const [m, n] = [800, 700];
  const xa = randArray(m * n, 6);
  const a = tensor(xa, { shape: [m, n] });
  const s = slice(a, [3, 5], [799, 690]);
  const ref = new Float32Array(796 * 685);
  for (let i = 0; i < 796; i++) {
    for (let j = 0; j < 685; j++) ref[i * 685 + j] = xa[(i + 3) * n + j + 5]!;
  }
  assertClose(await s.data(), ref);
  a.dispose();
  s.dispose();
});

Deno.test("transpose, permute, pad and concat of tensors bigger than a binding (boxes)", async () => {
  const xa = randArray(800 * 700, 11);
  const a = tensor(xa, { shape: [800, 700], requiresGrad: true });
  const t = transpose(a);
  assertClose(await t.data(), permuteRef(arr([800, 700], xa), [1, 0]).data);
  const w = randArray(800 * 700, 12);
  backward(sum(mul(t, tensor(w, { shape: [700, 800] }))));
  assertClose(await a.grad!.data(), permuteRef(arr([700, 800], w), [1, 0]).data, { what: "dA" });
  const xb = randArray(60 * 70 * 80, 13);
  const b = tensor(xb, { shape: [60, 70, 80] });
  const p = permute(b, [2, 0, 1]);
  assertClose(await p.data(), permuteRef(arr([60, 70, 80], xb), [2, 0, 1]).data);
  const c = concat([b, b], 1);
  const cref = new Float32Array(60 * 140 * 80);
  for (let i = 0; i < 60; i++) {
    for (let k = 0; k < 2; k++) cref.set(xb.subarray(i * 5600, (i + 1) * 5600), (i * 2 + k) * 5600);
  }
  assertClose(await c.data(), cref);
  const q = pad(b, [[0, 0], [1, 1], [2, 2]]);
  const qd = await q.data();
  assert.equal(qd[0], 0);
  assert.equal(qd[(5 * 72 + 3) * 84 + 4], xb[(5 * 70 + 2) * 80 + 2]);
  for (const x of [a, t, b, p, c, q]) x.dispose();
});

Deno.test("a binding the device refuses is a GpuError naming the op, at that op", () => {
  const k = dev.kernel("unary", { OP: 0, CONTIG: 1 });
  const big = dev.pool.acquire(2 * CAP);
  assert.throws(
    () => dev.dispatch(k, { P: dev.dummy, a: big, out: big }, [1], () => "copy of [524288]"),
    (e: Error) =>
      e instanceof GpuError &&
      /Cannot run copy of \[524288\] \(kernel 'unary\|main\|\{"OP":0,"CONTIG":1\}'\): binding 1 would cover 2\.1 MB, over the device's maxStorageBufferBindingSize of 1 MiB/
        .test(e.message),
  );
  dev.pool.release(big);
});

Deno.test("reductions split past the binding limit: full, leading, trailing and inner axes", async () => {
  const [m, n, k] = [90, 61, 70]; // 1.5 MB
  const xa = randArray(m * n * k, 7);
  const a = tensor(xa, { shape: [m, n, k] });
  const A = arr([m, n, k], xa);
  for (const axes of [undefined, [0], [2], [1], [0, 2]] as (number[] | undefined)[]) {
    assertClose(await sum(a, axes).data(), sumRef(A, axes ?? [0, 1, 2]).data, {
      what: `sum over ${axes}`,
      rtol: 1e-4,
      atol: 1e-3,
    });
    assertClose(await max(a, axes).data(), maxRef(A, axes ?? [0, 1, 2]).data, {
      what: `max over ${axes}`,
    });
  }
  assertClose(await mean(a, [0, 1]).data(), meanRef(A, [0, 1]).data, { rtol: 1e-4, atol: 1e-5 });
  const am = await argmax(a, 2).data();
  const ref = maxRef(A, [2]).data;
  for (let i = 0; i < m * n; i++) assert.equal(xa[i * k + am[i]!], Math.fround(ref[i]!));
  // One row bigger than a binding: [2, 300000] summed along its rows.
  const xb = randArray(600_000, 8);
  const b = tensor(xb, { shape: [2, 300_000] });
  assertClose(await sum(b, [1]).data(), sumRef(arr([2, 300_000], xb), [1]).data, {
    rtol: 1e-4,
    atol: 1e-2,
  });
  a.dispose();
  b.dispose();
});

Deno.test("softmax, logSoftmax and crossEntropy split past the binding limit, forward and backward", async () => {
  const [n, c] = [5000, 61]; // 1.2 MB of logits
  const xl = randArray(n * c, 9, -3, 3);
  const labels = Int32Array.from({ length: n }, (_, i) => (i * 7) % c);
  const x = tensor(xl, { shape: [n, c], requiresGrad: true });
  const t = tensor(labels, { shape: [n], dtype: "i32" });
  const ls = logSoftmax(x);
  const L = arr([n, c], xl);
  const lsRef = logSoftmaxRef(L, 1);
  assertClose(await ls.data(), lsRef.data, { atol: 1e-5 });
  const sm = softmax(x);
  assertClose(await sm.data(), softmaxRef(L, 1, false).data, { atol: 1e-6 });
  const loss = crossEntropy(x, t);
  let refLoss = 0;
  for (let i = 0; i < n; i++) refLoss -= lsRef.data[i * c + labels[i]!]! / n;
  assertClose([await loss.item()], [refLoss], { rtol: 1e-5 });
  backward(loss);
  const g = await x.grad!.data();
  const sref = softmaxRef(L, 1, false).data;
  const gref = sref.map((v, j) => (v - (labels[Math.floor(j / c)] === j % c ? 1 : 0)) / n);
  assertClose(g, gref, { atol: 1e-7 });
  // The backward of softmax itself (through sum(softmax * w)).
  const w = tensor(randArray(n * c, 10), { shape: [n, c] });
  x.grad = null;
  backward(sum(mul(softmax(x), w)));
  const gs = await x.grad!.data();
  const wd = await w.data();
  for (let i = 0; i < n; i += 997) {
    let dot = 0;
    for (let j = 0; j < c; j++) dot += sref[i * c + j]! * wd[i * c + j]!;
    for (let j = 0; j < c; j++) {
      const e = sref[i * c + j]! * (wd[i * c + j]! - dot);
      assert.ok(Math.abs(gs[i * c + j]! - e) < 1e-5, `softmax grad at ${i},${j}`);
    }
  }
});

Deno.test("matmul splits past the binding limit: each operand too big, transposed, batched, output", async () => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[700, 400], [400, 50], false, false], // A too big: rows of C (texture path per part)
    [[30, 40], [40, 7001], false, false], // B too big: columns of C
    [[64, 300], [1000, 300], false, true], // B^T too big: rows of stored B
    [[400, 700], [400, 30], true, false], // A^T too big: columns of stored A
    [[8, 200, 201], [8, 201, 30], false, false], // batched
    [[3, 100, 900], [900, 20], false, false], // batched A, shared B
    [[600, 8], [8, 601], false, false], // only C too big
  ];
  let seed = 20;
  for (const [as, bs, ta, tb] of cases) {
    const xa = randArray(as.reduce((x, y) => x * y), seed++);
    const xb = randArray(bs.reduce((x, y) => x * y), seed++);
    const a = tensor(xa, { shape: as }), b = tensor(xb, { shape: bs });
    const before = dev.stats().dispatches;
    const c = matmul(a, b, { transA: ta, transB: tb });
    assert.ok(dev.stats().dispatches - before >= 2, `${as} by ${bs} was split`);
    const ref = matmulRef({ a: xa, aShape: as, b: xb, bShape: bs, transA: ta, transB: tb });
    assert.deepEqual(c.shape, ref.shape);
    assertClose(await c.data(), ref.data, { rtol: 1e-4, atol: 1e-4, what: `${as} by ${bs}` });
    for (const t of [a, b, c]) t.dispose();
  }
});

Deno.test("linear with bias and ReLU past the binding limit, forward and backward", async () => {
  const [n, i, o] = [700, 400, 33];
  const xx = randArray(n * i, 30), xw = randArray(o * i, 31), xbias = randArray(o, 32);
  const x = tensor(xx, { shape: [n, i], requiresGrad: true });
  const w = tensor(xw, { shape: [o, i], requiresGrad: true });
  const bias = tensor(xbias, { shape: [o], requiresGrad: true });
  const y = linear(x, w, bias, { relu: true });
  const ref = matmulRef({
    a: xx,
    aShape: [n, i],
    b: xw,
    bShape: [o, i],
    transB: true,
    bias: xbias,
    relu: true,
  });
  assertClose(await y.data(), ref.data, { rtol: 1e-4, atol: 1e-4 });
  backward(sum(y));
  // d/dx = mask @ W, d/dW = mask^T @ x, d/db = column sums of the mask.
  const mask = ref.data.map((v) => (v > 0 ? 1 : 0));
  const gx = matmulRef({ a: mask, aShape: [n, o], b: xw, bShape: [o, i] });
  const gw = matmulRef({ a: mask, aShape: [n, o], b: xx, bShape: [n, i], transA: true });
  assertClose(await x.grad!.data(), gx.data, { rtol: 1e-4, atol: 1e-4, what: "dx" });
  assertClose(await w.grad!.data(), gw.data, { rtol: 1e-4, atol: 1e-3, what: "dW" });
  const gb = new Float64Array(o);
  mask.forEach((v, j) => (gb[j % o]! += v));
  assertClose(await bias.grad!.data(), gb, { what: "db" });
});

Deno.test("conv2d splits the batch into groups of images past the binding limit, forward and backward", async () => {
  const geo = {
    n: 6,
    c: 8,
    h: 48,
    w: 48,
    co: 6,
    kh: 3,
    kw: 3,
    stride: [1, 1] as [number, number],
    padding: [1, 1] as [number, number],
    dilation: [1, 1] as [number, number],
    groups: 1,
  };
  // im2col of one image is 663 kB: the 6-image batch (4 MB of columns) runs as six groups.
  const xx = randArray(6 * 8 * 48 * 48, 40), xw = randArray(6 * 8 * 9, 41), xb = randArray(6, 42);
  const x = tensor(xx, { shape: [6, 8, 48, 48], requiresGrad: true });
  const w = tensor(xw, { shape: [6, 8, 3, 3], requiresGrad: true });
  const b = tensor(xb, { shape: [6], requiresGrad: true });
  const y = conv2d(x, w, b, { padding: 1 });
  assertClose(await y.data(), conv2dRef(geo, xx, xw, xb), { rtol: 1e-4, atol: 1e-4 });
  const gy = randArray(y.size, 43);
  backward(sum(mul(y, tensor(gy, { shape: [...y.shape] }))));
  const ref = conv2dRefGrad(geo, xx, xw, gy);
  assertClose(await x.grad!.data(), ref.gx, { rtol: 1e-4, atol: 1e-4, what: "dx" });
  assertClose(await w.grad!.data(), ref.gw, { rtol: 1e-4, atol: 1e-3, what: "dW" });
  assertClose(await b.grad!.data(), ref.gb, { rtol: 1e-4, atol: 1e-3, what: "db" });
});

Deno.test("pooling splits the batch past the binding limit, forward and backward", async () => {
  const [n, c, h, w] = [16, 8, 48, 48]; // 1.18 MB
  const xx = randArray(n * c * h * w, 50);
  const geo = {
    b: n * c,
    h,
    w,
    k: [2, 2] as [number, number],
    s: [2, 2] as [number, number],
    p: [0, 0] as [number, number],
  };
  const x = tensor(xx, { shape: [n, c, h, w], requiresGrad: true });
  const gy = randArray(n * c * 24 * 24, 51);
  const mp = maxPool2d(x, { kernelSize: 2 });
  const mref = maxPoolRef(geo, xx, gy);
  assertClose(await mp.data(), mref.y);
  backward(sum(mul(mp, tensor(gy, { shape: [n, c, 24, 24] }))));
  assertClose(await x.grad!.data(), mref.gx, { what: "maxPool2d dx" });
  const ap = avgPool2d(x, { kernelSize: 2 });
  assertClose(await ap.data(), avgPoolRef(geo, true, xx, gy).y, { atol: 1e-6 });
  const gap = adaptiveAvgPool2d(x, 1);
  assertClose(await gap.data(), meanRef(arr([n, c, h * w], xx), [2]).data, { atol: 1e-6 });
});

Deno.test("batchNorm past the binding limit: values, running statistics and gradients", async () => {
  const shape = [16, 8, 48, 48]; // 1.18 MB
  const size = shape.reduce((a, b) => a * b);
  const xx = randArray(size, 60, -2, 3), wv = randArray(8, 61), bv = randArray(8, 62);
  const x = tensor(xx, { shape, requiresGrad: true });
  const weight = tensor(wv, { requiresGrad: true }), bias = tensor(bv, { requiresGrad: true });
  const runningMean = tensor(new Float32Array(8)), runningVar = ones([8]);
  const y = batchNorm(x, { weight, bias, runningMean, runningVar, training: true });
  const gy = randArray(size, 63);
  const ref = batchNormRef(shape, xx, wv, bv, new Float32Array(8), new Float32Array(8).fill(1), {
    training: true,
    momentum: 0.1,
    eps: 1e-5,
  }, gy);
  assertClose(await y.data(), ref.y, { rtol: 1e-3, atol: 1e-4 });
  assertClose(await runningMean.data(), ref.runningMean, { rtol: 1e-4, atol: 1e-5 });
  assertClose(await runningVar.data(), ref.runningVar, { rtol: 1e-4, atol: 1e-5 });
  backward(sum(mul(y, tensor(gy, { shape }))));
  assertClose(await x.grad!.data(), ref.gx, { rtol: 1e-3, atol: 1e-4, what: "dx" });
  assertClose(await weight.grad!.data(), ref.gw, { rtol: 1e-3, atol: 1e-2, what: "dweight" });
  assertClose(await bias.grad!.data(), ref.gb, { rtol: 1e-3, atol: 1e-2, what: "dbias" });
  const ye = batchNorm(x, { weight, bias, runningMean, runningVar, training: false });
  const eref = batchNormRef(shape, xx, wv, bv, ref.runningMean, ref.runningVar, {
    training: false,
    momentum: 0.1,
    eps: 1e-5,
  }, gy);
  assertClose(await ye.data(), eref.y, { rtol: 1e-3, atol: 1e-4 });
});

Deno.test("dropout splits past the binding limit with the mask of one dispatch", async () => {
  const n = 400_000;
  const x = ones([n]);
  const y = await dropout(x, { p: 0.5, training: true, seed: 7 }).data();
  // The kernel keeps element i when pcg(pcg(i) ^ key) >= p * 2^32: find the key from the first
  // elements, then every later element (past the first dispatch too) must follow the same rule.
  const pcg = (v: number) => {
    const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
    const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
    return ((word >>> 22) ^ word) >>> 0;
  };
  const keepOf = (i: number, key: number) => (pcg((pcg(i) ^ key) >>> 0) >= 2 ** 31 ? 2 : 0);
  // nextKey(seed) = pcg(seed ^ pcg(counter)) for the module's call counter: the one whose mask the
  // first 256 elements (the first dispatch) show.
  const key = [0, 1, 2, 3, 4, 5, 6, 7].map((c) => pcg((7 ^ pcg(c)) >>> 0))
    .find((k) => Array.from({ length: 256 }, (_, i) => i).every((i) => y[i] === keepOf(i, k)));
  assert.ok(key !== undefined, "the first dispatch's mask follows the kernel's hash");
  let wrong = 0;
  for (let i = 0; i < n; i++) wrong += y[i] === keepOf(i, key!) ? 0 : 1;
  assert.equal(wrong, 0, "every element follows the hash of its own index");
});

Deno.test("SGD and Adam update a parameter bigger than the binding limit", async () => {
  const n = 300_001;
  const p0 = randArray(n, 70), g0 = randArray(n, 71);
  const ps = tensor(p0, { requiresGrad: true }), pa = tensor(p0, { requiresGrad: true });
  ps.grad = tensor(g0);
  pa.grad = tensor(g0);
  const sgd = new SGD([ps], { lr: 0.1, momentum: 0.9 });
  const adam = new Adam([pa], { lr: 0.01 });
  sgd.step();
  sgd.step(); // momentum buffer: g, then 0.9 g + g
  adam.step();
  const sref = p0.map((v, i) => v - 0.1 * g0[i]! - 0.1 * 1.9 * g0[i]!);
  assertClose(await ps.data(), sref, { rtol: 1e-5, atol: 1e-6, what: "SGD" });
  const aref = p0.map((v, i) => v - (0.01 * g0[i]!) / (Math.abs(g0[i]!) + 1e-8));
  assertClose(await pa.data(), aref, { rtol: 1e-4, atol: 1e-5, what: "Adam" });
  sgd.dispose();
  adam.dispose();
});

Deno.test("data() reads back a tensor bigger than the binding limit", async () => {
  const xa = randArray(600_000, 80);
  const t = tensor(xa);
  assert.deepEqual(await t.data(), xa);
  t.dispose();
});

Deno.test("a WebGPU validation error is reported at the op that caused it, naming the op", async () => {
  // A storage buffer where the kernel's uniform goes: WebGPU rejects the bind group. The device turns
  // that into a GpuError naming the op at the next check; a later, innocent op reads back fine.
  const k = dev.kernel("unary", { OP: 1, CONTIG: 1 });
  const a = dev.pool.acquire(1024), b = dev.pool.acquire(1024);
  dev.dispatch(k, { P: a, a, out: b }, [1], () => "neg of [256] (a deliberately bad binding)");
  await assert.rejects(
    dev.sync(),
    (e: Error) =>
      e instanceof GpuError &&
      e.message.startsWith(
        "The bind group of neg of [256] (a deliberately bad binding) (kernel 'unary|main|",
      ) && e.message.includes("was rejected by WebGPU"),
  );
  dev.pool.release(a);
  dev.pool.release(b);
  const t = add(tensor([1, 2, 3]), 1);
  assert.deepEqual(Array.from(await t.data()), [2, 3, 4]);
});

Deno.test("one_cycle.ts's model trains at a batch whose conv2 im2col is past the binding limit", async () => {
  // examples/one_cycle.ts --bs 4096 has a 231 MB im2col in conv2 (over lavapipe's 128 MiB); here
  // the same model at bs 24 has a 1.35 MB one over the 1 MiB cap: conv+BN+ReLU, linear, loss, SGD.
  const model = fashionCnn({ seed: 1 });
  const x = tensor(randArray(24 * 28 * 28, 90), { shape: [24, 1, 28, 28] });
  const y = tensor(Int32Array.from({ length: 24 }, (_, i) => i % 10), { dtype: "i32" });
  const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const losses: number[] = [];
  for (let step = 0; step < 3; step++) {
    opt.zeroGrad();
    const loss = nllLoss(model.forward(x), y);
    backward(loss);
    opt.step();
    losses.push(await loss.item());
    loss.dispose();
  }
  assert.ok(losses.every(Number.isFinite) && losses[2]! < losses[0]!, `losses ${losses}`);
  // In eval mode every sample is independent: the batch of 24 (split) equals three batches of 8.
  model.eval();
  const whole = noGrad(() => model.forward(x));
  const parts = noGrad(() =>
    concat([0, 8, 16].map((i) => model.forward(slice(x, [i], [i + 8]))), 0)
  );
  assertClose(await whole.data(), await parts.data(), { rtol: 1e-4, atol: 1e-5 });
  opt.dispose();
});
