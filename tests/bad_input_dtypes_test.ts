/**
 * Every op exported by `src/tensor/mod.ts` checks dtypes: it promotes as PyTorch does (values
 * checked) or refuses with a `TypeError` naming the dtypes. The table below must name every exported
 * function, so a new op without a dtype case fails the first test.
 */
import assert from "node:assert/strict";
import * as T from "../src/tensor/mod.ts";
import { type Tensor, tensor } from "../src/tensor/mod.ts";

await T.init();

const i23 = () => tensor([1, -2, 3, 4, 2147483647, -1], { dtype: "i32", shape: [2, 3] });
const f23 = () => tensor([0.5, 1, 1.5, 2, 2.5, 3], { shape: [2, 3] });
const i4 = () =>
  tensor(Array.from({ length: 16 }, (_, i) => i), { dtype: "i32", shape: [1, 1, 4, 4] });
const f4 = () => tensor(Array.from({ length: 16 }, (_, i) => i / 4), { shape: [1, 1, 4, 4] });
const w4 = () => tensor([1, 0, 0, 1], { shape: [1, 1, 2, 2] });
const labels = () => tensor([0, 1], { dtype: "i32" });
const bn = () => ({ runningMean: tensor([0]), runningVar: tensor([1]), training: true });
const geo = () => T.geometry(f4(), w4(), null, {});

type Case =
  | { refuse: () => unknown; words: RegExp }
  | { gives: () => Tensor; dtype: T.DType; values: number[] }
  | { notAnOp: string };

const refuse = (words: RegExp, f: () => unknown): Case => ({ refuse: f, words });
const gives = (dtype: T.DType, values: number[], f: () => Tensor): Case => ({
  gives: f,
  dtype,
  values,
});
const takesF32 = (op: string, dt = "an i32 tensor") =>
  new RegExp(`Cannot ${op} ${dt}: ${op} takes f32 tensors \\(convert with toFloat`);

const I = [1, -2, 3, 4, 2147483647, -1];
const F = [0.5, 1, 1.5, 2, 2.5, 3];

const cases: Record<string, Case[]> = {
  // --- promoted or integer results, as PyTorch ---
  add: [
    gives("f32", I.map((x, i) => Math.fround(x) + F[i]!), () => T.add(i23(), f23())),
    gives("i32", [2, -4, 6, 8, -2, -2], () => T.add(i23(), i23())), // wraps as int32
    gives("i32", [3, 0, 5, 6, -2147483647, 1], () => T.add(i23(), 2)),
    gives("f32", I.map((x) => Math.fround(x) + 0.5), () => T.add(i23(), 0.5)),
  ],
  sub: [
    gives("i32", [0, 0, 0, 0, 0, 0], () => T.sub(i23(), i23())),
    gives("i32", [9, 12, 7, 6, -2147483637, 11], () => T.sub(10, i23())),
    gives("f32", I.map((x, i) => Math.fround(Math.fround(x) - F[i]!)), () => T.sub(i23(), f23())),
  ],
  mul: [
    gives("i32", [2, -4, 6, 8, -2, -2], () => T.mul(i23(), 2)),
    gives("f32", I.map((x, i) => Math.fround(Math.fround(x) * F[i]!)), () => T.mul(f23(), i23())),
  ],
  div: [
    gives("f32", [1, 1, 1, 1, 1, 1], () => T.div(i23(), i23())),
    gives("f32", I.map((x) => Math.fround(Math.fround(x) / 4)), () => T.div(i23(), 4)),
    gives("f32", I.map((x) => Math.fround(1 / Math.fround(x))), () => T.div(1, i23())),
  ],
  maximum: [gives("i32", [1, 0, 3, 4, 2147483647, 0], () => T.maximum(i23(), 0))],
  minimum: [
    gives("i32", [1, -2, 3, 3, 3, -1], () => T.minimum(i23(), tensor([3], { dtype: "i32" }))),
  ],
  gt: [gives("f32", [0, 0, 1, 1, 1, 0], () => T.gt(i23(), 1))],
  lt: [gives("f32", [0, 1, 0, 0, 0, 1], () => T.lt(i23(), f23()))],
  ge: [gives("f32", [1, 0, 1, 1, 1, 0], () => T.ge(i23(), 1))],
  eq: [
    gives("f32", [0, 0, 0, 0, 1, 0], () => T.eq(i23(), tensor([2147483647], { dtype: "i32" }))),
    gives("f32", [1, 1, 1, 1, 1, 1], () => T.eq(i23(), i23())),
  ],
  exp: [gives("f32", [Math.E, Math.exp(2)], () => T.exp(tensor([1, 2], { dtype: "i32" })))],
  log: [gives("f32", [0, Math.log(2)], () => T.log(tensor([1, 2], { dtype: "i32" })))],
  sqrt: [gives("f32", [1, 2], () => T.sqrt(tensor([1, 4], { dtype: "i32" })))],
  sigmoid: [gives("f32", [0.5], () => T.sigmoid(tensor([0], { dtype: "i32" })))],
  tanh: [gives("f32", [0], () => T.tanh(tensor([0], { dtype: "i32" })))],
  where: [
    gives(
      "f32",
      [0.5, 1, 1.5, 4, 2147483648, -1],
      () => T.where(tensor([1, 1, 1, 0, 0, 0], { dtype: "i32", shape: [2, 3] }), f23(), i23()),
    ),
    refuse(/Cannot where i32 and i32: where takes f32/, () => T.where(f23(), i23(), i23())),
  ],
  cast: [
    gives(
      "i32",
      [1, -1, 0, 2147483647, -2147483648],
      () => T.cast(tensor([1.7, -1.7, NaN, 3e9, -3e9]), "i32"),
    ),
    gives("f32", [1, -2, 3, 4, 2147483648, -1], () => T.cast(i23(), "f32")),
    refuse(
      /Cannot cast with dtype "f64": expected "f32" or "i32"/,
      () => T.cast(f23(), "f64" as T.DType),
    ),
  ],
  castRaw: [gives("f32", [1, -2, 3, 4, 2147483648, -1], () => T.castRaw(i23(), "f32"))],
  asFloat: [gives("f32", [1, -2, 3, 4, 2147483648, -1], () => T.asFloat(i23()))],
  toFloat: [gives("f32", [1, -2, 3, 4, 2147483648, -1], () => T.toFloat(i23()))],
  toInt: [gives("i32", [0, 1, 1, 2, 2, 3], () => T.toInt(f23()))],
  // movement keeps i32 bit for bit (values that are NaN patterns as f32 too)
  reshape: [gives("i32", I, () => T.reshape(i23(), [3, 2]))],
  flatten: [gives("i32", I, () => T.flatten(i23()))],
  permute: [gives("i32", [1, 4, -2, 2147483647, 3, -1], () => T.permute(i23(), [1, 0]))],
  transpose: [gives("i32", [1, 4, -2, 2147483647, 3, -1], () => T.transpose(i23()))],
  slice: [gives("i32", [2147483647, -1], () => T.slice(i23(), [1, 1]))],
  pad: [gives("i32", [7, 1, -2, 3, 7, 4, 2147483647, -1], () => T.pad(i23(), [[0, 0], [1, 0]], 7))],
  concat: [
    gives("i32", [...I, ...I], () => T.concat([i23(), i23()])),
    gives("f32", [1, -2, 3, 4, 2147483648, -1, ...F], () => T.concat([i23(), f23()])),
  ],
  expand: [gives("i32", [-1, -1], () => T.expand(tensor([-1], { dtype: "i32" }), [2]))],
  expandRaw: [gives("i32", [-1, -1], () => T.expandRaw(tensor([-1], { dtype: "i32" }), [2]))],
  // --- f32-only ops refuse ---
  neg: [refuse(takesF32("neg"), () => T.neg(i23()))],
  abs: [refuse(takesF32("abs"), () => T.abs(i23()))],
  relu: [refuse(takesF32("relu"), () => T.relu(i23()))],
  square: [refuse(takesF32("square"), () => T.square(i23()))],
  powScalar: [refuse(takesF32("pow"), () => T.powScalar(i23(), 2))],
  pow: [
    refuse(/Cannot pow i32 and i32: pow of integers is not supported/, () => T.pow(i23(), 2)),
    gives("f32", [1, 4], () => T.pow(tensor([1, 2], { dtype: "i32" }), tensor([2, 2]))),
  ],
  sum: [refuse(takesF32("sum"), () => T.sum(i23()))],
  mean: [refuse(takesF32("mean"), () => T.mean(i23()))],
  max: [refuse(takesF32("max"), () => T.max(i23()))],
  min: [refuse(takesF32("min"), () => T.min(i23()))],
  argmax: [refuse(takesF32("argmax"), () => T.argmax(i23()))],
  sumTo: [refuse(takesF32("sumTo"), () => T.sumTo(i23(), [3]))],
  reduceRaw: [refuse(takesF32("reduce"), () => T.reduceRaw(i23(), [0], 0))],
  matmul: [
    refuse(takesF32("matmul", "i32 by i32"), () => T.matmul(i23(), T.transpose(i23()))),
    refuse(takesF32("matmul", "f32 by i32"), () => T.matmul(f23(), T.transpose(i23()))),
  ],
  matmulRaw: [
    refuse(takesF32("matmul", "i32 by f32"), () => T.matmulRaw(i23(), T.transpose(f23()))),
  ],
  matmulPlanned: [
    refuse(takesF32("matmul", "i32 by f32"), () => T.matmulPlanned(i23(), T.transpose(f23()), {})),
  ],
  linear: [refuse(takesF32("linear", "i32 and f32"), () => T.linear(i23(), f23()))],
  linearNow: [refuse(takesF32("linear", "i32 and f32"), () => T.linearNow(i23(), f23(), null, {}))],
  conv2d: [refuse(takesF32("conv2d", "i32 and f32"), () => T.conv2d(i4(), w4()))],
  conv2dNow: [refuse(takesF32("conv2d", "i32 and f32"), () => T.conv2dNow(i4(), w4(), null, {}))],
  conv2dBatchNormNow: [
    refuse(
      takesF32("conv2dBatchNorm", "f32 and i32 and f32 and f32"),
      () => T.conv2dBatchNormNow(f4(), T.toInt(w4()), null, { bn: bn() }),
    ),
  ],
  conv2dBatchNorm: [
    refuse(
      takesF32("conv2dBatchNorm", "f32 and i32 and f32 and f32"),
      () => T.conv2dBatchNorm(f4(), T.toInt(w4()), null, { bn: bn() }),
    ),
  ],
  batchNorm: [refuse(takesF32("batchNorm", "i32 and f32 and f32"), () => T.batchNorm(i4(), bn()))],
  maxPool2d: [refuse(takesF32("maxPool2d"), () => T.maxPool2d(i4(), 2))],
  avgPool2d: [refuse(takesF32("avgPool2d"), () => T.avgPool2d(i4(), 2))],
  adaptiveAvgPool2d: [refuse(takesF32("adaptiveAvgPool2d"), () => T.adaptiveAvgPool2d(i4(), 1))],
  im2col: [refuse(takesF32("im2col"), () => T.im2col(i4(), geo()))],
  col2im: [refuse(takesF32("col2im"), () => T.col2im(T.toInt(T.im2col(f4(), geo())), geo()))],
  softmax: [refuse(takesF32("softmax"), () => T.softmax(i23()))],
  logSoftmax: [refuse(takesF32("logSoftmax"), () => T.logSoftmax(i23()))],
  dropout: [refuse(takesF32("dropout"), () => T.dropout(i23(), { p: 0.5, training: true }))],
  dropoutRaw: [refuse(takesF32("dropout"), () => T.dropoutRaw(i23(), 1, 0.5))],
  crossEntropy: [
    refuse(
      /crossEntropy of an i32 input: crossEntropy takes f32 inputs/,
      () => T.crossEntropy(i23(), labels()),
    ),
    refuse(
      /with targets f32\[2\]: expected i32 targets/,
      () => T.crossEntropy(f23(), tensor([0, 1])),
    ),
  ],
  nllLoss: [
    refuse(/nllLoss of an i32 input: nllLoss takes f32 inputs/, () => T.nllLoss(i23(), labels())),
  ],
  unaryRaw: [refuse(takesF32("run a unary kernel on"), () => T.unaryRaw(i23(), T.U.exp))],
  binaryRaw: [
    refuse(
      /Cannot add i32 and f32: add takes f32/,
      () => T.binaryRaw(i23(), f23(), T.B.add, "add"),
    ),
  ],
  fillInPlace: [refuse(/Cannot fill an i32 tensor in place/, () => T.fillInPlace(i23(), 0))],
  // --- creation: the dtype option is checked ---
  tensor: [
    refuse(/Cannot make a tensor with dtype "f64"/, () => tensor([1], { dtype: "f64" as T.DType })),
    refuse(
      /only f32 tensors take gradients/,
      () => tensor([1], { dtype: "i32", requiresGrad: true }),
    ),
  ],
  full: [
    refuse(
      /Cannot fill a tensor with dtype "u8"/,
      () => T.full([2], 1, { dtype: "u8" as T.DType }),
    ),
  ],
  zeros: [gives("i32", [0, 0], () => T.zeros([2], { dtype: "i32" }))],
  ones: [gives("i32", [1, 1], () => T.ones([2], { dtype: "i32" }))],
  rand: [
    refuse(
      /Cannot rand with dtype i32: random values are f32/,
      () => T.rand([2], { dtype: "i32" }),
    ),
  ],
  randn: [
    refuse(
      /Cannot randn with dtype i32: random values are f32/,
      () => T.randn([2], { dtype: "i32" }),
    ),
  ],
  // --- not ops on tensor values ---
  Device: [{ notAnOp: "the device class" }],
  GpuError: [{ notAnOp: "an error class" }],
  Storage: [{ notAnOp: "GPU storage" }],
  Tensor: [{ notAnOp: "the tensor class" }],
  backward: [{
    notAnOp: "autograd entry: i32 tensors cannot require gradients (tensor test above)",
  }],
  broadcastShape: [{ notAnOp: "shapes only" }],
  checkShape: [{ notAnOp: "shapes only" }],
  device: [{ notAnOp: "device access" }],
  geometry: [{ notAnOp: "conv geometry from shapes" }],
  init: [{ notAnOp: "device start-up" }],
  isGradEnabled: [{ notAnOp: "autograd state" }],
  keep: [{ notAnOp: "scope bookkeeping" }],
  matmulPlan: [{ notAnOp: "tile plan from sizes" }],
  tune: [{ notAnOp: "kernel tuning (times the recorded matmul classes)" }],
  autotune: [{ notAnOp: "kernel tuning around a function" }],
  tunePending: [{ notAnOp: "kernel tuning state" }],
  getAutotune: [{ notAnOp: "kernel tuning state" }],
  setAutotune: [{ notAnOp: "kernel tuning state" }],
  exportTuning: [{ notAnOp: "kernel tuning table" }],
  importTuning: [{ notAnOp: "kernel tuning table" }],
  saveTuning: [{ notAnOp: "kernel tuning table file" }],
  loadTuning: [{ notAnOp: "kernel tuning table file" }],
  tuningKey: [{ notAnOp: "kernel tuning state" }],
  needsGrad: [{ notAnOp: "autograd state" }],
  noGrad: [{ notAnOp: "autograd state" }],
  normAxes: [{ notAnOp: "axes only" }],
  pixelWg: [{ notAnOp: "workgroup size from a count" }],
  record: [{ notAnOp: "autograd bookkeeping" }],
  releaseGraph: [{ notAnOp: "autograd bookkeeping" }],
  sizeOf: [{ notAnOp: "shapes only" }],
  tidy: [{ notAnOp: "scope bookkeeping" }],
  track: [{ notAnOp: "scope bookkeeping" }],
  untrack: [{ notAnOp: "scope bookkeeping" }],
  isTrackingTensors: [{ notAnOp: "leak-report bookkeeping" }],
  leakReport: [{ notAnOp: "leak-report bookkeeping" }],
  liveTensors: [{ notAnOp: "leak-report bookkeeping" }],
  trackTensors: [{ notAnOp: "leak-report bookkeeping" }],
  memoryStats: [{ notAnOp: "pool bookkeeping" }],
  dropoutRngState: [{ notAnOp: "dropout's RNG state (resumable checkpoints)" }],
  setDropoutRngState: [{ notAnOp: "dropout's RNG state (resumable checkpoints)" }],
  setPoolAutoTrim: [{ notAnOp: "pool bookkeeping" }],
  trimPool: [{ notAnOp: "pool bookkeeping" }],
  getDebug: [{ notAnOp: "the debug knob" }],
  setFusion: [{ notAnOp: "the fusion switch" }],
  fusionEnabled: [{ notAnOp: "the fusion switch" }],
  setDisposeHook: [{ notAnOp: "tensor bookkeeping (the fusion's)" }],
  setDebug: [{ notAnOp: "the debug knob" }],
};

Deno.test("every function exported by src/tensor/mod.ts has a dtype case", () => {
  const exported = Object.entries(T).filter(([, v]) => typeof v === "function").map(([k]) => k);
  const missing = exported.filter((k) => !(k in cases));
  assert.deepEqual(
    missing,
    [],
    `add a dtype case to tests/bad_input_dtypes_test.ts for: ${missing}`,
  );
  const stale = Object.keys(cases).filter((k) => !exported.includes(k));
  assert.deepEqual(stale, [], `cases for functions no longer exported: ${stale}`);
});

for (const [name, list] of Object.entries(cases)) {
  list.forEach((c, k) => {
    if ("notAnOp" in c) return;
    Deno.test(`dtypes: ${name} #${k}`, async () => {
      if ("refuse" in c) {
        assert.throws(c.refuse, (e: unknown) => {
          assert.ok(e instanceof TypeError, `${name}: expected a TypeError, got ${e}`);
          assert.match(e.message, c.words);
          return true;
        });
        return;
      }
      const t = T.tidy(() => T.keep(c.gives()));
      assert.equal(t.dtype, c.dtype, `${name}: dtype`);
      const got = Array.from(await t.data());
      assert.equal(got.length, c.values.length, `${name}: length`);
      got.forEach((v, i) => {
        const e = c.values[i]!;
        const ok = Number.isNaN(e)
          ? Number.isNaN(v)
          : v === e || Math.abs(v - e) <= 1e-6 * Math.abs(e);
        assert.ok(ok, `${name}[${i}]: expected ${e}, got ${v} (all: ${got})`);
      });
      t.dispose();
    });
  });
}
