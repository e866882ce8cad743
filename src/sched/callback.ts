/**
 * The fit loop's events (fastai v2's `Callback` and `CancelXException`s, camelCase).
 *
 * A {@linkcode Callback} is an object with any of the event methods, called in this order:
 * `beforeFit`, then per epoch `beforeEpoch`, per batch `beforeBatch`, `afterPred`, `afterLoss`,
 * `afterBackward`, `afterStep`, `afterBatch`; at each epoch end `beforeValidate`, `afterValidate`,
 * `afterEpoch`; at the end `afterFit`. Callbacks run by ascending `order` (default 0), ties in the
 * order given. `afterPred`, `afterLoss`, `afterBackward` and `afterStep` run inside the step's
 * `tidy()` and must be synchronous (GPU ops there are freed with the step's temporaries); the other
 * events may return a promise, which the loop awaits.
 *
 * Control flow as in fastai: throwing {@linkcode CancelBatch}, {@linkcode CancelEpoch},
 * {@linkcode CancelValidate} or {@linkcode CancelFit} skips the rest of that unit; the matching
 * `afterCancelX` event runs, then `afterX` still runs (`afterBatch` after a cancelled batch). A
 * `CancelFit` ends the fit with `{ stopped: true, reason }` and leaves the learner usable.
 *
 * No readback: the context's `losses` are the raw losses that came back (lagged, in groups) since the
 * previous `afterBatch`; a callback that needs another GPU value calls `ctx.request(t, fn)`, and the
 * loop copies `t` into the loss ring's next readback group and calls `fn` when it comes back.
 * @module
 */

import type { Tensor } from "../tensor/mod.ts";
import type { BatchHypers, SchedulePlan } from "./schedule.ts";
import type { LearnerData, TrainableOptimizer } from "./learner_types.ts";
import type { Learner } from "./learner.ts";
import type { TrainingState } from "./train_state.ts";

/** Every event of the loop, in the order they fire for one batch and one epoch. */
export const CALLBACK_EVENTS = [
  "beforeFit",
  "beforeEpoch",
  "beforeBatch",
  "afterPred",
  "afterLoss",
  "afterBackward",
  "afterStep",
  "afterCancelBatch",
  "afterBatch",
  "beforeValidate",
  "afterCancelValidate",
  "afterValidate",
  "afterCancelEpoch",
  "afterEpoch",
  "afterCancelFit",
  "afterFit",
] as const;

/** The name of an event. */
export type CallbackEvent = (typeof CALLBACK_EVENTS)[number];

/** The events that run inside the step's `tidy()` (synchronous only). */
export const SYNC_EVENTS: ReadonlySet<CallbackEvent> = new Set([
  "afterPred",
  "afterLoss",
  "afterBackward",
  "afterStep",
]);

/** One training loss that came back from the GPU (lagged). */
export interface LaggedLoss {
  /** 1-based iteration of the batch that computed it. */
  iteration: number;
  /** The batch's loss. */
  raw: number;
  /** The smoothed (debiased) loss after it (`NaN` for callbacks of order below -55). */
  smooth: number;
  /** The lr of every layer group the batch used. */
  lrs: Float64Array;
  /** The momentum (Adam beta1) the batch used. */
  momentum: number;
  /** Epoch (0-based) of the batch. */
  epoch: number;
  /** Phase (0-based) of the batch. */
  phase: number;
}

/** What every event receives (one object, updated in place through the fit). */
export interface FitContext {
  /** The learner being fitted. */
  readonly learner: Learner;
  /** The batch plan of the fit. */
  readonly plan: SchedulePlan;
  /** Batches trained so far in this fit (0 in the first `beforeBatch`, 1 in the first `afterBatch`). */
  iteration: number;
  /** Epoch (0-based): the number of epoch ends passed. */
  epoch: number;
  /** Index of the current phase. */
  phase: number;
  /** The data the current phase trains on. */
  data: LearnerData | null;
  /** The hyperparameters of the current batch (lr per layer group, momentum...). */
  hypers: BatchHypers | null;
  /** The optimizer of the current phase. */
  opt: TrainableOptimizer | null;
  /** The current batch's inputs and targets on the GPU (from `beforeBatch`). */
  x: Tensor | null;
  /** The current batch's targets. */
  y: Tensor | null;
  /** The model's output (from `afterPred`). */
  pred: Tensor | null;
  /** The batch loss (from `afterLoss`); what is recorded. */
  loss: Tensor | null;
  /**
   * The tensor `backward()` starts from (from `afterLoss`, default `loss`); a callback may replace
   * it (gradient accumulation scales it), the recorded loss stays `loss`.
   */
  lossGrad: Tensor | null;
  /** Raw losses that came back since the previous `afterBatch` (most batches: none). */
  losses: readonly LaggedLoss[];
  /** The latest smoothed training loss known on the CPU (`NaN` before the first readback). */
  smoothLoss: number;
  /** Validation loss of the latest epoch end (`NaN` before it, or when validation was skipped). */
  valLoss: number;
  /** Metrics of the latest epoch end, by name. */
  metrics: Record<string, number>;
  /** Whether this epoch end validates (a `beforeValidate` callback may set it to false). */
  validate: boolean;
  /** Whether this epoch end's validation ran (set by the built-in validator). */
  validated: boolean;
  /** A factor applied to every scheduled lr from the next batch on (the divergence guard lowers it). */
  lrScale: number;
  /** Whether the current batch stepped the optimizer (false after a `CancelBatch` before the step). */
  stepped: boolean;
  /**
   * Asks for `t`'s values without a readback now: the loop copies them into the next readback group
   * of the loss ring and calls `onValues` when that group comes back (a few batches later; at the
   * latest at the next epoch end). Call it where `t` is alive (inside the step's events, `t` may be
   * a temporary). Requested up to `afterLoss`, the values travel with the batch's loss; later in the
   * step they may travel with the next group. Float32 tensors only.
   */
  request(t: Tensor, onValues: (values: Float32Array) => void): void;
  /**
   * What a resumable checkpoint stores to continue this fit at this point (one readback of the
   * losses still on the GPU; for checkpoint callbacks, see `SaveCheckpoint`).
   */
  trainingState(): Promise<TrainingState>;
}

/** A callback: any of the event methods, and an order. */
export type Callback =
  & {
    /** Callbacks run by ascending order (default 0); built-ins use -100..100. */
    readonly order?: number;
    /** A name for messages (default the class name). */
    readonly name?: string;
  }
  & { [E in CallbackEvent]?: (ctx: FitContext) => void | Promise<void> };

/** Base of the cancel errors: an `Error` the loop catches at its unit. */
export class CancelError extends Error {
  /** Why (the fit's `reason` for {@linkcode CancelFit}). */
  readonly reason: string;
  /**
   * A cancel with its reason.
   * @param reason Why the unit was cancelled.
   */
  constructor(reason = "cancelled") {
    super(reason);
    this.reason = reason;
  }
}

/** Skips the rest of the batch (e.g. the step); `afterCancelBatch` and `afterBatch` still run. */
export class CancelBatch extends CancelError {
  /** The error name. */
  override name: string = "CancelBatch";
}

/**
 * Skips the rest of the epoch: its remaining batches (the schedule moves on to the next epoch's
 * first batch) and its validation; `afterCancelEpoch` and `afterEpoch` still run.
 */
export class CancelEpoch extends CancelError {
  /** The error name. */
  override name: string = "CancelEpoch";
}

/** Skips the validation of this epoch end; `afterCancelValidate` and `afterValidate` still run. */
export class CancelValidate extends CancelError {
  /** The error name. */
  override name: string = "CancelValidate";
}

/**
 * Ends the fit: `afterCancelFit` and `afterFit` run, and the fit returns `{ stopped: true, reason }`.
 *
 * @example
 * ```ts
 * import { CancelFit, type Callback } from "./callback.ts";
 * const stopAt100: Callback = {
 *   afterBatch(ctx) {
 *     if (ctx.iteration === 100) throw new CancelFit("enough");
 *   },
 * };
 * ```
 */
export class CancelFit extends CancelError {
  /** The error name. */
  override name: string = "CancelFit";
}
