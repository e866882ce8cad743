/**
 * `TerminateOnNaN`: fastai's callback, on by default in every fit — a NaN or infinite training loss
 * ends the fit with a reason naming the batch, its epoch and its phase. It reads the lagged losses
 * the loop already brings back, so it costs no readback.
 * @module
 */
import { type Callback, CancelFit, type FitContext } from "../callback.ts";

/**
 * Stops the fit at the first NaN or infinite loss (`reason: "loss is NaN at batch 37 (epoch 0,
 * phase 1)"`, batches counted from 0); the losses before it are recorded, not it.
 *
 * @example
 * ```ts ignore
 * await learn.fitOptSched(phases, { callbacks: [new TerminateOnNaN()] }); // already the default
 * ```
 */
export class TerminateOnNaN implements Callback {
  /** Runs before the recorder (-50). */
  readonly order: number = -50;
  /** Checks the losses that came back. */
  afterBatch(ctx: FitContext): void {
    const ls = ctx.losses;
    for (let i = 0; i < ls.length; i++) {
      const l = ls[i]!;
      if (!Number.isFinite(l.raw)) {
        ctx.losses = ls.slice(0, i);
        throw new CancelFit(
          `loss is ${l.raw} at batch ${l.iteration - 1} (epoch ${l.epoch}, phase ${l.phase})`,
        );
      }
    }
  }
}
