/**
 * `deno task lrfind`: the command-line LR finder. Runs one EXPONENTIAL (or LINEAR) TrainingPhase
 * with `stopDiv`, restores the model, prints fastai's suggestions (valley, steep, minimum) and
 * writes the loss-against-lr plot as SVG. `--help` lists the flags.
 *
 * ```sh
 * deno task lrfind                                           # Fashion-MNIST, the small CNN
 * deno task lrfind --model resnet --start-lr 1e-5 --end-lr 1 --epochs 0.25
 * deno task lrfind --linear --start-lr 0.001 --end-lr 0.1 --out out/lr_find_linear.svg
 * ```
 * @module
 */

import { init } from "../mod.ts";
import { ImageClassifierData } from "../src/data/mod.ts";
import { Learner, type LearnerData, lrFind, type LrFindResult } from "../src/sched/mod.ts";
import { buildModel, type ModelName } from "./_models.ts";
import { checkFolder, checkWritableFile, runCli } from "./_cli.ts";
import { LR_FIND_USAGE, type LrFindArgs, parseLrFindArgs } from "./_lr_find_args.ts";

/** Options of {@linkcode runLrFind}. */
export interface RunLrFindOptions {
  /** Loaders of `channels x sz x sz` images. */
  data: LearnerData & { readonly c?: number; readonly sz?: number; readonly channels?: number };
  model: ModelName;
  startLr: number;
  endLr: number;
  numIt?: number;
  epochs?: number;
  linear?: boolean;
  /** SVG file (its folder is created). */
  out: string;
  log?: (line: string) => void;
  progress?: boolean;
}

/** Runs the finder on `data` with a fresh `model`, prints the suggestions, writes `out`. */
export async function runLrFind(o: RunLrFindOptions): Promise<LrFindResult> {
  const log = o.log ?? ((l: string) => console.log(l));
  await checkWritableFile(o.out, "--out"); // before any training
  await init();
  const net = buildModel(o.model, {
    channels: o.data.channels ?? 1,
    sz: o.data.sz ?? 28,
    numClasses: o.data.c ?? 10,
  });
  const learn = new Learner(net, o.data);
  const r = await lrFind(learn, {
    startLr: o.startLr,
    endLr: o.endLr,
    numIt: o.numIt,
    epochs: o.epochs,
    linear: o.linear ?? false,
    progress: o.progress,
  });
  learn.dispose();
  log(
    `${o.model}: ${r.lrs.length} batches recorded, lr ${fmt(o.startLr)} -> ${fmt(o.endLr)} ` +
      `(${o.linear ? "linear" : "exponential"})` + (r.stopped ? `, stopped: ${r.reason}` : ""),
  );
  const names = o.linear ? ["valley", "minimum"] as const : ["valley", "steep", "minimum"] as const;
  for (const name of names) {
    const s = r.suggestions[name];
    log(
      `  ${name.padEnd(8)} ${
        s ? `lr = ${fmt(s.lr)}  (loss ${s.point.loss.toFixed(4)} at lr ${fmt(s.point.lr)})` : "-"
      }`,
    );
  }
  if (o.linear) log("  steep    - (not computed on a linear scale)");
  r.svg({ file: o.out });
  log(`wrote ${o.out}`);
  return r;
}

function fmt(x: number): string {
  return x.toExponential(2);
}

/** Loads the data set named on the command line. */
export async function loadData(a: LrFindArgs): Promise<ImageClassifierData> {
  switch (a.dataset) {
    case "fashion-mnist":
      return await ImageClassifierData.fashionMnist({
        bs: a.bs,
        ...(a.path === undefined ? {} : { path: a.path }),
      });
    case "cifar10":
      return await ImageClassifierData.fromCifar10({ bs: a.bs, path: a.path });
    case "folder":
      return ImageClassifierData.fromPaths(a.path!, { bs: a.bs });
  }
}

if (import.meta.main) {
  await runCli(Deno.args, LR_FIND_USAGE, parseLrFindArgs, async (a) => {
    await checkWritableFile(a.out, "--out");
    await checkFolder(a.path, "--path");
    const data = await loadData(a);
    console.log(
      `${a.dataset}: ${data.train.length} batches of ${a.bs}, ${data.channels}x${data.sz}x${data.sz}, ` +
        `${data.c} classes`,
    );
    await runLrFind({ ...a, data });
  });
}
