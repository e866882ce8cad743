/**
 * `lrFind`: the LR finder built from one TrainingPhase (the notebook's "customized LR finder"), with
 * fastai v2's automatic restore of the model AND optimizer state and its suggestions.
 * @module
 */

import { plotLrLoss } from "../plot/mod.ts";
import { needDeno } from "../_platform.ts";
import type { StopDivOptions } from "./divergence.ts";
import { DecayType } from "./decay_type.ts";
import type { Learner } from "./learner.ts";
import type { FitOptSchedOptions, OptimizerClass } from "./learner_types.ts";
import { lrFinderCurve, type LrSuggestion, minimum, steep, valley } from "./lr_suggest.ts";
import { TrainingPhase } from "./training_phase.ts";
import { show } from "./_values.ts";
import { checkOptions } from "../_options.ts";
import { LR_FIND_SPEC, STOP_DIV_SPEC } from "./_specs.ts";
import { guardOf, HELD_BY } from "./fit_guard.ts";
import { plotResult } from "./_jupyter.ts";

/** Options of {@linkcode lrFind}. */
export interface LrFindOptions {
  /** First lr, > 0. Default 1e-7. */
  startLr?: number;
  /** Last lr (never reached: the schedule excludes its end), > startLr. Default 10. */
  endLr?: number;
  /** Batches to run (default 100); the phase lasts `numIt / batchesPerEpoch` epochs. */
  numIt?: number;
  /** Length in epochs instead of `numIt` (the notebook's `epochs=0.25`). */
  epochs?: number;
  /** LINEAR instead of EXPONENTIAL lrs (the plot then uses a linear axis). Default false. */
  linear?: boolean;
  /** Stop when the smoothed loss diverges. Default true. */
  stopDiv?: boolean;
  /** The divergence rule (factor, minIters, minMargin) used with `stopDiv`. */
  stopDivOptions?: StopDivOptions;
  /** Momentum of the phase. Default 0.9. */
  momentum?: number;
  /** Optimizer class. Default the learner's current optimizer's class, else its `optimizer`. */
  optimizer?: OptimizerClass;
  /** Progress bar (default: when stdout is a terminal). */
  progress?: boolean;
}

/** What {@linkcode lrFind} returns. */
export interface LrFindResult {
  /** Highest group lr of each recorded batch. */
  lrs: number[];
  /** Smoothed loss of each recorded batch. */
  losses: number[];
  /** fastai's suggestions; a method is missing when the curve is too short for it. */
  suggestions: { valley?: LrSuggestion; steep?: LrSuggestion; minimum?: LrSuggestion };
  /** Whether `stopDiv` ended the run early, and why. */
  stopped: boolean;
  /** Why `stopDiv` stopped the run, when it did. */
  reason?: string;
  /** The loss/lr plot with the suggestions marked (an image under the cell in Jupyter). */
  svg(options?: { file?: string | URL }): string;
}

/**
 * Runs one EXPONENTIAL (or LINEAR) phase from `startLr` to `endLr` with `stopDiv`, then restores the
 * model and the optimizer exactly as they were. `learner.sched` keeps the run, so
 * `learner.sched.plot()` draws it too.
 *
 * @example
 * ```ts
 * import { ImageClassifierData, init, Learner, simpleNet } from "../../mod.ts";
 * await init();
 * const x = Uint8Array.from({ length: 32 * 48 }, (_, i) => (i * 37) % 256), y = new Int32Array(32);
 * const data = ImageClassifierData.fromArrays({ train: [x, y], valid: [x, y], shape: [3, 4, 4], bs: 8 });
 * const learn = Learner.fromModelData(simpleNet([48, 8, 3], { seed: 0 }), data);
 * const r = await lrFind(learn, { startLr: 1e-5, endLr: 10, epochs: 1 });
 * console.log(r.suggestions.valley?.lr);
 * const svg = r.svg(); // e.g. await Deno.writeTextFile("lr_find.svg", svg)
 * ```
 * @throws {TypeError} On an unknown option (`start_lr`: did you mean `startLr`?) or a wrong type.
 * @throws {LearnerBusyError} (rejects) While a fit of this Learner runs.
 */
export function lrFind(learner: Learner, options: LrFindOptions = {}): Promise<LrFindResult> {
  if (learner === null || typeof learner !== "object") {
    return Promise.reject(
      new TypeError(`Cannot lrFind: expected a Learner, got ${show(learner)}`),
    );
  }
  return guardOf(learner).run("lrFind", undefined, (token) => find(learner, options, token));
}

async function find(
  learner: Learner,
  options: LrFindOptions,
  token: symbol,
): Promise<LrFindResult> {
  checkOptions("lrFind", options, LR_FIND_SPEC);
  checkOptions("lrFind stopDivOptions", options.stopDivOptions, STOP_DIV_SPEC);
  const { startLr = 1e-7, endLr = 10, linear = false, stopDiv = true, momentum = 0.9 } = options;
  if (!(typeof startLr === "number" && startLr > 0 && Number.isFinite(startLr))) {
    throw new RangeError(`Cannot lrFind: expected a finite startLr > 0, got ${show(startLr)}`);
  }
  if (!(typeof endLr === "number" && endLr > startLr && Number.isFinite(endLr))) {
    throw new RangeError(
      `Cannot lrFind: expected a finite endLr > startLr (${startLr}), got ${show(endLr)}`,
    );
  }
  if (options.numIt !== undefined && options.epochs !== undefined) {
    throw new TypeError("Cannot lrFind: give numIt or epochs, not both");
  }
  const nb = learner.data.train.length;
  let epochs: number;
  if (options.epochs !== undefined) {
    if (!(typeof options.epochs === "number" && options.epochs > 0)) {
      throw new RangeError(`Cannot lrFind: expected epochs > 0, got ${show(options.epochs)}`);
    }
    epochs = options.epochs;
  } else {
    const numIt = options.numIt ?? 100;
    if (!Number.isInteger(numIt) || numIt < 2) {
      throw new RangeError(`Cannot lrFind: expected an integer numIt >= 2, got ${show(numIt)}`);
    }
    epochs = numIt / nb;
  }
  const optimizer = options.optimizer ??
    (learner.opt ? learner.opt.constructor as OptimizerClass : learner.optimizer);
  const phase = new TrainingPhase({
    epochs,
    optimizer,
    lr: { start: startLr, end: endLr },
    lrDecay: linear ? DecayType.LINEAR : DecayType.EXPONENTIAL,
    momentum,
  });
  const snap = await learner.snapshot();
  let result;
  try {
    result = await learner.fitOptSched([phase], {
      stopDiv,
      stopDivOptions: options.stopDivOptions,
      log: false,
      progress: options.progress,
      [HELD_BY]: token,
    } as FitOptSchedOptions);
  } finally {
    await learner.restore(snap);
  }
  const rec = learner.sched.recorder;
  const lrs = [...rec.lrs], losses = [...rec.losses];
  const numIt = Math.round(epochs * nb);
  const suggestions: LrFindResult["suggestions"] = {};
  const methods = linear ? { valley, minimum } : { valley, steep, minimum };
  for (const [name, fn] of Object.entries(methods)) {
    try {
      suggestions[name as keyof typeof methods] = fn(lrFinderCurve(lrs, losses, numIt));
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
    }
  }
  const svg = (o: { file?: string | URL } = {}) => {
    checkOptions("lrFind result svg", o, { file: "path" });
    const text = plotLrLoss(learner.sched.data, {
      linear,
      suggestions: Object.entries(suggestions).map(([name, s]) => ({
        name,
        lr: s!.point.lr,
        loss: s!.point.loss,
      })),
    });
    if (o.file !== undefined) {
      needDeno("svg({ file })", "In a browser, use the returned SVG string.").writeTextFileSync(
        o.file,
        text,
      );
    }
    return plotResult(text);
  };
  return {
    lrs,
    losses,
    suggestions,
    stopped: result.stopped,
    reason: result.stopped ? result.reason : undefined,
    svg,
  };
}
