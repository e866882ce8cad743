/**
 * fastai's debiased exponential moving average of the training loss.
 * @module
 */
import { ANY, checkOptions } from "../_options.ts";

/**
 * Debiased exponential average: `avg = beta*avg + (1-beta)*loss`, value `avg / (1 - beta^count)`
 * (fastai v0.7 `fit` and v2 `AvgSmoothLoss`). A NaN loss makes every later value NaN, as in fastai.
 *
 * @example
 * ```ts
 * import { SmoothLoss } from "./smooth_loss.ts";
 * const s = new SmoothLoss();
 * s.add(2); // 2 (the first value is the loss itself)
 * s.add(1); // (0.98*0.02*2 + 0.02*1) / (1 - 0.98**2)
 * ```
 */
export class SmoothLoss {
  /** Smoothing factor in [0, 1). */
  readonly beta: number;
  #avg = 0;
  #count = 0;

  /**
   * Creates an empty average.
   *
   * @param options `beta`, the smoothing factor in [0, 1) (default 0.98).
   * @throws {RangeError} When `beta` is outside [0, 1).
   */
  constructor(options: { beta?: number } = {}) {
    checkOptions("SmoothLoss", options, { beta: ANY });
    const beta = options.beta ?? 0.98;
    if (typeof beta !== "number" || !(beta >= 0 && beta < 1)) {
      throw new RangeError(
        `Cannot build a SmoothLoss: expected beta in [0, 1), got ${String(beta)}`,
      );
    }
    this.beta = beta;
  }

  /** Number of losses added since the last reset. */
  get count(): number {
    return this.#count;
  }

  /** The debiased average (NaN before the first loss). */
  get value(): number {
    return this.#count === 0 ? NaN : this.#avg / (1 - this.beta ** this.#count);
  }

  /** Adds one raw loss and returns the new debiased value. */
  add(loss: number): number {
    if (typeof loss !== "number") {
      throw new TypeError(`Cannot smooth a loss: expected a number, got ${String(loss)}`);
    }
    this.#count++;
    this.#avg = this.beta * this.#avg + (1 - this.beta) * loss;
    return this.value;
  }

  /** The running state (to save with a resumable checkpoint). */
  state(): { avg: number; count: number } {
    return { avg: this.#avg, count: this.#count };
  }

  /** Restores what {@linkcode SmoothLoss.state} gave. */
  setState(s: { avg: number; count: number }): void {
    if (typeof s?.avg !== "number" || !Number.isInteger(s?.count) || s.count < 0) {
      throw new TypeError(
        `Cannot restore a SmoothLoss: expected { avg, count }, got ${JSON.stringify(s)}`,
      );
    }
    this.#avg = s.avg;
    this.#count = s.count;
  }

  /** Forgets every loss (fastai resets at the start of a fit). */
  reset(): void {
    this.#avg = 0;
    this.#count = 0;
  }
}

/**
 * The debiased smoothed values of a whole series of raw losses.
 *
 * @example
 * ```ts
 * import { smoothLosses } from "./smooth_loss.ts";
 * smoothLosses([3, 3, 3]); // [3, 3, 3]
 * ```
 */
export function smoothLosses(losses: readonly number[], beta = 0.98): number[] {
  const s = new SmoothLoss({ beta });
  return losses.map((l) => s.add(l));
}
