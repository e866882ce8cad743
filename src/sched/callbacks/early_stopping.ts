/**
 * `EarlyStopping`: fastai's `EarlyStoppingCallback` — ends the fit when a monitored value has not
 * improved for `patience` epochs. It reads values the epoch end already has (no readback).
 * @module
 */
import { checkOptions } from "../../_options.ts";
import { type Callback, CancelFit, type FitContext } from "../callback.ts";
import { EARLY_STOPPING_SPEC } from "./_specs.ts";
import { improves, modeOf, monitored } from "./_monitor.ts";

/** Options of {@linkcode EarlyStopping}. */
export interface EarlyStoppingOptions {
  /** `valLoss` (default), `trnLoss` or a metric's name. */
  monitor?: string;
  /** Epochs without improvement before stopping, integer >= 1 (fastai's `wait >= patience`). Default 1. */
  patience?: number;
  /** The least change that counts as an improvement, >= 0. Default 0. */
  minDelta?: number;
  /** `min` or `max` is better. Default: `min` for a name with "loss", else `max`. */
  mode?: "min" | "max";
}

/**
 * Ends the fit (`{ stopped: true, reason }`) after `patience` epochs without improvement.
 *
 * @example
 * ```ts ignore
 * await learn.fitOptSched(phases, { callbacks: [new EarlyStopping({ monitor: "accuracy", patience: 2 })] });
 * ```
 */
export class EarlyStopping implements Callback {
  /** After the validation and the recorder. */
  readonly order: number = 60;
  /** What is monitored. */
  readonly monitor: string;
  /** Epochs without improvement before stopping. */
  readonly patience: number;
  /** The least improvement. */
  readonly minDelta: number;
  /** Whether lower or higher is better. */
  readonly mode: "min" | "max";
  #best = NaN;
  #bestEpoch = -1;
  #wait = 0;

  /**
   * Checks the options.
   *
   * @throws {TypeError} On an unknown option or a wrong kind.
   * @throws {RangeError} On a patience < 1 or minDelta.
   */
  constructor(options: EarlyStoppingOptions = {}) {
    checkOptions("EarlyStopping", options, EARLY_STOPPING_SPEC);
    this.monitor = options.monitor ?? "valLoss";
    this.patience = options.patience ?? 1;
    this.minDelta = options.minDelta ?? 0;
    this.mode = options.mode ?? modeOf(this.monitor);
    if (this.patience < 1) {
      throw new RangeError(
        `Cannot use EarlyStopping: expected patience >= 1, got ${this.patience}`,
      );
    }
    if (!(this.minDelta >= 0)) {
      throw new RangeError(
        `Cannot use EarlyStopping: expected minDelta >= 0, got ${this.minDelta}`,
      );
    }
  }

  /** Forgets the best value. */
  beforeFit(): void {
    this.#best = this.mode === "min" ? Infinity : -Infinity;
    this.#bestEpoch = -1;
    this.#wait = 0;
  }

  /** Compares the epoch's value with the best. */
  afterEpoch(ctx: FitContext): void {
    const v = monitored(ctx, this.monitor);
    if (improves(v, this.#best, this.mode, this.minDelta)) {
      this.#best = v;
      this.#bestEpoch = ctx.epoch;
      this.#wait = 0;
      return;
    }
    if (++this.#wait >= this.patience) {
      throw new CancelFit(
        `EarlyStopping: ${this.monitor} did not improve for ${this.#wait} epochs (best ${this.#best} at epoch ${this.#bestEpoch}, epoch ${ctx.epoch} gave ${v})`,
      );
    }
  }
}
