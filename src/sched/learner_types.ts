/**
 * The shapes the {@linkcode Learner} needs from a model, an optimizer class, a metric and a data
 * object. They are structural, so `src/nn` modules, `src/optim` classes and `src/data`'s
 * `ImageClassifierData` fit without the scheduler depending on their implementations.
 * @module
 */

import type { Tensor } from "../tensor/mod.ts";
import type { StopDivOptions } from "./divergence.ts";
import type { GroupValues, OptimizerFactory, ScheduledOptimizer } from "./types.ts";

/** A model as the learner drives it (`src/nn`'s `Module` fits). */
export interface LearnerModel {
  /** The output for input `x`. */
  forward(x: Tensor): Tensor;
  /** Every trainable parameter. */
  parameters(): Tensor[];
  /** Parameters of each layer group (discriminative lrs), as `src/nn`'s `Module` gives them. */
  layerGroupParameters?(): Tensor[][];
  /** Layer groups: lists of parameters (used when `layerGroupParameters` is absent) or of modules. */
  layerGroups?(): readonly (readonly unknown[])[];
  /** Training mode (dropout, batch-norm statistics). */
  train?(): unknown;
  /** Evaluation mode. */
  eval?(): unknown;
  /** Named tensors to save (parameters and buffers such as batch-norm running statistics). */
  stateDict?(): unknown;
  /** Restores what {@linkcode LearnerModel.stateDict} gave. */
  loadStateDict?(state: never): unknown;
  /** Freezes layer groups (called by {@linkcode Learner.freeze} without arguments). */
  freeze?(...args: never[]): unknown;
  /** Unfreezes every layer group (called by {@linkcode Learner.unfreeze}). */
  unfreeze?(...args: never[]): unknown;
}

/** An optimizer the learner can step (`src/optim`'s `SGD`, `Adam`, `RMSProp` fit). */
export interface TrainableOptimizer extends ScheduledOptimizer {
  /** Applies one update to every parameter from its gradient. */
  step(): void;
  /** Zeroes the gradients. */
  zeroGrad(): void;
  /** The optimizer state (moments, step counts) to snapshot. */
  stateDict?(): unknown;
  /** Restores what `stateDict` gave. */
  loadStateDict?(state: never): unknown;
  /** Frees the optimizer's GPU resources (called when the learner replaces or disposes of it). */
  dispose?(): void;
}

/** An optimizer class: `new SGD(groups, { lr })`, with a static `optimizerName`. */
export interface OptimizerClass extends OptimizerFactory {
  /** Creates the optimizer over layer groups of parameters with a base lr. */
  new (groups: Tensor[][], options: { lr: number }): TrainableOptimizer;
}

/** A metric: `(output, target) => GPU scalar`, named by `name` (a function's own name by default). */
export type MetricFn = (output: Tensor, target: Tensor) => Tensor;

/** A metric with an explicit column name. */
export interface NamedMetric {
  /** Column name of the metric. */
  name: string;
  /** The metric function. */
  fn: MetricFn;
}

/** A CPU batch as `src/data`'s `DataLoader` yields it (buffers valid until the next batch). */
export interface CpuBatch {
  /** The inputs as flat float32 (`shape` gives their layout). */
  x: Float32Array;
  /** The `n` labels. */
  y: Int32Array;
  /** Shape of `x`, e.g. `[n, c, h, w]`. */
  shape: readonly number[];
}

/** A loader of CPU batches; `length` is the number of batches per pass. */
export interface BatchLoader extends AsyncIterable<CpuBatch> {
  /** Number of batches per pass. */
  readonly length: number;
}

/** Train and validation loaders (`src/data`'s `ImageClassifierData` fits). */
export interface LearnerData {
  /** Training batches. */
  readonly train: BatchLoader;
  /** Validation batches. */
  readonly valid: BatchLoader;
}

/** A loss: `(output, target) => GPU scalar` (mean over the batch). */
export type LossFn = (output: Tensor, target: Tensor) => Tensor;

/** Options of `Learner`. */
export interface LearnerOptions {
  /** `(output, target) => scalar`. Default `nllLoss` (the models end in LogSoftmax, as the notebook's). */
  lossFn?: LossFn;
  /**
   * Metrics printed and returned at each epoch end: functions (named by `fn.name`) or `{ name, fn }`.
   * Default `[accuracy]`.
   */
  metrics?: readonly (MetricFn | NamedMetric)[];
  /** Optimizer class of `fitOneCycle` and `lrFind`. Default `SGD`. */
  optimizer?: OptimizerClass;
  /** Classes that phases naming an optimizer only by `optimizerName` resolve to. Default SGD, Adam, RMSProp. */
  optimizers?: readonly OptimizerClass[];
}

/** Options of `Learner.fitOptSched`. */
export interface FitOptSchedOptions {
  /**
   * Stop when the smoothed loss diverges (fastai's 4x the best loss, tracked from the first batch).
   * Default false. A NaN or infinite loss stops the fit whatever this says (fastai's
   * `TerminateOnNaN`), with `reason` naming the batch, its epoch and its phase.
   */
  stopDiv?: boolean;
  /** The divergence rule (factor, minIters, minMargin). */
  stopDivOptions?: StopDivOptions;
  /** One data object per phase (repeat one to reuse it); its length must equal the phases'. */
  dataList?: readonly LearnerData[];
  /**
   * Where the epoch table goes: a line sink, or `false` for nothing. Default `console.log`; in
   * Deno's Jupyter kernel, one HTML table under the cell.
   */
  log?: ((line: string) => void) | false;
  /**
   * Draw a progress bar. Default: when stdout is a terminal (or in Jupyter, as one output updated
   * in place) and `log` is not `false`.
   */
  progress?: boolean;
  /** Losses are read back once every this many batches (lagged). Default 8. */
  readEvery?: number;
  /** A fresh optimizer even if the current one has the first phase's class. Default false. */
  resetOpt?: boolean;
  /** Called after every training batch with the 1-based iteration (no readback involved). */
  onBatchEnd?: (iteration: number) => void;
}

/** Options of `Learner.fitOneCycle` (fastai v2 `fit_one_cycle`). */
export interface FitOneCycleOptions extends Omit<FitOptSchedOptions, "dataList"> {
  /** Maximal lr(s), scalar or per layer group. Default 1e-3. */
  lrMax?: GroupValues;
  /** Start lr is `lrMax/div`, > 0. @default {25} */
  div?: number;
  /** Final lr is `lrMax/divFinal`, > 0. @default {1e5} */
  divFinal?: number;
  /** Fraction of the epochs spent warming up, in (0, 1). @default {0.25} */
  pctStart?: number;
  /** Momentum at the start, the top and the end. @default {[0.95, 0.85, 0.95]} */
  moms?: readonly [number, number, number];
  /** Weight decay(s); undefined keeps the optimizer's. */
  wd?: GroupValues;
  /** Decoupled (AdamW-style) weight decay instead of L2. Default false. */
  decoupledWd?: boolean;
  /** Optimizer class. Default the learner's `optimizer`. */
  optimizer?: OptimizerClass;
}
