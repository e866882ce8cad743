/**
 * `Sched`: a fit's {@linkcode Recorder} with fastai v0.7's `learn.sched` plot methods, each returning
 * the SVG string and optionally writing it to a file. In Deno's Jupyter kernel the returned value is
 * an `SvgPlot` (a `String` object that renders as an image under the cell; see `_jupyter.ts`).
 * @module
 */
import { checkOptions } from "../_options.ts";
import { PLOT_LOSS_SPEC, PLOT_LR_LOSS_SPEC, PLOT_LR_SPEC } from "../plot/_specs.ts";

import {
  plotLoss,
  type PlotLossOptions,
  plotLr,
  plotLrLoss,
  type PlotLrLossOptions,
  type PlotLrOptions,
} from "../plot/mod.ts";
import type { PlotData } from "../plot/types.ts";
import { needDeno } from "../_platform.ts";
import { Recorder } from "./recorder.ts";
import { plotResult } from "./_jupyter.ts";

/** Where to write a plot: `{ file: "lr.svg" }` (written synchronously). */
export interface FileOption {
  /** Path of the file the plot is also written to. */
  file?: string | URL;
}

/**
 * The recorder of the last scheduled fit, with plot methods (`learner.sched`, as fastai's).
 *
 * @example
 * ```ts
 * import { ImageClassifierData, init, Learner, SGD, simpleNet, TrainingPhase } from "../../mod.ts";
 * await init();
 * const x = Uint8Array.from({ length: 32 * 48 }, (_, i) => (i * 37) % 256), y = new Int32Array(32);
 * const data = ImageClassifierData.fromArrays({ train: [x, y], valid: [x, y], shape: [3, 4, 4], bs: 8 });
 * const learn = Learner.fromModelData(simpleNet([48, 8, 3], { seed: 0 }), data);
 * await learn.fitOptSched([new TrainingPhase({ epochs: 1, optimizer: SGD, lr: 1e-2 })]);
 * const lrSvg = learn.sched.plotLr({ showText: false, showMoms: false }); // { file: "lr.svg" } writes it
 * const svg = learn.sched.plot({ linear: true });
 * ```
 */
export class Sched {
  /** What the fit recorded (per batch, per epoch, per phase). */
  readonly recorder: Recorder;

  /** Wraps a recorder (a new empty one by default). */
  constructor(recorder: Recorder = new Recorder()) {
    this.recorder = recorder;
  }

  /** The recorded series in the plots' format. */
  get data(): PlotData {
    const r = this.recorder;
    return {
      iterations: r.iterations,
      lrs: r.lrs,
      momentums: r.momentums,
      losses: r.losses,
      valLosses: r.valLosses,
      epochIterations: r.epochIterations,
      phases: r.phases,
    };
  }

  /** fastai `plot_lr(show_text, show_moms)`: the lr (and momentum) schedule with phase lines. */
  plotLr(options: PlotLrOptions & FileOption = {}): string {
    checkOptions("sched.plotLr", options, { ...PLOT_LR_SPEC, file: "path" });
    const { file, ...opts } = options;
    return write(plotLr(this.data, opts), file);
  }

  /**
   * fastai `plot(n_skip, n_skip_end, linear)`: the smoothed loss against the lr (the LR-finder
   * curve); log x unless the last phase was LINEAR or `linear` is set.
   */
  plot(options: PlotLrLossOptions & FileOption = {}): string {
    checkOptions("sched.plot", options, { ...PLOT_LR_LOSS_SPEC, file: "path" });
    const { file, ...opts } = options;
    return write(plotLrLoss(this.data, opts), file);
  }

  /** fastai `plot_loss()`: the smoothed training loss against iterations (validation at epoch ends). */
  plotLoss(options: PlotLossOptions & FileOption = {}): string {
    checkOptions("sched.plotLoss", options, { ...PLOT_LOSS_SPEC, file: "path" });
    const { file, ...opts } = options;
    return write(plotLoss(this.data, opts), file);
  }
}

function write(svg: string, file: string | URL | undefined): string {
  if (file !== undefined) {
    needDeno(
      "plot { file }",
      "In a browser, use the returned SVG string (e.g. element.innerHTML = svg).",
    )
      .writeTextFileSync(file, svg);
  }
  return plotResult(svg);
}
