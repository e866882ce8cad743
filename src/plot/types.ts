/**
 * The data the plots read: what a recorder collected during training.
 *
 * @module
 */

/** One training phase as the plots see it: its span in (float) iterations and what to print on it. */
export interface PlotPhase {
  start: number;
  end: number;
  optimizerName: string;
  wds?: number | number[];
  beta?: number;
  linear?: boolean;
} // start/end: float iteration limits

/**
 * Everything a training run recorded for plotting.
 *
 * Per batch: `iterations`, `lrs` (the highest group's lr), `momentums`, `losses` (smoothed).
 * Per epoch: `valLosses` and `epochIterations` (the iteration count at each epoch end).
 */
export interface PlotData {
  iterations: number[];
  lrs: number[];
  momentums: number[];
  losses: number[]; // per batch; lrs = highest group's lr
  valLosses: number[];
  epochIterations: number[]; // per epoch
  phases: PlotPhase[];
}
