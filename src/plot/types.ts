/**
 * The data the plots read: what a recorder collected during training.
 *
 * @module
 */

/** One training phase as the plots see it: its span in (float) iterations and what to print on it. */
export interface PlotPhase {
  /** Float iteration where the phase starts (a dashed line is drawn there). */
  start: number;
  /** Float iteration where the phase ends. */
  end: number;
  /** Optimizer name printed on the phase, e.g. `"SGD"`. */
  optimizerName: string;
  /** The phase's weight decay(s), printed as `wds=...` when set. */
  wds?: number | number[];
  /** The phase's beta, printed as `beta=...` when set. */
  beta?: number;
  /** `true` when the phase's lr decays linearly (the lr/loss plot then defaults to a linear x axis). */
  linear?: boolean;
} // start/end: float iteration limits

/**
 * Everything a training run recorded for plotting.
 *
 * Per batch: `iterations`, `lrs` (the highest group's lr), `momentums`, `losses` (smoothed).
 * Per epoch: `valLosses` and `epochIterations` (the iteration count at each epoch end).
 */
export interface PlotData {
  /** 1-based batch count of each batch. */
  iterations: number[];
  /** Learning rate of each batch (the highest group's). */
  lrs: number[];
  /** Momentum of each batch. */
  momentums: number[];
  /** Smoothed loss of each batch. */
  losses: number[]; // per batch; lrs = highest group's lr
  /** Validation loss of each epoch. */
  valLosses: number[];
  /** Iteration count at each epoch end. */
  epochIterations: number[]; // per epoch
  /** The training phases, in order. */
  phases: PlotPhase[];
}
