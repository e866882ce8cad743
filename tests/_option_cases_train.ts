/**
 * Bad-input cases of `tests/bad_input_options_test.ts`: the scheduler, the optimizers, the plots and
 * the tensor ops.
 * @module
 */
import { encodeSafetensors } from "../src/io/mod.ts";
import type { Stats } from "../src/data/mod.ts";
import { simpleNet } from "../src/nn/mod.ts";
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
  tune,
  zeros,
} from "../src/tensor/mod.ts";
import { synthData } from "./_notebook_helpers.ts";

export type Opts = Record<string, unknown>;

export interface Case {
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
export const w = zeros([3, 2], { requiresGrad: true });
export const phase = () => new TrainingPhase({ optimizer: SGD, lr: 1e-2, epochs: 0.1 });
export const learner = () =>
  new Learner(simpleNet([192, 4, 10], { seed: 0 }), synthData({ nTrain: 32 }));
export const stats: Stats = [[0.5], [0.25]];
export const lrs = Array.from({ length: 30 }, (_, i) => 1e-5 * 1.5 ** i);

/** The cases of src/sched, src/optim, src/plot and src/tensor. */
export const TRAIN_CASES: Case[] = [
  {
    types: ["EncodeSafetensorsOptions"],
    what: "encodeSafetensors",
    call: (o) => encodeSafetensors({}, o),
    good: { metadata: { format: "pt" } },
    cheap: true,
    typo: ["meta_data", {}, "metadata"],
    wrong: ["metadata", "pt", /expected an object, got "pt" \(string\)/],
  },
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
    types: ["TuneOptions"],
    what: "tune",
    call: (o) => tune(o),
    good: { time: () => 1 }, // a fake clock: whatever is pending is "timed" at once
    cheap: true,
    typo: ["round", 1, "rounds"],
    wrong: ["time", 5, /expected a function, got 5 \(number\)/],
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
];
