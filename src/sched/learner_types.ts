/**
 * The shapes the {@linkcode Learner} needs from a model, an optimizer class, a metric and a data
 * object. They are structural, so `src/nn` modules, `src/optim` classes and `src/data`'s
 * `ImageClassifierData` fit without the scheduler depending on their implementations.
 * @module
 */

import type { Tensor } from "../tensor/mod.ts";
import type { OptimizerFactory, ScheduledOptimizer } from "./types.ts";

/** A model as the learner drives it (`src/nn`'s `Module` fits). */
export interface LearnerModel {
  forward(x: Tensor): Tensor;
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
  freeze?(...args: never[]): unknown;
  unfreeze?(...args: never[]): unknown;
}

/** An optimizer the learner can step (`src/optim`'s `SGD`, `Adam`, `RMSProp` fit). */
export interface TrainableOptimizer extends ScheduledOptimizer {
  step(): void;
  zeroGrad(): void;
  stateDict?(): unknown;
  loadStateDict?(state: never): unknown;
  dispose?(): void;
}

/** An optimizer class: `new SGD(groups, { lr })`, with a static `optimizerName`. */
export interface OptimizerClass extends OptimizerFactory {
  new (groups: Tensor[][], options: { lr: number }): TrainableOptimizer;
}

/** A metric: `(output, target) => GPU scalar`, named by `name` (a function's own name by default). */
export type MetricFn = (output: Tensor, target: Tensor) => Tensor;

/** A metric with an explicit column name. */
export interface NamedMetric {
  name: string;
  fn: MetricFn;
}

/** A CPU batch as `src/data`'s `DataLoader` yields it (buffers valid until the next batch). */
export interface CpuBatch {
  x: Float32Array;
  y: Int32Array;
  shape: readonly number[];
}

/** A loader of CPU batches; `length` is the number of batches per pass. */
export interface BatchLoader extends AsyncIterable<CpuBatch> {
  readonly length: number;
}

/** Train and validation loaders (`src/data`'s `ImageClassifierData` fits). */
export interface LearnerData {
  readonly train: BatchLoader;
  readonly valid: BatchLoader;
}

/** A loss: `(output, target) => GPU scalar` (mean over the batch). */
export type LossFn = (output: Tensor, target: Tensor) => Tensor;
