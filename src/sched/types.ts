/**
 * Interfaces shared by the scheduler and the GPU side (optimizers, learner).
 *
 * The scheduler never touches the GPU: it computes numbers and writes them through
 * {@linkcode ScheduledOptimizer.setHypers}.
 * @module
 */

import type { GroupHypers } from "../optim/hypers.ts";

export type { GroupHypers };

/** An optimizer whose hyperparameters the scheduler drives, one layer group at a time. */
export interface ScheduledOptimizer {
  readonly optimizerName: string; // "SGD" | "Adam" | "RMSProp"
  readonly groupCount: number;
  setHypers(group: number, h: Partial<GroupHypers>): void; // one uniform write, no readback
  getHypers(group: number): Readonly<GroupHypers>;
}

/** What a phase needs to know about its optimizer; the real one is a class: new (groups, options) => Optimizer. */
export interface OptimizerFactory {
  readonly optimizerName: string;
}

/**
 * A hyperparameter value: one number for every layer group, or one value per layer group.
 * A plain array ALWAYS means "per layer group" (never a start/end pair).
 */
export type GroupValues = number | readonly number[] | Float64Array | Float32Array;

/** A start/end range; each end is a scalar or a per-group array. */
export interface ValueRange {
  start: GroupValues;
  end?: GroupValues;
}
