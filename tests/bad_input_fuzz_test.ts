/**
 * Hostile input, at random: a seeded stream of a few hundred calls of the public API (tensor
 * creation, ops, layers, optimizers, phases, plots, data), each with some of its arguments replaced
 * by values a careless user passes (undefined, NaN, strings, negative or fractional sizes, wrong
 * dtypes, disposed tensors, misspelled option keys...). Every call must either return a sane value
 * (a tensor whose shape is a list of non-negative integers and whose data reads back, with as many
 * values as its shape says) or throw a typed error of tempo's (TypeError, RangeError, GpuError, or
 * an `Error` subclass of tempo's own) whose message is tempo's words: never an engine message like
 * "Cannot read properties of undefined", never a stack overflow, never a hang.
 *
 * The class-by-class tests (`bad_input_*_test.ts`) check the exact words and values; this one
 * checks that nothing falls between them. A failure prints the seed, the call and what came.
 * @module
 */
import assert from "node:assert/strict";
import * as tempo from "../mod.ts";
import * as T from "../src/tensor/mod.ts";
import { rng, synthData } from "./_notebook_helpers.ts";

const CALLS = 400;
const SEED = Number(Deno.env.get("TEMPO_FUZZ_SEED") ?? 20261201);

/** Messages of the JavaScript engine itself: a user seeing one of these met a bug, not a check. */
const ENGINE_WORDS = [
  /Cannot read propert/i,
  /Cannot set propert/i,
  /is not a function/,
  /is not iterable/,
  /is not a constructor/,
  /Maximum call stack/,
  /Invalid array length/,
  /Invalid typed array length/,
  /byte length of/,
  /Cannot convert/,
  /Cannot mix BigInt/,
  /undefined is not/,
  /null is not/,
  /reading '/,
  /out of memory/i,
  /^\s*$/,
];

/** Error classes tempo may throw: the standard typed ones and its own named ones. */
function isTypedError(e: unknown): e is Error {
  if (!(e instanceof Error)) return false;
  if (e instanceof TypeError || e instanceof RangeError || e instanceof tempo.GpuError) return true;
  // tempo's own subclasses (DatasetFormatError, ...) carry their class name
  return e.constructor !== Error && e.name !== "Error";
}

function describe(v: unknown): string {
  if (v instanceof tempo.Tensor) return `Tensor(${v.dtype}[${v.shape}])`;
  if (typeof v === "function") return "function";
  if (typeof v === "symbol") return String(v);
  if (typeof v === "bigint") return `${v}n`;
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as Float32Array).length})`;
  try {
    return JSON.stringify(
      v,
      (_k, x) => (typeof x === "number" && !Number.isFinite(x) ? String(x) : x),
    ) ??
      String(v);
  } catch {
    return String(v);
  }
}

type Maker = () => unknown;

Deno.test("hostile input: every call gives a sane value or a typed error in tempo's words", async () => {
  await tempo.init();
  const r = rng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

  // fresh tensors per call (a call may dispose its inputs)
  const t23: Maker = () => tempo.randn([2, 3]);
  const t32: Maker = () => tempo.randn([3, 2]);
  const t4d: Maker = () => tempo.randn([2, 3, 6, 6]);
  const w4d: Maker = () => tempo.randn([4, 3, 3, 3]);
  const labels: Maker = () => tempo.tensor([0, 2], { dtype: "i32" });
  const i32: Maker = () => tempo.tensor([1, 2, 3, 4, 5, 6], { shape: [2, 3], dtype: "i32" });
  const empty: Maker = () => tempo.zeros([0, 3]);
  const scalar: Maker = () => tempo.tensor(3);
  const nanT: Maker = () => tempo.tensor([NaN, 1, -Infinity, 2, Infinity, 0], { shape: [2, 3] });
  const disposed: Maker = () => {
    const t = tempo.randn([2, 3]);
    t.dispose();
    return t;
  };
  const hostile: Maker[] = [
    () => undefined,
    () => null,
    () => NaN,
    () => Infinity,
    () => -1,
    () => 0,
    () => 0.5,
    () => 2 ** 53 + 2,
    () => 1e12,
    () => "2",
    () => "",
    () => true,
    () => [],
    () => [[]],
    () => [NaN],
    () => [-1, 2],
    () => [1.5, 2],
    () => ["1", "2"],
    () => [2, [3]],
    () => ({}),
    () => ({ bogus: 1 }),
    () => ({ stop_div: true, weight_decay: 0.1, show_moms: false, std: -1 }),
    () => () => 1,
    () => Symbol("s"),
    () => 10n,
    () => new Float32Array(3),
    i32,
    empty,
    scalar,
    nanT,
    disposed,
    t4d,
  ];

  const phase = () => new tempo.TrainingPhase({ epochs: 1, optimizer: tempo.SGD, lr: 1e-2 });
  const plotData = () => ({
    iterations: [1, 2, 3],
    lrs: [[0.1, 0.05, 0.01]],
    losses: [2, 1.5, 1],
    moms: [0.9, 0.9, 0.9],
  });
  const sgdParams = () => [tempo.randn([3], { requiresGrad: true })];

  // [name, call, good arguments]
  const targets: [string, (...a: unknown[]) => unknown, Maker[]][] = [
    ["tensor", (a, b) => tempo.tensor(a as number[], b as never), [() => [1, 2, 3], () => ({})]],
    ["zeros", (a, b) => tempo.zeros(a as number[], b as never), [() => [2, 3], () => ({})]],
    ["ones", (a, b) => tempo.ones(a as number[], b as never), [() => [2, 3], () => ({})]],
    ["full", (a, b) => tempo.full(a as number[], b as number), [() => [2, 3], () => 7]],
    ["randn", (a, b) => tempo.randn(a as number[], b as never), [() => [2, 3], () => ({ std: 2 })]],
    ["rand", (a, b) => tempo.rand(a as number[], b as never), [() => [2, 3], () => ({})]],
    ["reshape", (a, b) => tempo.reshape(a as never, b as number[]), [t23, () => [3, 2]]],
    ["permute", (a, b) => tempo.permute(a as never, b as number[]), [t23, () => [1, 0]]],
    ["transpose", (a, b, c) => tempo.transpose(a as never, b as number, c as number), [
      t23,
      () => 0,
      () => 1,
    ]],
    ["slice", (a, b, c) => tempo.slice(a as never, b as number[], c as number[]), [
      t23,
      () => [0, 1],
      () => [2, 3],
    ]],
    ["concat", (a, b) => tempo.concat(a as never, b as number), [() => [t23(), t23()], () => 0]],
    ["flatten", (a, b) => tempo.flatten(a as never, b as number), [t4d, () => 1]],
    ["expand", (a, b) => tempo.expand(a as never, b as number[]), [
      () => tempo.randn([1, 3]),
      () => [4, 3],
    ]],
    ["add", (a, b) => tempo.add(a as never, b as never), [t23, t23]],
    ["sub", (a, b) => tempo.sub(a as never, b as never), [t23, () => 2]],
    ["mul", (a, b) => tempo.mul(a as never, b as never), [t23, t23]],
    ["div", (a, b) => tempo.div(a as never, b as never), [t23, t23]],
    ["maximum", (a, b) => tempo.maximum(a as never, b as never), [t23, () => 0]],
    ["minimum", (a, b) => T.minimum(a as never, b as never), [t23, () => 0]],
    ["pow", (a, b) => tempo.pow(a as never, b as never), [t23, () => 2]],
    ["where", (a, b, c) => tempo.where(a as never, b as never, c as never), [
      () => tempo.gt(tempo.randn([2, 3]), 0),
      t23,
      t23,
    ]],
    ["relu", (a) => tempo.relu(a as never), [t23]],
    ["exp", (a) => tempo.exp(a as never), [t23]],
    ["log", (a) => tempo.log(a as never), [t23]],
    ["sqrt", (a) => tempo.sqrt(a as never), [t23]],
    ["sigmoid", (a) => tempo.sigmoid(a as never), [t23]],
    ["sum", (a, b) => tempo.sum(a as never, b as never), [t23, () => 1]],
    ["mean", (a, b) => tempo.mean(a as never, b as never), [t23, () => 0]],
    ["max", (a, b) => tempo.max(a as never, b as never), [t23, () => 1]],
    ["min", (a, b) => tempo.min(a as never, b as never), [t23, () => 1]],
    ["argmax", (a, b) => tempo.argmax(a as never, b as number), [t23, () => 1]],
    ["softmax", (a, b) => tempo.softmax(a as never, b as number), [t23, () => 1]],
    ["logSoftmax", (a, b) => tempo.logSoftmax(a as never, b as number), [t23, () => 1]],
    ["matmul", (a, b, c) => tempo.matmul(a as never, b as never, c as never), [
      t23,
      t32,
      () => ({}),
    ]],
    ["linear", (a, b, c) => tempo.linear(a as never, b as never, c as never), [
      t23,
      () => tempo.randn([4, 3]),
      () => tempo.randn([4]),
    ]],
    ["conv2d", (a, b, c) => tempo.conv2d(a as never, b as never, c as never), [
      t4d,
      w4d,
      () => ({ padding: 1 }),
    ]],
    ["maxPool2d", (a, b) => tempo.maxPool2d(a as never, b as never), [
      t4d,
      () => ({ kernelSize: 2 }),
    ]],
    ["avgPool2d", (a, b) => tempo.avgPool2d(a as never, b as never), [
      t4d,
      () => ({ kernelSize: 2 }),
    ]],
    ["adaptiveAvgPool2d", (a, b) => tempo.adaptiveAvgPool2d(a as never, b as never), [
      t4d,
      () => 1,
    ]],
    ["dropout", (a, b) => tempo.dropout(a as never, b as never), [
      t23,
      () => ({ p: 0.5, training: true }),
    ]],
    ["crossEntropy", (a, b) => tempo.crossEntropy(a as never, b as never), [t23, labels]],
    ["nllLoss", (a, b) => tempo.nllLoss(a as never, b as never), [t23, labels]],
    ["accuracy", (a, b) => tempo.accuracy(a as never, b as never), [t23, labels]],
    ["Linear", (a, b, c) => new tempo.Linear(a as number, b as number, c as never), [
      () => 3,
      () => 2,
      () => ({}),
    ]],
    [
      "Conv2d",
      (a, b, c) => new (tempo.Conv2d as never as new (...x: unknown[]) => unknown)(a, b, c),
      [
        () => 3,
        () => 4,
        () => 3,
      ],
    ],
    [
      "BatchNorm2d",
      (a) => new (tempo.BatchNorm2d as never as new (...x: unknown[]) => unknown)(a),
      [
        () => 3,
      ],
    ],
    ["Dropout", (a) => new tempo.Dropout(a as number), [() => 0.5]],
    ["simpleNet", (a) => tempo.simpleNet(a as number[]), [() => [12, 4, 3]]],
    ["TrainingPhase", (a) => new tempo.TrainingPhase(a as never), [
      () => ({ epochs: 1, optimizer: tempo.SGD, lr: 1e-2 }),
    ]],
    ["SGD", (a, b) => new tempo.SGD(a as never, b as never), [sgdParams, () => ({ lr: 0.1 })]],
    ["Adam", (a, b) => new tempo.Adam(a as never, b as never), [sgdParams, () => ({ lr: 0.1 })]],
    ["RMSProp", (a, b) => new tempo.RMSProp(a as never, b as never), [sgdParams, () => ({
      lr: 0.1,
    })]],
    ["plotLr", (a, b) => tempo.plotLr(a as never, b as never), [plotData, () => ({})]],
    ["plotLoss", (a, b) => tempo.plotLoss(a as never, b as never), [plotData, () => ({})]],
    ["phasesSgdr", (a) => tempo.phasesSgdr(a as never), [() => ({
      nCycles: 2,
      lr: [1e-3, 1e-2],
      momentum: 0.9,
      cycleLen: 1,
      cycleMult: 2,
      optimizer: tempo.SGD,
    })]],
    ["fromArrays", (a) => tempo.ImageClassifierData.fromArrays(a as never), [() => ({
      train: [new Float32Array(12), new Int32Array([0, 1])],
      valid: [new Float32Array(12), new Int32Array([0, 1])],
      shape: [3, 1, 2],
      bs: 2,
    })]],
    ["decayValue", (a, b) => tempo.decayValue(a as never, b as never), [
      () => tempo.DecayType.LINEAR,
      () => ({ start: 1, end: 0, it: 1, n: 10 }),
    ]],
    ["phase.epochs", (a) => [phase(), a], [() => 1]],
    ["cast", (a, b) => T.cast(a as never, b as never), [i32, () => "f32"]],
    ["Linear.forward", (a) => new tempo.Linear(3, 2).forward(a as never), [t23]],
    ["Sequential.forward", (a) => tempo.simpleNet([12, 4, 3]).forward(a as never), [
      () => tempo.randn([2, 3, 2, 2]),
    ]],
    ["phases1cycle", (a) => tempo.phases1cycle(a as never), [() => ({
      cycleLen: 1,
      lr: 0.1,
      div: 10,
      pct: 10,
      maxMom: 0.95,
      minMom: 0.85,
    })]],
    ["oneCyclePhases", (a) => tempo.oneCyclePhases(a as never), [
      () => ({ epochs: 1, lrMax: 0.1 }),
    ]],
    ["tfmsFromStats", (a, b, c) => tempo.tfmsFromStats(a as never, b as never, c as never), [
      () => [[0.5], [0.25]],
      () => 8,
      () => ({}),
    ]],
    ["decodeSafetensors", (a) => tempo.decodeSafetensors(a as never), [
      () => new Uint8Array([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]),
    ]],
    ["encodeSafetensors", (a, b) => tempo.encodeSafetensors(a as never, b as never), [
      () => ({ w: { dtype: "F32", shape: [2], data: new Float32Array(2) } }),
      () => ({}),
    ]],
    ["Learner", (a, b, c) => new tempo.Learner(a as never, b as never, c as never), [
      () => tempo.simpleNet([192, 4, 10]),
      () => synthData({ nTrain: 32, nValid: 16 }),
      () => ({}),
    ]],
    ["fitOptSched", (a, b) => {
      const learn = new tempo.Learner(
        tempo.simpleNet([192, 4, 10]),
        synthData({ nTrain: 32, nValid: 16 }),
      );
      return learn.fitOptSched(a as never, b as never).finally(() => learn.dispose());
    }, [
      () => [new tempo.TrainingPhase({ epochs: 0.5, optimizer: tempo.SGD, lr: 1e-2 })],
      () => ({ log: false }),
    ]],
    ["lrFind", (a) => {
      const learn = new tempo.Learner(
        tempo.simpleNet([192, 4, 10]),
        synthData({ nTrain: 32, nValid: 16 }),
      );
      return tempo.lrFind(learn, a as never).finally(() => learn.dispose());
    }, [() => ({ numIt: 4, log: false })]],
    ["loadBytes", (a) => {
      const learn = new tempo.Learner(
        tempo.simpleNet([192, 4, 10]),
        synthData({ nTrain: 32, nValid: 16 }),
      );
      return tempo.loadBytes(learn, a as never).finally(() => learn.dispose());
    }, [() => new TextEncoder().encode("tempo")]],
  ];

  const failures: string[] = [];
  let typed = 0, values = 0;
  for (let i = 0; i < CALLS; i++) {
    const [name, call, good] = pick(targets);
    const args = good.map((g) => (r() < 0.6 ? g : pick(hostile))());
    if (args.length && args.every((_, j) => args[j] === undefined)) args[0] = pick(hostile)();
    const what = `#${i} ${name}(${args.map(describe).join(", ")})`;
    let out: unknown;
    try {
      out = call(...args);
      if (out instanceof Promise) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        out = await Promise.race([
          out.finally(() => clearTimeout(timer)),
          new Promise((_, rej) => {
            timer = setTimeout(() => rej(new Error("hang: no answer in 60 s")), 60_000);
          }),
        ]);
      }
    } catch (e) {
      if (!isTypedError(e)) {
        failures.push(`${what}: threw ${e instanceof Error ? e.constructor.name : typeof e} ${e}`);
      } else if (ENGINE_WORDS.some((w) => w.test(e.message))) {
        failures.push(`${what}: engine words in ${e.name}: ${e.message}`);
      } else typed++;
      continue;
    }
    if (out instanceof tempo.Tensor) {
      const ok = Array.isArray(out.shape) &&
        out.shape.every((d) => Number.isInteger(d) && d >= 0) &&
        out.size === out.shape.reduce((x, y) => x * y, 1);
      if (!ok) {
        failures.push(`${what}: returned a tensor of shape ${describe(out.shape)}`);
      } else {
        try {
          const data = await out.data();
          if (data.length !== out.size) {
            failures.push(`${what}: data() gave ${data.length} values for [${out.shape}]`);
          }
        } catch (e) {
          failures.push(`${what}: returned a tensor whose data() throws ${e}`);
        }
      }
      out.dispose();
    }
    values++;
  }
  // the stream must exercise both sides, or it proves nothing
  assert.ok(typed > CALLS / 5, `only ${typed} calls threw a typed error`);
  assert.ok(values > CALLS / 10, `only ${values} calls returned a value`);
  assert.deepEqual(
    failures,
    [],
    `${failures.length} of ${CALLS} calls (seed ${SEED}) failed:\n${failures.join("\n")}`,
  );
});
