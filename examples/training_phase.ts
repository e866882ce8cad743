/**
 * The TrainingPhase notebook's whole tour, in order, on a Fashion-MNIST subset: basic lr decay,
 * each decay type, SGDR, 1cycle, discriminative lrs on the small ResNet, the customised LR finder
 * (log and linear scales), a change of optimizer between phases, and progressive resizing
 * 28 -> 32 pixels with `dataList`. Every plot the notebook draws becomes an SVG in the output
 * folder, shown together by its `index.html`.
 *
 * ```sh
 * deno run -A examples/training_phase.ts                    # 3,000 images -> out/training_phase/
 * deno run -A examples/training_phase.ts --subset 5000 --out /tmp/tour
 * ```
 * @module
 */

import { parseArgs } from "node:util";
import { init } from "../mod.ts";
import {
  FASHION_MNIST_STATS,
  ImageClassifierData,
  loadFashionMnist,
  type MnistSplit,
  tfmsFromStats,
} from "../src/data/mod.ts";
import { resnet, shallowConvNet, simpleNet } from "../src/nn/mod.ts";
import { Adam, SGD } from "../src/optim/mod.ts";
import { type IndexEntry, indexPage, type PlotLrOptions } from "../src/plot/mod.ts";
import {
  type DecaySpec,
  DecayType,
  Learner,
  type LearnerData,
  type LearnerModel,
  phases1cycle,
  phasesSgdr,
  TrainingPhase,
  type TrainingPhaseOptions,
} from "../src/sched/mod.ts";
import {
  checkFolder,
  checkWritableDir,
  numberFlag,
  runCli,
  UsageError,
  usageFrom,
} from "./_cli.ts";

/** The `--help` text. */
export const TOUR_USAGE = `Usage: deno run -A examples/training_phase.ts [flags]

The TrainingPhase notebook's tour on a Fashion-MNIST subset; one SVG per plot and an index.html.

Flags:
  --out DIR      output folder (default out/training_phase)
  --subset N     training images used, >= 64 (default 3000; the validation set gets N/3 test images)
  --data DIR     folder holding the four Fashion-MNIST IDX files (default: the installed data set)
  -h, --help     show this help`;

/** Parsed command line of `training_phase.ts`. */
export interface TourArgs {
  out: string;
  subset: number;
  data?: string;
}

/** Parses `training_phase.ts`'s flags; throws {@linkcode UsageError}; `"help"` for `--help`. */
export function parseTourArgs(argv: string[]): TourArgs | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        out: { type: "string" },
        subset: { type: "string" },
        data: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    usageFrom(e);
  }
  if (values.help) return "help";
  if (values.out === "") throw new UsageError("--out: expected a folder, got ''");
  return {
    out: values.out ?? "out/training_phase",
    subset: numberFlag("subset", values.subset, { integer: true, min: 64 }) ?? 3000,
    data: values.data,
  };
}

/** Options of {@linkcode runTour}. */
export interface TourOptions {
  /** 1 x 28 x 28 images (Fashion-MNIST subset, or synthetic in tests). */
  data: LearnerData;
  /** The same images resized to 32 x 32 (progressive resizing). */
  data32: LearnerData;
  /** Output folder (created). */
  out: string;
  /** Batches of each LR-finder run (the notebook's 0.25 epoch of CIFAR-10 is ~200). Default 100. */
  lrFinderIt?: number;
  log?: (line: string) => void;
  progress?: boolean;
}

/** What {@linkcode runTour} returns: the SVG files written (relative to `out`) with their titles. */
export interface TourResult {
  entries: IndexEntry[];
}

const sgd = (epochs: number, lr: TrainingPhaseOptions["lr"], lrDecay?: DecaySpec) =>
  new TrainingPhase({ epochs, optimizer: SGD, lr, lrDecay });

/** Runs the tour; see the module docs. */
export async function runTour(o: TourOptions): Promise<TourResult> {
  const log = o.log ?? ((l: string) => console.log(l));
  await init();
  await Deno.mkdir(o.out, { recursive: true });
  const entries: IndexEntry[] = [];
  const nb = o.data.train.length;
  const fitOpts = { log, progress: o.progress };
  const section = (title: string) => log(`\n# ${title}`);
  const plotLr = (learn: Learner, file: string, title: string, opts: PlotLrOptions = {}) => {
    learn.sched.plotLr({ ...opts, title, file: `${o.out}/${file}` });
    entries.push({ title, file });
  };
  // the notebook's SimpleNet([32*32*3, 40, 10]), here on 1 x 28 x 28 images: [N,784] -> 40 -> 10
  const simple = (seed = 0): LearnerModel => simpleNet([784, 40, 10], { seed });

  section("Basic lr decay: SGD 1e-2 for 1 epoch, then 1e-3 for 2");
  let learn = new Learner(simple(), o.data);
  await learn.fitOptSched([sgd(1, 1e-2), sgd(2, 1e-3)], fitOpts);
  plotLr(learn, "01_basic.svg", "Basic decay: plotLr()");
  plotLr(learn, "02_basic_no_text.svg", "plotLr({ showText: false })", { showText: false });
  plotLr(learn, "03_basic_no_moms.svg", "plotLr({ showText: false, showMoms: false })", {
    showText: false,
    showMoms: false,
  });
  learn.dispose();

  const decays: [string, string, TrainingPhase][] = [
    ["LINEAR", "04_linear", sgd(1, { start: 1e-2, end: 1e-3 }, DecayType.LINEAR)],
    ["COSINE", "05_cosine", sgd(1, { start: 1e-2, end: 1e-3 }, DecayType.COSINE)],
    ["EXPONENTIAL", "06_exponential", sgd(1, { start: 1e-2, end: 1e-3 }, DecayType.EXPONENTIAL)],
    ["POLYNOMIAL p=2", "07_poly2", sgd(1, { start: 1e-2, end: 1e-3 }, poly(2))],
    ["POLYNOMIAL p=0.5", "08_poly05", sgd(1, { start: 1e-2, end: 1e-3 }, poly(0.5))],
    ["COSINE with no end value (to 0)", "09_cosine_to_zero", sgd(1, 1e-2, DecayType.COSINE)],
  ];
  for (const [name, file, middle] of decays) {
    const to = middle.lr.end === 0 ? "0" : "1e-3";
    section(`Decay ${name}: 1e-2, then 1e-2 -> ${to}, then 1e-3`);
    learn = new Learner(simple(), o.data);
    await learn.fitOptSched([sgd(1, 1e-2), middle, sgd(1, 1e-3)], fitOpts);
    plotLr(learn, `${file}.svg`, `${name}: plotLr({ showMoms: false })`, { showMoms: false });
    learn.dispose();
  }

  section("SGDR: phasesSgdr(1e-2, Adam, 2 cycles, cycleLen 1, cycleMult 2)");
  learn = new Learner(simple(), o.data);
  await learn.fitOptSched(
    phasesSgdr({ lr: 1e-2, optimizer: Adam, numCycles: 2, cycleLen: 1, cycleMult: 2 }),
    fitOpts,
  );
  plotLr(learn, "10_sgdr.svg", "SGDR", { showText: false, showMoms: false });
  learn.dispose();

  section("1cycle: phases1cycle(3, 1e-2, div 10, pct 10, moms 0.95 / 0.85)");
  learn = new Learner(simple(), o.data);
  await learn.fitOptSched(
    phases1cycle({ cycleLen: 3, lr: 1e-2, div: 10, pct: 10, maxMom: 0.95, minMom: 0.85 }),
    fitOpts,
  );
  plotLr(learn, "11_1cycle.svg", "1cycle (lr and momentum)", { showText: false });
  learn.dispose();

  section("Discriminative lrs: the small ResNet, 3 layer groups, lrs [1e-4, 1e-3, 1e-2]");
  // [N,1,28,28] -> stem [N,8,28,28] -> [N,16,14,14] -> [N,32,7,7] -> pool [N,32] -> [N,10]
  learn = new Learner(resnet({ inChannels: 1, seed: 0 }), o.data);
  learn.unfreeze();
  const lrs = [1e-4, 1e-3, 1e-2];
  await learn.fitOptSched([
    new TrainingPhase({
      epochs: 1,
      optimizer: Adam,
      lr: { start: lrs.map((x) => x / 10), end: lrs },
      lrDecay: DecayType.LINEAR,
    }),
    new TrainingPhase({ epochs: 2, optimizer: Adam, lr: lrs, lrDecay: DecayType.COSINE }),
  ], fitOpts);
  plotLr(learn, "12_discriminative.svg", "Discriminative lrs (the highest group's is drawn)", {
    showText: false,
    showMoms: false,
  });
  learn.dispose();

  // the notebook runs 0.25 epoch of CIFAR-10 (~200 batches); a subset needs more epochs
  const finderEpochs = Math.max(0.25, (o.lrFinderIt ?? 100) / nb);
  const finder = async (
    title: string,
    file: string,
    lr: { start: number; end: number },
    decay: DecayType,
    plotLinear?: boolean,
  ) => {
    section(`LR finder: ${title}`);
    const l = new Learner(simple(), o.data);
    await l.save("tmp");
    const phase = new TrainingPhase({
      epochs: finderEpochs,
      optimizer: SGD,
      lr,
      lrDecay: decay,
      momentum: 0.9,
    });
    const r = await l.fitOptSched([phase], { ...fitOpts, stopDiv: true, log: false });
    await l.load("tmp");
    log(
      `${l.sched.recorder.lrs.length} batches recorded` +
        (r.stopped ? `, stopped: ${r.reason}` : ""),
    );
    l.sched.plot({ linear: plotLinear, title, file: `${o.out}/${file}` });
    entries.push({ title, file });
    l.dispose();
  };
  await finder(
    "EXPONENTIAL 1e-5 -> 10, log scale: sched.plot()",
    "13_lr_find_log.svg",
    { start: 1e-5, end: 10 },
    DecayType.EXPONENTIAL,
  );
  await finder(
    "LINEAR 1e-3 -> 0.1, linear scale: sched.plot()",
    "14_lr_find_linear.svg",
    { start: 1e-3, end: 0.1 },
    DecayType.LINEAR,
  );
  await finder(
    "EXPONENTIAL 1e-5 -> 10, forced linear: sched.plot({ linear: true })",
    "15_lr_find_forced_linear.svg",
    { start: 1e-5, end: 10 },
    DecayType.EXPONENTIAL,
    true,
  );

  section("A change of optimizer: 1cycle with SGD, then annealing with Adam");
  learn = new Learner(simple(), o.data);
  const cyc = { lrDecay: DecayType.LINEAR, momentumDecay: DecayType.LINEAR };
  await learn.fitOptSched([
    new TrainingPhase({
      epochs: 1,
      optimizer: SGD,
      lr: { start: 1e-3, end: 1e-2 },
      momentum: { start: 0.95, end: 0.85 },
      ...cyc,
    }),
    new TrainingPhase({
      epochs: 1,
      optimizer: SGD,
      lr: { start: 1e-2, end: 1e-3 },
      momentum: { start: 0.85, end: 0.95 },
      ...cyc,
    }),
    new TrainingPhase({
      epochs: 1,
      optimizer: Adam,
      lr: 1e-3,
      lrDecay: DecayType.COSINE,
      momentum: 0.9,
    }),
  ], fitOpts);
  plotLr(learn, "16_sgd_then_adam.svg", "SGD, SGD, then Adam: plotLr()");
  learn.dispose();

  section("Progressive resizing: ShallowConvNet, 1 epoch at 28 px, then 2 at 32 px (dataList)");
  // fully convolutional: [N,1,s,s] -> [N,16,s/2,s/2] -> [N,32,s/4,s/4] -> pool [N,32] -> [N,10]
  learn = new Learner(shallowConvNet({ inChannels: 1, seed: 0 }), o.data);
  await learn.fitOptSched([
    new TrainingPhase({ epochs: 1, optimizer: Adam, lr: 1e-2, lrDecay: DecayType.COSINE }),
    new TrainingPhase({ epochs: 2, optimizer: Adam, lr: 1e-2, lrDecay: DecayType.COSINE }),
  ], { ...fitOpts, dataList: [o.data, o.data32] });
  plotLr(learn, "17_progressive_resizing.svg", "Progressive resizing 28 -> 32 px", {
    showMoms: false,
  });
  learn.dispose();

  await Deno.writeTextFile(
    `${o.out}/index.html`,
    indexPage("The TrainingPhase notebook on Fashion-MNIST", entries),
  );
  log(`\nwrote ${entries.length} SVG files and ${o.out}/index.html`);
  return { entries };
}

function poly(power: number): DecaySpec {
  return { type: DecayType.POLYNOMIAL, power };
}

function head(s: MnistSplit, n: number): [Uint8Array, Uint8Array] {
  const m = Math.min(n, s.n);
  return [s.images.subarray(0, m * s.rows * s.cols), s.labels.subarray(0, m)];
}

/**
 * The first `subset` training images and `subset/3` test images of Fashion-MNIST, at 28 and at
 * 32 pixels (bilinear resize), normalised with the data set's statistics, batches of 64.
 */
export async function tourData(
  subset: number,
  path?: string,
): Promise<{ data: ImageClassifierData; data32: ImageClassifierData }> {
  const ds = await loadFashionMnist(path === undefined ? {} : { path });
  const train = head(ds.train, subset), valid = head(ds.test, Math.ceil(subset / 3));
  const make = (sz: number) =>
    ImageClassifierData.fromArrays({
      train,
      valid,
      shape: [1, 28, 28],
      classes: ds.classes,
      tfms: tfmsFromStats(FASHION_MNIST_STATS, sz),
      bs: 64,
    });
  return { data: make(28), data32: make(32) };
}

if (import.meta.main) {
  await runCli(Deno.args, TOUR_USAGE, parseTourArgs, async (a) => {
    const t0 = performance.now();
    await checkWritableDir(a.out, "--out");
    await checkFolder(a.data, "--data");
    const { data, data32 } = await tourData(a.subset, a.data);
    await runTour({ data, data32, out: a.out });
    console.log(`wall time: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  });
}
