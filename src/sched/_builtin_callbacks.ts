/**
 * Private: the callbacks every scheduled fit is made of (fastai v2's `ParamScheduler`, `Recorder`,
 * `ProgressCallback`, `ShowGraph`-less), plus `stopDiv` and validation:
 * - {@linkcode ParamScheduler} (order -100): the batch's hyperparameters into the optimizer's
 *   uniforms, `beforeBatch`;
 * - {@linkcode LossSmoother} (order -55): the smoothed loss of each lagged loss;
 * - {@linkcode StopDivCallback} (order -40): fastai's `stop_div` on the lagged smoothed losses;
 * - {@linkcode RecorderCallback} (order 50): lagged losses and epoch ends into the `Recorder`;
 * - {@linkcode ProgressCallback} (order 90): the progress bar and the epoch table;
 * - {@linkcode Validator} (order 100, `beforeValidate`): the validation pass (skipped when
 *   `ctx.validate` is false).
 * @module
 */

import type { Tensor } from "../tensor/mod.ts";
import { applyPhaseHypers } from "./apply_hypers.ts";
import { type Callback, CancelFit, type FitContext, type LaggedLoss } from "./callback.ts";
import { DivergenceDetector, type StopDivOptions } from "./divergence.ts";
import type { SmoothLoss } from "./smooth_loss.ts";
import type { Recorder, RecorderJSON } from "./recorder.ts";
import type { LearnerData } from "./learner_types.ts";
import type { FitViews } from "./_fit_views.ts";
import { validate, type ValidateContext } from "./_validate.ts";

/** Writes each batch's hyperparameters (times `ctx.lrScale`) into the optimizer's uniforms. */
export class ParamScheduler implements Callback {
  readonly order = -100;
  #lr = new Float64Array(0);
  beforeBatch(ctx: FitContext): void {
    const h = ctx.hypers!;
    if (ctx.lrScale === 1) return applyPhaseHypers(ctx.opt!, h);
    if (this.#lr.length !== h.lr.length) this.#lr = new Float64Array(h.lr.length);
    for (let i = 0; i < h.lr.length; i++) this.#lr[i] = h.lr[i]! * ctx.lrScale;
    applyPhaseHypers(ctx.opt!, { ...h, lr: this.#lr });
  }
}

/**
 * fastai's `AvgSmoothLoss`: the smoothed (debiased) loss of each lagged loss (`l.smooth`) and
 * `ctx.smoothLoss`; order -55, after callbacks that drop losses (the divergence guard, -60).
 */
export class LossSmoother implements Callback {
  readonly order = -55;
  readonly smooth: SmoothLoss;
  constructor(smooth: SmoothLoss) {
    this.smooth = smooth;
  }
  #add(ctx: FitContext): void {
    if (ctx.losses.length === 0) return;
    for (const l of ctx.losses) l.smooth = this.smooth.add(l.raw);
    ctx.smoothLoss = this.smooth.value;
  }
  afterBatch(ctx: FitContext): void {
    this.#add(ctx);
  }
  afterCancelEpoch(ctx: FitContext): void {
    this.#add(ctx);
  }
}

/** Where a lagged loss was computed, for stop reasons. */
export function at(l: LaggedLoss): string {
  return `(epoch ${l.epoch}, phase ${l.phase})`;
}

/** fastai's `stop_div`: stops when the smoothed loss diverges (see `DivergenceDetector`). */
export class StopDivCallback implements Callback {
  readonly order = -40;
  #detector: DivergenceDetector;
  constructor(options?: StopDivOptions) {
    this.#detector = new DivergenceDetector(options);
  }
  beforeFit(): void {
    this.#detector.reset();
  }
  afterBatch(ctx: FitContext): void {
    const ls = ctx.losses;
    for (let i = 0; i < ls.length; i++) {
      const reason = this.#detector.update(ls[i]!.smooth);
      if (reason !== undefined) {
        const where = at(ls[i]!);
        ctx.losses = ls.slice(0, i);
        throw new CancelFit(`${reason} ${where}`);
      }
    }
  }
}

/** Records the lagged losses and the epoch ends. */
export class RecorderCallback implements Callback {
  readonly order = 50;
  readonly recorder: Recorder;
  #last = 0;
  constructor(recorder: Recorder) {
    this.recorder = recorder;
  }
  beforeFit(): void {
    this.#last = this.recorder.iteration;
  }
  #record(ctx: FitContext): void {
    for (const l of ctx.losses) {
      if (l.iteration <= this.#last) continue;
      this.#last = l.iteration;
      this.recorder.recordBatch({
        lrs: l.lrs,
        momentum: l.momentum,
        loss: l.smooth,
        rawLoss: l.raw,
      });
    }
  }
  afterBatch(ctx: FitContext): void {
    this.#record(ctx);
  }
  afterCancelEpoch(ctx: FitContext): void {
    this.#record(ctx);
  }
  afterCancelFit(ctx: FitContext): void {
    this.#record(ctx);
  }
  afterValidate(ctx: FitContext): void {
    if (ctx.validated) this.recorder.recordEpoch({ valLoss: ctx.valLoss, metrics: ctx.metrics });
  }
  /** Refills the recorder from a checkpoint's copy (phases excepted: the plan's stay). */
  restore(j: RecorderJSON): void {
    const r = this.recorder;
    const fill = <T>(a: T[], b: readonly T[]) => a.splice(0, a.length, ...b);
    fill(r.iterations, j.iterations);
    fill(r.lrs, j.lrs);
    fill(r.groupLrs, j.groupLrs);
    fill(r.momentums, j.momentums);
    fill(r.losses, j.losses);
    fill(r.rawLosses, j.rawLosses);
    fill(r.valLosses, j.valLosses.map((v) => v ?? NaN));
    fill(r.metrics, j.metrics);
    fill(r.epochIterations, j.epochIterations);
  }
}

/**
 * The progress bar and fastai's epoch table (`_fit_views.ts`: text lines and a terminal bar, or in
 * Jupyter one HTML table and one bar output updated in place).
 */
export class ProgressCallback implements Callback {
  readonly order = 90;
  #views: FitViews;
  #metricNames: readonly string[];
  #done = 0;
  constructor(views: FitViews, metricNames: readonly string[]) {
    this.#views = views;
    this.#metricNames = metricNames;
  }
  beforeFit(): void {
    this.#views.stats.header(this.#metricNames);
  }
  beforeEpoch(ctx: FitContext): void {
    const e = ctx.plan.epochEnds[ctx.epoch]!;
    const start = ctx.epoch > 0 ? ctx.plan.epochEnds[ctx.epoch - 1]!.iteration : 0;
    this.#done = ctx.iteration - start;
    this.#views.bar.start(e.iteration - start);
  }
  afterBatch(ctx: FitContext): void {
    this.#views.bar.update(++this.#done, ctx.smoothLoss);
  }
  beforeValidate(): void {
    this.#views.bar.end();
  }
  afterEpoch(ctx: FitContext): void {
    this.#views.bar.end();
    this.#views.stats.row(ctx.epoch, [
      ctx.smoothLoss,
      ctx.valLoss,
      ...Object.values(ctx.metrics),
    ]);
  }
  /**
   * Ends the bar (kept after a stop) and waits until every notebook update is sent; the learner
   * calls it after the fit, whatever happened.
   */
  async close(stopped: boolean): Promise<void> {
    this.#views.bar.end(stopped);
    await this.#views.flush();
  }
}

/** Runs the validation pass when `ctx.validate` (last of `beforeValidate`). */
export class Validator implements Callback {
  readonly order = 100;
  #vc: ValidateContext;
  #dataList: readonly LearnerData[];
  #scratch: { buf: Tensor | null } = { buf: null };
  constructor(vc: ValidateContext, dataList: readonly LearnerData[]) {
    this.#vc = vc;
    this.#dataList = dataList;
  }
  async beforeValidate(ctx: FitContext): Promise<void> {
    if (!ctx.validate) {
      ctx.valLoss = NaN;
      ctx.metrics = Object.fromEntries(this.#vc.metrics.map((m) => [m.name, NaN]));
      return;
    }
    const data = this.#dataList[ctx.plan.epochEnds[ctx.epoch]!.phase]!;
    const r = await validate(this.#vc, data, this.#scratch);
    ctx.valLoss = r.valLoss;
    ctx.metrics = r.metrics;
    ctx.validated = true;
  }
  /** Frees the validation scratch buffer (the learner calls it after the fit, whatever happened). */
  dispose(): void {
    this.#scratch.buf?.dispose();
    this.#scratch.buf = null;
  }
}

/** `onBatchEnd(iteration)` of the fit options as a callback. */
export function onBatchEndCallback(fn: (iteration: number) => void): Callback {
  return { order: 0, name: "onBatchEnd", afterBatch: (ctx) => fn(ctx.iteration) };
}
