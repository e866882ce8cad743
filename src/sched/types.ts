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
  /** The optimizer's type name: `"SGD"`, `"Adam"` or `"RMSProp"`. */
  readonly optimizerName: string; // "SGD" | "Adam" | "RMSProp"
  /** Number of layer groups. */
  readonly groupCount: number;
  /** Sets some hyperparameters of layer group `group` (one uniform write, no readback). */
  setHypers(group: number, h: Partial<GroupHypers>): void; // one uniform write, no readback
  /** The current hyperparameters of layer group `group`. */
  getHypers(group: number): Readonly<GroupHypers>;
}

/** What a phase needs to know about its optimizer; the real one is a class: new (groups, options) => Optimizer. */
export interface OptimizerFactory {
  /** Name of the optimizer type, e.g. `"SGD"` (the optimizer classes have it as a static field). */
  readonly optimizerName: string;
}

/**
 * A hyperparameter value: one number for every layer group, or one value per layer group.
 * A plain array ALWAYS means "per layer group" (never a start/end pair).
 */
export type GroupValues = number | readonly number[] | Float64Array | Float32Array;

/** A start/end range; each end is a scalar or a per-group array. */
export interface ValueRange {
  /** Value at the start of the phase. */
  start: GroupValues;
  /** Value the decay heads to at the end of the phase; omitted: 0 for every decay but `NO`. */
  end?: GroupValues;
}
