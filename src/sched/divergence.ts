/**
 * The `stopDiv` rule: stop training when the (smoothed) loss diverges.
 * @module
 */
import { checkOptions } from "../_options.ts";
import { STOP_DIV_SPEC } from "./_specs.ts";

/** Options of {@linkcode DivergenceDetector}. */
export interface StopDivOptions {
  /** Stop when the loss is more than `factor` times the best (for a positive best); `> 1`. Default 4. */
  factor?: number;
  /**
   * Batches seen before the best loss is tracked; integer >= 0. Default 0: the best is tracked from
   * the first batch, as fastai (`if iteration == 0 or loss < best: best = loss`), so a loss going
   * 2.4 -> 1e22 in two batches stops the run.
   */
  minIters?: number;
  /**
   * Lower bound on the scale `|best|` used by the threshold, so that a best of exactly 0 does not stop
   * training on the smallest increase; `>= 0`. Default 0 (fastai's behaviour for positive losses).
   */
  minMargin?: number;
}

/**
 * fastai's `stop_div` rule, made correct for losses that can be negative or zero.
 *
 * It fires (returns a reason) when the loss is NaN or +/-Infinity, or when
 * `loss - best > (factor - 1) * max(|best|, minMargin)`, `best` being the lowest loss seen (after the
 * first `minIters` batches, by default from the first). For a positive best this is exactly fastai's `loss > factor * best`; for a
 * negative best (e.g. best -2, factor 4) it fires above `-2 + 3*2 = 4`, where fastai's `loss > 4*best`
 * (`loss > -8`) would fire on any normal loss. Feed it the smoothed loss, as fastai does.
 *
 * @example
 * ```ts
 * import { DivergenceDetector } from "./divergence.ts";
 * const stop = new DivergenceDetector({ factor: 4 });
 * stop.update(1); // undefined
 * stop.update(5); // "loss 5 at batch 1 is above the divergence threshold 4 (best 1, factor 4)"
 * ```
 */
export class DivergenceDetector {
  /** Divergence factor, > 1 (fastai's `loss > factor * best` for a positive best). */
  readonly factor: number;
  /** Batches seen before the best loss is tracked. */
  readonly minIters: number;
  /** Lower bound on the scale `|best|` used by the threshold. */
  readonly minMargin: number;
  #best = Infinity;
  #iteration = 0;

  /**
   * Creates a detector with no best loss yet.
   *
   * @param options `factor` (default 4), `minIters` (default 0) and `minMargin` (default 0).
   * @throws {RangeError} On a factor that is not finite and > 1, a minIters that is not an integer
   *   >= 0, or a negative minMargin.
   */
  constructor(options: StopDivOptions = {}) {
    checkOptions("DivergenceDetector", options, STOP_DIV_SPEC);
    const { factor = 4, minIters = 0, minMargin = 0 } = options;
    if (typeof factor !== "number" || !Number.isFinite(factor) || factor <= 1) {
      throw new RangeError(
        `Cannot build a DivergenceDetector: expected a finite factor > 1, got ${String(factor)}`,
      );
    }
    if (!Number.isInteger(minIters) || minIters < 0) {
      throw new RangeError(
        `Cannot build a DivergenceDetector: expected an integer minIters >= 0, got ${
          String(minIters)
        }`,
      );
    }
    if (typeof minMargin !== "number" || !Number.isFinite(minMargin) || minMargin < 0) {
      throw new RangeError(
        `Cannot build a DivergenceDetector: expected a finite minMargin >= 0, got ${
          String(minMargin)
        }`,
      );
    }
    this.factor = factor;
    this.minIters = minIters;
    this.minMargin = minMargin;
  }

  /** Lowest loss tracked so far (`Infinity` before batch `minIters`). */
  get best(): number {
    return this.#best;
  }

  /** Number of losses seen. */
  get iteration(): number {
    return this.#iteration;
  }

  /** The loss above which {@linkcode update} fires (`Infinity` while no best is tracked). */
  get threshold(): number {
    if (!Number.isFinite(this.#best)) return Infinity;
    return this.#best + (this.factor - 1) * Math.max(Math.abs(this.#best), this.minMargin);
  }

  /** Checks one loss; returns why training should stop, or `undefined` to go on. */
  update(loss: number): string | undefined {
    if (typeof loss !== "number") {
      throw new TypeError(`Cannot check divergence: expected a number, got ${String(loss)}`);
    }
    const i = this.#iteration++;
    if (Number.isNaN(loss)) return `loss is NaN at batch ${i}`;
    if (!Number.isFinite(loss)) return `loss is ${loss} at batch ${i}`;
    const threshold = this.threshold;
    if (loss > threshold) {
      return `loss ${loss} at batch ${i} is above the divergence threshold ${threshold} (best ${this.#best}, factor ${this.factor})`;
    }
    if (i >= this.minIters && loss < this.#best) this.#best = loss;
    return undefined;
  }

  /** Forgets the best loss and the batch count. */
  reset(): void {
    this.#best = Infinity;
    this.#iteration = 0;
  }
}
