/**
 * 1cycle training of a small CNN on Fashion-MNIST (28x28x1) with the TrainingPhase notebook's
 * `phases_1cycle`: the per-epoch table (with a progress bar on a terminal), `lr.svg` (lr and
 * momentum), `loss.svg`, and the test accuracy.
 *
 * ```sh
 * deno run -A examples/one_cycle.ts                  # 3 epochs, bs 128, lr 0.1 -> out/one_cycle/
 * deno run -A examples/one_cycle.ts --epochs 3 --lr 0.05 --out /tmp/run
 * ```
 * @module
 */

import { parseArgs } from "node:util";
import { init } from "../mod.ts";
import { ImageClassifierData, type LoadFashionMnistOptions } from "../src/data/mod.ts";
import { indexPage } from "../src/plot/mod.ts";
import { Learner, type LearnerData, phases1cycle } from "../src/sched/mod.ts";
import { SGD } from "../src/optim/mod.ts";
import { fashionCnn } from "./_models.ts";
import {
  checkFolder,
  checkWritableDir,
  numberFlag,
  runCli,
  UsageError,
  usageFrom,
} from "./_cli.ts";

/** Defaults of the command line (they finish in a few minutes on llvmpipe and reach > 90%). */
export const ONE_CYCLE_DEFAULTS = {
  epochs: 3,
  bs: 128,
  lr: 0.1,
  out: "out/one_cycle",
} as const;

/** The `--help` text. */
export const ONE_CYCLE_USAGE = `Usage: deno run -A examples/one_cycle.ts [flags]

1cycle training (SGD, momentum 0.95 -> 0.85 -> 0.95) of a small CNN on Fashion-MNIST.

Flags:
  --epochs N    length of the cycle in epochs (default ${ONE_CYCLE_DEFAULTS.epochs})
  --bs N        batch size (default ${ONE_CYCLE_DEFAULTS.bs})
  --lr X        maximal learning rate of the cycle (default ${ONE_CYCLE_DEFAULTS.lr})
  --out DIR     output folder for lr.svg, loss.svg, index.html (default ${ONE_CYCLE_DEFAULTS.out})
  --data DIR    folder holding the four Fashion-MNIST IDX files (default: the installed data
                set /usr/share/datasets/fashion-mnist, else ~/.cache/tempo, else download)
  -h, --help    show this help`;

/** Parsed command line of `one_cycle.ts`. */
export interface OneCycleArgs {
  epochs: number;
  bs: number;
  lr: number;
  out: string;
  data?: string;
}

/** Parses `one_cycle.ts`'s flags; throws {@linkcode UsageError}; `"help"` for `--help`. */
export function parseOneCycleArgs(argv: string[]): OneCycleArgs | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        epochs: { type: "string" },
        bs: { type: "string" },
        lr: { type: "string" },
        out: { type: "string" },
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
    epochs: numberFlag("epochs", values.epochs, { min: 0, exclusiveMin: true }) ??
      ONE_CYCLE_DEFAULTS.epochs,
    bs: numberFlag("bs", values.bs, { integer: true, min: 1 }) ?? ONE_CYCLE_DEFAULTS.bs,
    lr: numberFlag("lr", values.lr, { min: 0, exclusiveMin: true }) ?? ONE_CYCLE_DEFAULTS.lr,
    out: values.out ?? ONE_CYCLE_DEFAULTS.out,
    data: values.data,
  };
}

/** Options of {@linkcode runOneCycle}. */
export interface RunOneCycleOptions {
  /** Train + validation loaders of 1 x `sz` x `sz` images (Fashion-MNIST, or synthetic in tests). */
  data: LearnerData & { readonly c?: number; readonly sz?: number; readonly channels?: number };
  epochs: number;
  lr: number;
  /** Output folder (created). */
  out: string;
  /** Where the table and the summary go. Default `console.log`. */
  log?: (line: string) => void;
  /** Progress bar. Default: when stdout is a terminal. */
  progress?: boolean;
  seed?: number;
}

/** What {@linkcode runOneCycle} returns. */
export interface OneCycleResult {
  accuracy: number;
  valLoss: number;
  trnLoss: number;
  seconds: number;
  /** Paths of the files written. */
  files: string[];
}

/**
 * Trains `fashionCnn` on `data` with `phases1cycle({ cycleLen: epochs, lr, div: 10, pct: 10,
 * maxMom: 0.95, minMom: 0.85 })` and writes `lr.svg`, `loss.svg` and `index.html` into `out`.
 */
export async function runOneCycle(o: RunOneCycleOptions): Promise<OneCycleResult> {
  const log = o.log ?? ((l: string) => console.log(l));
  await checkWritableDir(o.out, "--out"); // before any training
  await init();
  const model = fashionCnn({
    inChannels: o.data.channels ?? 1,
    sz: o.data.sz ?? 28,
    numClasses: o.data.c ?? 10,
    seed: o.seed ?? 0,
  });
  const learn = new Learner(model, o.data);
  // the notebook's phases_1cycle(cycle_len, lr, div=10, pct=10, max_mom=0.95, min_mom=0.85):
  // lr/10 -> lr -> lr/10 over 90% of the epochs, then lr/10 -> lr/1000 over the last 10%
  const phases = phases1cycle({
    cycleLen: o.epochs,
    lr: o.lr,
    div: 10,
    pct: 10,
    maxMom: 0.95,
    minMom: 0.85,
    optimizer: SGD,
  });
  const t0 = performance.now();
  const r = await learn.fitOptSched(phases, { log, progress: o.progress });
  const seconds = (performance.now() - t0) / 1000;
  learn.dispose();
  if (r.stopped) throw new Error(`Training stopped: ${r.reason}`);
  const lrSvg = `${o.out}/lr.svg`, lossSvg = `${o.out}/loss.svg`, index = `${o.out}/index.html`;
  const files = [lrSvg, lossSvg, index];
  learn.sched.plotLr({ file: lrSvg }); // lr and momentum, phase lines
  learn.sched.plotLoss({ file: lossSvg });
  await Deno.writeTextFile(
    index,
    indexPage(`1cycle, ${o.epochs} epochs, lr ${o.lr}`, [
      { title: "Learning rate and momentum", file: "lr.svg" },
      { title: "Loss", file: "loss.svg" },
    ]),
  );
  const accuracy = r.metrics.accuracy;
  if (accuracy === undefined) throw new TypeError("fitOptSched returned no accuracy metric");
  log(`test accuracy: ${(accuracy * 100).toFixed(2)}%  (${seconds.toFixed(1)} s of training)`);
  log(`wrote ${files.join(", ")}`);
  return { accuracy, valLoss: r.valLoss, trnLoss: r.trnLoss, seconds, files };
}

/** Loads Fashion-MNIST (`path` or the default places) as 1 x 28 x 28 batches of `bs`. */
export function fashionData(bs: number, path?: string): Promise<ImageClassifierData> {
  const where: LoadFashionMnistOptions = path === undefined ? {} : { path };
  return ImageClassifierData.fashionMnist({ sz: 28, channels: 1, bs, ...where });
}

if (import.meta.main) {
  await runCli(Deno.args, ONE_CYCLE_USAGE, parseOneCycleArgs, async (a) => {
    const t0 = performance.now();
    await checkWritableDir(a.out, "--out");
    await checkFolder(a.data, "--data");
    const data = await fashionData(a.bs, a.data);
    console.log(
      `Fashion-MNIST: ${data.train.length} training batches of ${a.bs}, ` +
        `${data.valid.length} test batches; 1cycle over ${a.epochs} epochs, max lr ${a.lr}`,
    );
    await runOneCycle({ data, epochs: a.epochs, lr: a.lr, out: a.out });
    console.log(`wall time: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  });
}
