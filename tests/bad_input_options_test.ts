/**
 * Every options object of the public API rejects a misspelled key with a `TypeError` naming the
 * near key (`stop_div`: did you mean `stopDiv`?) and a value of the wrong kind with a `TypeError`
 * saying what was expected and what came. The table must cover every `export interface *Options`
 * of src/ (the last test greps for them), so a new options type cannot be forgotten.
 */
import assert from "node:assert/strict";
import {
  ArrayDataset,
  DataLoader,
  ImageClassifierData,
  ImageFolder,
  ImageTransform,
  loadCifar10,
  loadFashionMnist,
  type Stats,
  tfmsFromStats,
} from "../src/data/mod.ts";
import {
  BasicBlock,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Linear,
  MaxPool2d,
  resnet,
  Sequential,
  shallowConvNet,
  simpleNet,
} from "../src/nn/mod.ts";
import { Adam, RMSProp, SGD } from "../src/optim/mod.ts";
import { plotLoss, plotLr, plotLrLoss } from "../src/plot/mod.ts";
import { sampleData } from "../src/plot/_test_data.ts";
import {
  DecayType,
  decayValue,
  DivergenceDetector,
  Learner,
  lrFind,
  oneCyclePhases,
  phases1cycle,
  phasesSgdr,
  planSchedule,
  SmoothLoss,
  suggestLrs,
  TrainingPhase,
} from "../src/sched/mod.ts";
import {
  argmax,
  batchNorm,
  conv2d,
  conv2dBatchNorm,
  dropout,
  init,
  matmul,
  max,
  mean,
  setPoolAutoTrim,
  sum,
  zeros,
} from "../src/tensor/mod.ts";
import { synthData } from "./_notebook_helpers.ts";

type Opts = Record<string, unknown>;

interface Case {
  /** The `*Options` interfaces this call covers. */
  types: string[];
  /** What the message names. */
  what: string;
  call: (o: Opts) => unknown;
  /** Options that pass (the call runs with them when `cheap`). */
  good: Opts;
  cheap?: boolean;
  /** A misspelled key, its value, and the key the message must suggest. */
  typo: [string, unknown, string];
  /** A known key with a value of the wrong kind, and the words of the message. */
  wrong?: [string, unknown, RegExp];
}

await init();
const w = zeros([3, 2], { requiresGrad: true });
const phase = () => new TrainingPhase({ optimizer: SGD, lr: 1e-2, epochs: 0.1 });
const learner = () => new Learner(simpleNet([192, 4, 10], { seed: 0 }), synthData({ nTrain: 32 }));
const stats: Stats = [[0.5], [0.25]];
const lrs = Array.from({ length: 30 }, (_, i) => 1e-5 * 1.5 ** i);

const CASES: Case[] = [
  {
    types: ["TrainingPhaseOptions"],
    what: "TrainingPhase",
    call: (o) => new TrainingPhase({ optimizer: SGD, ...o }),
    good: { lr: 0.1 },
    cheap: true,
    typo: ["lr_decay", DecayType.LINEAR, "lrDecay"],
  },
  {
    types: [], // DecaySpec
    what: "TrainingPhase lrDecay",
    call: (o) =>
      new TrainingPhase({
        optimizer: SGD,
        lr: { start: 1, end: 0.1 },
        lrDecay: { type: DecayType.POLYNOMIAL, ...o } as never,
      }),
    good: { power: 2 },
    cheap: true,
    typo: ["pwr", 2, "power"],
  },
  {
    types: [], // DecayArgs
    what: "decayValue",
    call: (o) => decayValue(DecayType.LINEAR, { start: 1, it: 1, n: 2, ...o } as never),
    good: { end: 0 },
    cheap: true,
    typo: ["strat", 0, "start"],
  },
  {
    types: [],
    what: "lrFind result svg",
    call: async (o) => (await lrFind(learner(), { numIt: 2 })).svg(o),
    good: {},
    cheap: true,
    typo: ["fil", "x.svg", "file"],
    wrong: ["file", 5, /expected a path/],
  },
  {
    types: ["PoolAutoTrimOptions"],
    what: "setPoolAutoTrim",
    call: (o) => setPoolAutoTrim(o),
    good: {},
    cheap: true,
    typo: ["high_water", 1 << 20, "highWater"],
    wrong: ["idleAcquires", 1.5, /expected an integer, got 1.5 \(number\)/],
  },
  {
    types: ["ReduceOptions"],
    what: "sum",
    call: (o) => sum(zeros([2, 3]), 1, o).dispose(),
    good: { keepDim: true },
    cheap: true,
    typo: ["keepdims", true, "keepDim"],
    wrong: ["keepDim", 1, /expected a boolean, got 1 \(number\)/],
  },
  {
    types: [],
    what: "mean",
    call: (o) => mean(zeros([2, 3]), 1, o).dispose(),
    good: {},
    cheap: true,
    typo: ["keep_dim", true, "keepDim"],
  },
  {
    types: [],
    what: "max",
    call: (o) => max(zeros([2, 3]), 1, o).dispose(),
    good: {},
    cheap: true,
    typo: ["keepdim", true, "keepDim"],
  },
  {
    types: [],
    what: "argmax",
    call: (o) => argmax(zeros([2, 3]), 1, o).dispose(),
    good: {},
    cheap: true,
    typo: ["KeepDim", true, "keepDim"],
  },
  {
    types: ["MatmulOptions"],
    what: "matmul",
    call: (o) => matmul(zeros([2, 3]), zeros([2, 3]), o).dispose(),
    good: { transB: true },
    cheap: true,
    typo: ["trans_b", true, "transB"],
    wrong: ["transA", "no", /expected a boolean/],
  },
  {
    types: ["DropoutOptions"],
    what: "dropout",
    call: (o) => dropout(zeros([4]), { training: true, ...o } as never).dispose(),
    good: { p: 0.5, seed: 1 },
    cheap: true,
    typo: ["prob", 0.5, "p"],
    wrong: ["training", "yes", /expected a boolean/],
  },
  {
    types: ["BatchNormOptions"],
    what: "batchNorm",
    call: (o) => batchNorm(zeros([2, 3]), { training: true, ...o } as never).dispose(),
    good: { eps: 1e-5 },
    cheap: true,
    typo: ["running_mean", null, "runningMean"],
    wrong: ["weight", [1, 1, 1], /expected a tensor or null, got an array of length 3/],
  },
  {
    types: ["Conv2dOptions"],
    what: "conv2d",
    call: (o) => conv2d(zeros([1, 1, 4, 4]), zeros([2, 1, 3, 3]), null, o).dispose(),
    good: { padding: 1 },
    cheap: true,
    typo: ["pad", 1, "padding"],
    wrong: ["stride", "2", /expected a number or \[h, w\]/],
  },
  {
    types: ["Conv2dBatchNormOptions"],
    what: "conv2dBatchNorm",
    call: (o) =>
      conv2dBatchNorm(zeros([1, 1, 4, 4]), zeros([2, 1, 3, 3]), null, {
        bn: { training: false, runningMean: zeros([2]), runningVar: zeros([2]) },
        ...o,
      } as never).dispose(),
    good: { relu: true },
    cheap: true,
    typo: ["ReLU", true, "relu"],
    wrong: ["bn", true, /expected an object/],
  },
  {
    types: ["SGDOptions"],
    what: "SGD",
    call: (o) => new SGD([w], o).dispose(),
    good: { lr: 0.1, momentum: 0.9, weightDecay: 1e-4 },
    cheap: true,
    typo: ["weight_decay", 1e-4, "weightDecay"],
    wrong: ["nesterov", "yes", /expected a boolean, got "yes" \(string\)/],
  },
  {
    types: ["AdamOptions"],
    what: "Adam",
    call: (o) => new Adam([w], o).dispose(),
    good: { betas: [0.9, 0.99], amsgrad: true },
    cheap: true,
    typo: ["ams_grad", true, "amsgrad"],
    wrong: ["betas", 0.9, /expected an array, got 0.9 \(number\)/],
  },
  {
    types: ["RMSPropOptions"],
    what: "RMSProp",
    call: (o) => new RMSProp([w], o).dispose(),
    good: { alpha: 0.9, centered: true },
    cheap: true,
    typo: ["alfa", 0.9, "alpha"],
    wrong: ["centered", 1, /expected a boolean, got 1 \(number\)/],
  },
  {
    types: [], // ParamGroupSpec
    what: "SGD group 0",
    call: (o) => new SGD([{ params: [w], ...o }]).dispose(),
    good: { lr: 0.1 },
    cheap: true,
    typo: ["learning_rate", 0.1, "lr"],
    wrong: ["decoupledWd", "no", /expected a boolean/],
  },
  {
    types: [], // GroupHypers of setHypers
    what: "SGD.setHypers",
    call: (o) => {
      const opt = new SGD([w]);
      try {
        opt.setHypers(0, o);
      } finally {
        opt.dispose();
      }
    },
    good: { lr: 0.2 },
    cheap: true,
    typo: ["Momentum", 0.9, "momentum"],
    wrong: ["lr", "0.1", /expected a number, got "0.1" \(string\)/],
  },
  {
    types: ["LearnerOptions"],
    what: "Learner",
    call: (o) => new Learner(simpleNet([192, 10]), synthData({ nTrain: 32 }), o),
    good: { metrics: [] },
    cheap: true,
    typo: ["loss_fn", () => 0, "lossFn"],
    wrong: ["metrics", 5, /expected an array, got 5 \(number\)/],
  },
  {
    types: [],
    what: "Learner",
    call: (o) => Learner.fromModelData(simpleNet([192, 10]), synthData({ nTrain: 32 }), o),
    good: {},
    cheap: true,
    typo: ["optimiser", SGD, "optimizer"],
  },
  {
    types: ["FitOptSchedOptions"],
    what: "fitOptSched",
    call: (o) => learner().fitOptSched([phase()], o),
    good: { log: false },
    typo: ["stop_div", true, "stopDiv"],
    wrong: ["log", "yes", /expected false or a function, got "yes" \(string\)/],
  },
  {
    types: [],
    what: "fitOptSched",
    call: (o) => learner().fitOptSched([phase()], o),
    good: { log: false },
    typo: ["on_batch_end", () => {}, "onBatchEnd"],
    wrong: ["onBatchEnd", 5, /expected a function, got 5 \(number\)/],
  },
  {
    types: ["StopDivOptions"],
    what: "fitOptSched stopDivOptions",
    call: (o) => learner().fitOptSched([phase()], { log: false, stopDiv: true, stopDivOptions: o }),
    good: { factor: 4 },
    typo: ["min_iters", 3, "minIters"],
    wrong: ["factor", "4", /expected a number, got "4" \(string\)/],
  },
  {
    types: [],
    what: "DivergenceDetector",
    call: (o) => new DivergenceDetector(o),
    good: { factor: 3 },
    cheap: true,
    typo: ["minMarging", 1, "minMargin"],
  },
  {
    types: ["FitOneCycleOptions"],
    what: "fitOneCycle",
    call: (o) => learner().fitOneCycle(0.1, o),
    good: { log: false },
    typo: ["weight_decay", 1e-4, "wd"],
    wrong: ["div", "25", /expected a number, got "25" \(string\)/],
  },
  {
    types: ["LrFindOptions"],
    what: "lrFind",
    call: (o) => lrFind(learner(), o),
    good: { numIt: 2 },
    typo: ["start_lr", 1e-5, "startLr"],
    wrong: ["linear", "yes", /expected a boolean, got "yes" \(string\)/],
  },
  {
    types: [],
    what: "Learner.save",
    call: (o) => learner().save("a", o),
    good: {},
    cheap: true,
    typo: ["pth", "x.bin", "path"],
    wrong: ["path", 5, /expected a path \(string or URL\), got 5 \(number\)/],
  },
  {
    types: [],
    what: "Learner.load",
    call: (o) => learner().load("a", o),
    good: {},
    typo: ["Path", "x.bin", "path"],
  },
  {
    types: ["SgdrOptions"],
    what: "phasesSgdr",
    call: (o) =>
      phasesSgdr({ lr: 1e-2, optimizer: SGD, numCycles: 2, cycleLen: 1, cycleMult: 2, ...o }),
    good: {},
    cheap: true,
    typo: ["cycle_len", 1, "cycleLen"],
    wrong: ["numCycles", "3", /expected a number, got "3" \(string\)/],
  },
  {
    types: ["OneCycleNotebookOptions"],
    what: "phases1cycle",
    call: (o) =>
      phases1cycle({ cycleLen: 1, lr: 0.1, div: 10, pct: 10, maxMom: 0.95, minMom: 0.85, ...o }),
    good: {},
    cheap: true,
    typo: ["max_mom", 0.95, "maxMom"],
    wrong: ["pct", "10", /expected a number, got "10" \(string\)/],
  },
  {
    types: ["OneCycleOptions"],
    what: "oneCyclePhases",
    call: (o) => oneCyclePhases({ epochs: 1, lrMax: 0.1, optimizer: SGD, ...o }),
    good: {},
    cheap: true,
    typo: ["pct_start", 0.3, "pctStart"],
    wrong: ["wdLoss", 1, /expected a boolean, got 1 \(number\)/],
  },
  {
    types: ["ScheduleOptions"],
    what: "planSchedule",
    call: (o) => planSchedule([phase()], { nbBatches: 10, groupCount: 1, ...o } as never),
    good: {},
    cheap: true,
    typo: ["groupcount", 1, "groupCount"],
    wrong: ["dataKeys", 5, /expected an array/],
  },
  {
    types: [],
    what: "suggestLrs",
    call: (o) => suggestLrs(lrs, lrs.map((x) => (Math.log10(x) + 3) ** 2), o),
    good: { methods: ["valley"] },
    cheap: true,
    typo: ["method", ["valley"], "methods"],
  },
  {
    types: [],
    what: "SmoothLoss",
    call: (o) => new SmoothLoss(o),
    good: { beta: 0.9 },
    cheap: true,
    typo: ["betta", 0.9, "beta"],
  },
  {
    types: ["PlotLrOptions"],
    what: "plotLr",
    call: (o) => plotLr(sampleData(), o),
    good: { showMoms: false },
    cheap: true,
    typo: ["show_moms", false, "showMoms"],
    wrong: ["showText", "no", /expected a boolean, got "no" \(string\)/],
  },
  {
    types: ["PlotLossOptions"],
    what: "plotLoss",
    call: (o) => plotLoss(sampleData(), o),
    good: { nSkip: 1 },
    cheap: true,
    typo: ["n_skip", 1, "nSkip"],
    wrong: ["title", 5, /expected a string, got 5 \(number\)/],
  },
  {
    types: ["PlotLrLossOptions"],
    what: "plotLrLoss",
    call: (o) => plotLrLoss(sampleData(), o),
    good: { nSkip: 0, nSkipEnd: 0 },
    cheap: true,
    typo: ["n_skip_end", 1, "nSkipEnd"],
    wrong: ["linear", "yes", /expected a boolean/],
  },
  {
    types: [],
    what: "sched.plotLr",
    call: (o) => learner().sched.plotLr(o),
    good: {},
    typo: ["showMom", false, "showMoms"],
    wrong: ["file", 5, /expected a path/],
  },
  {
    types: [],
    what: "sched.plot",
    call: (o) => learner().sched.plot(o),
    good: {},
    typo: ["nskip", 1, "nSkip"],
  },
  {
    types: [],
    what: "sched.plotLoss",
    call: (o) => learner().sched.plotLoss(o),
    good: {},
    typo: ["titel", "x", "title"],
  },
  {
    types: ["LinearOptions"],
    what: "Linear",
    call: (o) => new Linear(2, 3, o),
    good: { bias: false, seed: 1 },
    cheap: true,
    typo: ["biases", false, "bias"],
    wrong: ["seed", "1", /expected a number, got "1" \(string\)/],
  },
  {
    types: [],
    what: "Linear.forward",
    call: (o) => new Linear(2, 3, { seed: 0 }).forward(zeros([1, 2]), o).dispose(),
    good: { relu: true },
    cheap: true,
    typo: ["Relu", true, "relu"],
  },
  {
    types: [],
    what: "Sequential.forward",
    call: (o) => new Sequential(new Linear(2, 3, { seed: 0 })).forward(zeros([1, 2]), o).dispose(),
    good: { relu: true },
    cheap: true,
    typo: ["reLU", true, "relu"],
  },
  {
    types: ["Conv2dLayerOptions"],
    what: "Conv2d",
    call: (o) => new Conv2d(1, 2, 3, o),
    good: { stride: 2, padding: [1, 1] },
    cheap: true,
    typo: ["strides", 2, "stride"],
    wrong: ["padding", "1", /expected a number or \[h, w\], got "1" \(string\)/],
  },
  {
    types: ["BatchNormLayerOptions"],
    what: "BatchNorm2d",
    call: (o) => new BatchNorm2d(4, o),
    good: { eps: 1e-3 },
    cheap: true,
    typo: ["epsilon", 1e-5, "eps"],
    wrong: ["momentum", [0.1], /expected a number/],
  },
  {
    types: [],
    what: "BatchNorm1d",
    call: (o) => new BatchNorm1d(4, o),
    good: {},
    cheap: true,
    typo: ["momentun", 0.1, "momentum"],
  },
  {
    types: [],
    what: "MaxPool2d",
    call: (o) => new MaxPool2d(2, o),
    good: { stride: 2 },
    cheap: true,
    typo: ["strid", 2, "stride"],
  },
  {
    types: [],
    what: "Dropout",
    call: (o) => new Dropout(0.5, o),
    good: { seed: 1 },
    cheap: true,
    typo: ["sed", 1, "seed"],
  },
  {
    types: [],
    what: "simpleNet",
    call: (o) => simpleNet([4, 2], o),
    good: { seed: 1 },
    cheap: true,
    typo: ["seeds", 1, "seed"],
  },
  {
    types: [],
    what: "BasicBlock",
    call: (o) => new BasicBlock(2, 2, 1, o),
    good: { seed: 1 },
    cheap: true,
    typo: ["Seed", 1, "seed"],
  },
  {
    types: ["ShallowConvNetOptions"],
    what: "shallowConvNet",
    call: (o) => shallowConvNet(o),
    good: { seed: 1 },
    cheap: true,
    typo: ["num_classes", 10, "numClasses"],
    wrong: ["widths", 16, /expected an array/],
  },
  {
    types: ["ResNetOptions"],
    what: "resnet",
    call: (o) => resnet(o),
    good: { seed: 1 },
    cheap: true,
    typo: ["in_channels", 3, "inChannels"],
  },
  {
    types: ["BunchOptions"],
    what: "ImageClassifierData.fromArrays",
    call: (o) => {
      const x = new Uint8Array(4 * 4), y = new Int32Array(4);
      return ImageClassifierData.fromArrays({
        train: [x, y],
        valid: [x, y],
        shape: [1, 2, 2],
        ...o,
      });
    },
    good: { bs: 2 },
    cheap: true,
    typo: ["batch_size", 2, "bs"],
    wrong: ["dropLast", "yes", /expected a boolean/],
  },
  {
    types: [],
    what: "ImageClassifierData",
    call: (o) => {
      const ds = new ArrayDataset(new Uint8Array(4), new Int32Array(1), [1, 2, 2]);
      return new ImageClassifierData(ds, ds, ["a"], tfmsFromStats(stats, 2), o);
    },
    good: { bs: 1 },
    cheap: true,
    typo: ["drop_last", true, "dropLast"],
  },
  {
    types: [],
    what: "ImageClassifierData.fromPaths",
    call: (o) => ImageClassifierData.fromPaths("/nonexistent", o),
    good: {},
    typo: ["val_name", "test", "valName"],
    wrong: ["channels", 2, /expected one of 1, 3, got 2 \(number\)/],
  },
  {
    types: ["MnistBunchOptions"],
    what: "ImageClassifierData.fromIdx",
    call: (o) => ImageClassifierData.fromIdx("/nonexistent", o),
    good: {},
    typo: ["stat", stats, "stats"],
    wrong: ["fit", "crop", /expected one of "resize", "pad", got "crop" \(string\)/],
  },
  {
    types: ["LoadFashionMnistOptions"],
    what: "ImageClassifierData.fashionMnist",
    call: (o) => ImageClassifierData.fashionMnist(o),
    good: {},
    typo: ["cache_dir", "/tmp/x", "cacheDir"],
    wrong: ["download", "no", /expected a boolean/],
  },
  {
    types: [],
    what: "loadFashionMnist",
    call: (o) => loadFashionMnist(o),
    good: {},
    typo: ["search_dirs", [], "searchDirs"],
  },
  {
    types: ["LoadCifar10Options"],
    what: "loadCifar10",
    call: (o) => loadCifar10(o),
    good: {},
    typo: ["train_files", [], "trainFiles"],
    wrong: ["path", 5, /expected a string/],
  },
  {
    types: [],
    what: "ImageClassifierData.fromCifar10",
    call: (o) => ImageClassifierData.fromCifar10(o),
    good: {},
    typo: ["Sz", 32, "sz"],
  },
  {
    types: ["DataLoaderOptions"],
    what: "DataLoader",
    call: (o) =>
      new DataLoader(new ArrayDataset(new Uint8Array(4), new Int32Array(1), [1, 2, 2]), o),
    good: { batchSize: 1 },
    cheap: true,
    typo: ["batch_size", 4, "batchSize"],
    wrong: ["shuffle", "yes", /expected a boolean, got "yes" \(string\)/],
  },
  {
    types: ["ImageTransformOptions"],
    what: "ImageTransform",
    call: (o) => new ImageTransform({ size: 2, stats, ...o } as never),
    good: { crop: "random" },
    cheap: true,
    typo: ["aug_tfms", [], "augTfms"],
    wrong: ["crop", "middle", /expected one of "random", "center", got "middle" \(string\)/],
  },
  {
    types: ["TfmsOptions"],
    what: "tfmsFromStats",
    call: (o) => tfmsFromStats(stats, 8, o),
    good: { pad: 1 },
    cheap: true,
    typo: ["crop_type", "center", "cropType"],
    wrong: ["pad", "1", /expected a number/],
  },
  {
    types: ["ImageFolderOptions"],
    what: "ImageFolder",
    call: (o) => new ImageFolder("/nonexistent", o),
    good: {},
    typo: ["preLoad", true, "preload"],
  },
];

/**
 * Options types checked elsewhere: tensor creation and pooling (their own branch), and the internal
 * `RawOptions`.
 */
const ELSEWHERE = new Set([
  "CreateOptions",
  "RandomOptions",
  "RawOptions", // @internal: of matmulRaw, the graph-free kernel the ops call
  "Pool2dOptions",
  "AvgPool2dOptions",
]);

/** The `.ts` files under `dir`, recursively. */
async function* walk(dir: URL): AsyncGenerator<{ name: string; path: URL }> {
  for await (const e of Deno.readDir(dir)) {
    const path = new URL(e.name + (e.isDirectory ? "/" : ""), dir);
    if (e.isDirectory) yield* walk(path);
    else if (e.name.endsWith(".ts")) yield { name: e.name, path };
  }
}

/** Runs `f`; returns what it threw or rejected with (or fails when it did not). */
async function failure(f: () => unknown): Promise<Error> {
  try {
    await f();
  } catch (e) {
    return e as Error;
  }
  assert.fail("expected an error, got none");
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

for (const c of CASES) {
  const [key, value, near] = c.typo;
  Deno.test(`${c.what}: '${key}' is refused, naming '${near}'`, async () => {
    if (c.cheap) await c.call(c.good); // the good options pass
    const e = await failure(() => c.call({ ...c.good, [key]: value }));
    assert.ok(e instanceof TypeError, `expected a TypeError, got ${e}`);
    assert.match(
      e.message,
      new RegExp(
        `^Cannot use ${esc(c.what)} option '${esc(key)}': unknown option, did you mean '${
          esc(near)
        }'\\?`,
      ),
    );
  });
  if (c.wrong) {
    const [wk, wv, words] = c.wrong;
    Deno.test(`${c.what}: a wrong kind for '${wk}' is refused`, async () => {
      const e = await failure(() => c.call({ ...c.good, [wk]: wv }));
      assert.ok(e instanceof TypeError, `expected a TypeError, got ${e}`);
      assert.match(e.message, new RegExp(`option '${esc(wk)}': `));
      assert.match(e.message, words);
    });
  }
}

Deno.test("a non-object options argument is a TypeError", async () => {
  assert.throws(
    () => plotLr(sampleData(), 5 as never),
    /plotLr options: expected an object, got 5/,
  );
  await assert.rejects(
    () => learner().fitOptSched([phase()], "fast" as never),
    /fitOptSched options: expected an object, got "fast" \(string\)/,
  );
});

Deno.test("the table covers every exported *Options interface of src/", async () => {
  const found = new Set<string>();
  for await (const file of walk(new URL("../src/", import.meta.url))) {
    if (file.name.startsWith("_") || file.name.endsWith("_test.ts")) continue;
    const text = await Deno.readTextFile(file.path);
    for (const m of text.matchAll(/export interface (\w+Options)\b/g)) found.add(m[1]);
  }
  assert.ok(found.size > 30, `found only ${found.size} options types`);
  const covered = new Set(CASES.flatMap((c) => c.types));
  const missing = [...found].filter((t) => !covered.has(t) && !ELSEWHERE.has(t));
  assert.deepEqual(missing, [], `options types without a bad-input case: ${missing.join(", ")}`);
  const stale = [...covered, ...ELSEWHERE].filter((t) => !found.has(t));
  assert.deepEqual(stale, [], `cases name types that no longer exist: ${stale.join(", ")}`);
});
