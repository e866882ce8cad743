/**
 * NaN and infinities propagate as in PyTorch (each kernel against its CPU twin, NaN at several places
 * of a window), a NaN or infinite loss stops a fit and the LR finder with a reason naming the batch,
 * `stopDiv` tracks the best loss from the first batch, and out-of-range labels are `RangeError`s.
 */
import assert from "node:assert/strict";
import {
  argmax,
  avgPool2d,
  batchNorm,
  conv2d,
  conv2dBatchNorm,
  crossEntropy,
  linear,
  max,
  maximum,
  maxPool2d,
  min,
  minimum,
  nllLoss,
  relu,
  softmax,
  sum,
  type Tensor,
  tensor,
} from "../src/tensor/mod.ts";
import { arr } from "../src/tensor/ops/_ref_arr.ts";
import { zipRef } from "../src/tensor/ops/_elementwise_ref.ts";
import { reduceRef } from "../src/tensor/ops/_reduce_ref.ts";
import { softmaxRef } from "../src/tensor/ops/_softmax_ref.ts";
import { avgPoolRef, maxPoolRef } from "../src/tensor/ops/_pool_ref.ts";
import { conv2dRef } from "../src/tensor/ops/_conv_ref.ts";
import { SGD } from "../src/optim/mod.ts";
import { Learner, lrFind, TrainingPhase } from "../src/sched/mod.ts";
import { ImageClassifierData } from "../src/data/mod.ts";
import { BatchNorm2d, Flatten, Linear, LogSoftmax, Sequential } from "../src/nn/mod.ts";
import { gpu, simpleNet, synthImages } from "./_notebook_helpers.ts";

await gpu();

/** Equal element by element, NaN equal to NaN, infinities by sign. */
function same(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    const ok = Number.isNaN(e)
      ? Number.isNaN(a)
      : a === e || Math.abs(a - e) <= 1e-5 * Math.max(1, Math.abs(e));
    assert.ok(ok, `${what}[${i}]: expected ${e}, got ${a}`);
  }
}

const specials = [NaN, Infinity, -Infinity];

Deno.test("relu, maximum and minimum: NaN in gives NaN out; infinities keep their order", async () => {
  const xs = [NaN, 1, -2, Infinity, -Infinity, 3, 0, NaN, -0.5]; // 9: the strided kernel
  const x = tensor(xs);
  same(await relu(x).data(), xs.map((v) => Math.max(v, 0)), "relu");
  same(await maximum(x, 0.5).data(), xs.map((v) => Math.max(v, 0.5)), "maximum scalar");
  same(await minimum(x, 0.5).data(), xs.map((v) => Math.min(v, 0.5)), "minimum scalar");
  const ys = [0, NaN, 1, -Infinity, Infinity, 2, NaN, 1, 2];
  const y = tensor(ys);
  same(await maximum(x, y).data(), xs.map((v, i) => Math.max(v, ys[i]!)), "maximum");
  same(await minimum(x, y).data(), xs.map((v, i) => Math.min(v, ys[i]!)), "minimum");
  // 8 elements: the vec4 kernel; broadcasting: the strided kernel
  const x8 = tensor(xs.slice(0, 8)), y8 = tensor(ys.slice(0, 8));
  same(await maximum(x8, y8).data(), xs.slice(0, 8).map((v, i) => Math.max(v, ys[i]!)), "vec4 max");
  same(await minimum(x8, y8).data(), xs.slice(0, 8).map((v, i) => Math.min(v, ys[i]!)), "vec4 min");
  const col = tensor([NaN, 1], { shape: [2, 1] }), row = tensor([0, NaN, 5], { shape: [1, 3] });
  const ref = zipRef(arr([2, 1], [NaN, 1]), arr([1, 3], [0, NaN, 5]), Math.max);
  same(await maximum(col, row).data(), ref.data, "broadcast max");
});

Deno.test("max/min reductions and argmax: NaN first, middle, last of a row, both kernel paths", async () => {
  for (const len of [7, 300]) { // one thread per output, and a workgroup per output
    for (const pos of [0, Math.floor(len / 2), len - 1]) {
      for (const s of specials) {
        const data = Array.from({ length: 3 * len }, (_, i) => Math.sin(i));
        data[len + pos] = s; // row 1 only
        const t = tensor(data, { shape: [3, len] });
        const a = arr([3, len], data);
        const what = `len ${len} ${s} at ${pos}`;
        same(await max(t, 1).data(), reduceRef(a, [1], Math.max, -Infinity).data, `max ${what}`);
        same(await min(t, 1).data(), reduceRef(a, [1], Math.min, Infinity).data, `min ${what}`);
        const am = Array.from(await argmax(t, 1).data());
        const row1 = data.slice(len, 2 * len);
        const expect = Number.isNaN(s) ? pos : row1.indexOf(Math.max(...row1));
        assert.equal(am[1], expect, `argmax ${what}`);
      }
    }
  }
  same(await max(tensor([-Infinity, -Infinity])).data(), [-Infinity], "max of -inf");
  same(await min(tensor([Infinity])).data(), [Infinity], "min of +inf");
});

Deno.test("max pooling: a NaN wins its window (first, middle, last, padded border); backward goes to it", async () => {
  const h = 5, w = 5;
  for (const pos of [0, 6, 12, 24, 4]) {
    for (const s of specials) {
      const data = Array.from({ length: h * w }, (_, i) => Math.cos(i));
      data[pos] = s;
      for (const [k, st, p] of [[2, 2, 0], [3, 1, 1], [3, 2, 1]] as const) {
        const x = tensor(data, { shape: [1, 1, h, w], requiresGrad: true });
        const y = maxPool2d(x, { kernelSize: k, stride: st, padding: p });
        const g = { b: 1, h, w, k: [k, k] as [number, number], s: [st, st] as [number, number] };
        const gy = Array.from({ length: y.size }, (_, i) => i + 1);
        const ref = maxPoolRef({ ...g, p: [p, p] }, data, gy);
        const what = `${s} at ${pos}, k${k} s${st} p${p}`;
        same(await y.data(), ref.y, `maxPool2d ${what}`);
        sum(y.mul(tensor(gy, { shape: y.shape }))).backward();
        same(await x.grad!.data(), ref.gx, `maxPool2d backward ${what}`);
      }
    }
  }
  // the CPU twin routes the gradient to the NaN, as PyTorch
  const r = maxPoolRef({ b: 1, h: 2, w: 2, k: [2, 2], s: [2, 2], p: [0, 0] }, [5, NaN, 7, 1], [1]);
  assert.deepEqual(Array.from(r.gx), [0, 1, 0, 0]);
});

Deno.test("fused linear + ReLU and conv + BN + ReLU give NaN for NaN, and pass its gradient", async () => {
  const x = tensor([1, NaN, 2, 0.5, -1, 3], { shape: [2, 3], requiresGrad: true });
  const wData = [0.5, -0.2, 0.1, 0.3, 0.4, -0.6, 1, 1, 1, -1, 0, 2];
  const w = tensor(wData, { shape: [4, 3], requiresGrad: true });
  const b = tensor([0.1, -0.1, 0.2, 0], { requiresGrad: true });
  const y = linear(x, w, b, { relu: true });
  const out = Array.from(await y.data());
  assert.ok(out.slice(0, 4).every(Number.isNaN), `row 0 of linear+relu is NaN: ${out}`);
  assert.ok(out.slice(4).every((v) => Number.isFinite(v) && v >= 0), `row 1 finite: ${out}`);
  sum(y).backward();
  // PyTorch's threshold_backward passes the gradient where the output is NaN: row 0 counts fully
  const gb = Array.from(await b.grad!.data());
  assert.deepEqual(gb, out.slice(4).map((v) => 1 + (v > 0 ? 1 : 0)), "bias gradient");
  const gw = Array.from(await w.grad!.data());
  assert.ok([1, 4, 7, 10].every((i) => Number.isNaN(gw[i])), `NaN column of dW: ${gw}`);
  // conv + BN + ReLU (fused) against the composition, with a NaN pixel
  const xd = Array.from({ length: 2 * 2 * 4 * 4 }, (_, i) => Math.sin(i));
  xd[5] = NaN;
  const xc = tensor(xd, { shape: [2, 2, 4, 4] });
  const wc = tensor(Array.from({ length: 3 * 2 * 9 }, (_, i) => Math.cos(i) / 3), {
    shape: [3, 2, 3, 3],
  });
  const bn = () => ({
    runningMean: tensor([0, 0, 0]),
    runningVar: tensor([1, 1, 1]),
    training: true,
  });
  const fused = await conv2dBatchNorm(xc, wc, null, { padding: 1, relu: true, bn: bn() }).data();
  const plain = await relu(batchNorm(conv2d(xc, wc, null, { padding: 1 }), bn())).data();
  assert.ok(Array.from(plain).some(Number.isNaN), "the composition gives NaN");
  same(fused, plain, "conv2dBatchNorm relu");
});

Deno.test("linear + ReLU on the split-K and texture paths: NaN rows stay NaN, others match", async () => {
  for (const [m, n, k] of [[6, 5, 2100], [256, 70, 128]] as const) { // split-K epilogue; texture path
    const xd = Array.from({ length: m * k }, (_, i) => Math.sin(i * 0.37));
    xd[2 * k + 7] = NaN; // row 2
    xd[(m - 1) * k] = Infinity; // last row: +Inf times weights of both signs gives NaN or +/-Inf
    const wd = Array.from({ length: n * k }, (_, i) => Math.cos(i * 0.11) / Math.sqrt(k));
    const y = Array.from(
      await linear(tensor(xd, { shape: [m, k] }), tensor(wd, { shape: [n, k] }), null, {
        relu: true,
      }).data(),
    );
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < n; c++) {
        let s = 0;
        for (let j = 0; j < k; j++) s += xd[r * k + j]! * wd[c * k + j]!;
        const e = Number.isNaN(s) ? NaN : Math.max(s, 0);
        const v = y[r * n + c]!;
        const ok = Number.isNaN(e) ? Number.isNaN(v) : v === e || Math.abs(v - e) <= 1e-3;
        assert.ok(ok, `[${m},${k}]x[${n},${k}] (${r},${c}): expected ${e}, got ${v}`);
      }
    }
  }
});

Deno.test("softmax, crossEntropy, avg pooling and conv2d: NaN reaches exactly the outputs that see it", async () => {
  const xs = [1, 2, NaN, 0, -1, 3, Infinity, 1, 0, 0, 0, 0];
  const x = tensor(xs, { shape: [3, 4] });
  same(await softmax(x, 1).data(), softmaxRef(arr([3, 4], xs), 1, false).data, "softmax");
  const ce = await crossEntropy(x, tensor([0, 1, 2], { dtype: "i32" })).item();
  assert.ok(Number.isNaN(ce), `crossEntropy of a NaN row: ${ce}`);
  const h = 5, w = 5;
  for (const pos of [0, 12, 24]) {
    const data = Array.from({ length: 2 * h * w }, (_, i) => Math.sin(i));
    data[pos] = NaN;
    data[h * w + pos] = -Infinity;
    const g = { b: 2, h, w, k: [3, 3] as [number, number], s: [2, 2] as [number, number] };
    const xt = tensor(data, { shape: [1, 2, h, w] });
    same(
      await avgPool2d(xt, { kernelSize: 3, stride: 2, padding: 1 }).data(),
      avgPoolRef({ ...g, p: [1, 1] }, true, data).y,
      `avgPool2d NaN at ${pos}`,
    );
    const wd = Array.from({ length: 3 * 2 * 9 }, (_, i) => Math.cos(i) / 4);
    const cg = {
      n: 1,
      c: 2,
      h,
      w,
      co: 3,
      kh: 3,
      kw: 3,
      stride: [1, 1] as [number, number],
      padding: [1, 1] as [number, number],
      dilation: [1, 1] as [number, number],
      groups: 1,
    };
    same(
      await conv2d(xt, tensor(wd, { shape: [3, 2, 3, 3] }), null, { padding: 1 }).data(),
      conv2dRef(cg, data, wd),
      `conv2d NaN at ${pos}`,
    );
  }
});

Deno.test("SGD with a NaN gradient gives a NaN parameter", async () => {
  const p = tensor([1, 2, 3, 4, 5], { requiresGrad: true });
  const opt = new SGD([[p]], { lr: 0.1, momentum: 0.9 });
  sum(p.mul(tensor([1, NaN, 1, Infinity, 1]))).backward();
  opt.step();
  const v = Array.from(await p.data());
  assert.ok(Number.isNaN(v[1]) && !Number.isFinite(v[3]) && Number.isFinite(v[0]), `got ${v}`);
  opt.dispose?.();
});

Deno.test("crossEntropy/nllLoss: a label out of range is a RangeError naming it and the class count", () => {
  const logits = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], { shape: [3, 3] });
  assert.throws(() => crossEntropy(logits, tensor([0, 7, 1], { dtype: "i32" })), {
    name: "RangeError",
    message: /crossEntropy: label 7 is out of range for 3 classes/,
  });
  assert.throws(() => nllLoss(logits, tensor([0, -1, 1], { dtype: "i32" })), {
    name: "RangeError",
    message: /nllLoss: label -1 is out of range for 3 classes/,
  });
  // write() updates what is known
  const t = tensor([0, 1, 2], { dtype: "i32" });
  crossEntropy(logits, t).dispose();
  t.write([0, 3, 1]);
  assert.throws(() => crossEntropy(logits, t), /label 3 is out of range for 3 classes/);
});

function dataWith(opts: { nanPixel?: boolean; classes?: number } = {}): ImageClassifierData {
  const train = synthImages(160, 8, 1, opts.classes ?? 10);
  if (opts.nanPixel) train[0][37 * 192 + 11] = NaN; // one pixel of sample 37
  return ImageClassifierData.fromArrays({
    train,
    valid: synthImages(32, 8, 2, opts.classes ?? 10),
    shape: [3, 8, 8],
    bs: 16,
    seed: 1,
  });
}

const phase = (lr = 1e-2, epochs = 1) => new TrainingPhase({ epochs, optimizer: SGD, lr });

Deno.test("a NaN pixel makes the loss NaN, and the fit stops by default naming the batch", async () => {
  const learn = new Learner(simpleNet(), dataWith({ nanPixel: true }));
  const r = await learn.fitOptSched([phase(), phase(1e-3)], { log: false });
  assert.equal(r.stopped, true);
  if (!r.stopped) return;
  assert.match(r.reason, /^loss is NaN at batch \d+ \(epoch 0, phase 0\)$/);
  const batch = Number(r.reason.match(/batch (\d+)/)![1]);
  assert.equal(r.batches, batch);
  assert.ok(r.trained > batch && r.trained < 20, `trained ${r.trained}`);
  learn.dispose();
  // a clean run does not stop
  const ok = new Learner(simpleNet(), dataWith());
  const r2 = await ok.fitOptSched([phase()], { log: false });
  assert.equal(r2.stopped, false);
  ok.dispose();
});

Deno.test("stopDiv tracks the best loss from the first batch: 2.4 -> 1e22 stops at batch 1", async () => {
  const scale = tensor([1]);
  const lossFn = (o: Tensor, t: Tensor) => nllLoss(o, t).mul(scale);
  const learn = new Learner(simpleNet(), dataWith(), { lossFn });
  const r = await learn.fitOptSched([phase()], {
    log: false,
    stopDiv: true,
    readEvery: 1,
    onBatchEnd: (k) => {
      if (k === 1) scale.write([1e22]);
    },
  });
  assert.equal(r.stopped, true);
  if (!r.stopped) return;
  assert.match(r.reason, /at batch 1 is above the divergence threshold .* \(epoch 0, phase 0\)$/);
  assert.equal(r.batches, 1);
  learn.dispose();
});

Deno.test("lrFind stops on a NaN loss too", async () => {
  const learn = new Learner(simpleNet(), dataWith({ nanPixel: true }));
  const r = await lrFind(learn, { startLr: 1e-5, endLr: 1e-4, numIt: 10, stopDiv: false });
  assert.equal(r.stopped, true);
  assert.match(r.reason ?? "", /loss is NaN at batch \d+/);
  learn.dispose();
});

Deno.test("labels beyond the model's outputs fail before the first step, naming both", async () => {
  const net = simpleNet(); // 10 outputs
  const learn = new Learner(net, dataWith({ classes: 12 }));
  const before = await net.parameters()[0]!.data();
  await assert.rejects(() => learn.fitOptSched([phase()], { log: false }), {
    name: "RangeError",
    message: /label 11 but the model outputs 10 classes/,
  });
  assert.deepEqual(await net.parameters()[0]!.data(), before, "no step was taken");
  await assert.rejects(() => lrFind(learn, { numIt: 5 }), /label 11 but the model outputs 10/);
  learn.dispose();
  // nothing moved: not even batch-norm running statistics (the check's forward runs in eval mode)
  const bn = new BatchNorm2d(3);
  const net2 = new Sequential(
    bn,
    new Flatten(),
    new Linear(192, 10, { seed: 0 }),
    new LogSoftmax(),
  );
  const learn2 = new Learner(net2, dataWith({ classes: 12 }));
  await assert.rejects(() => learn2.fitOptSched([phase()], { log: false }), RangeError);
  assert.deepEqual(Array.from(await bn.runningMean.data()), [0, 0, 0]);
  learn2.dispose();
});
