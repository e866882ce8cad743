/**
 * `DivergenceGuard`: beyond fastai's `stop_div` — when the loss diverges (NaN, infinite, or the
 * smoothed loss above `factor` times its best), the weights go back to the last copy known good and
 * every lr is multiplied by `lrFactor` from then on; the fit goes on.
 *
 * GPU discipline: every `every` batches the parameters are copied into one of three GPU backup
 * slots (GPU copies, buffers made once in `beforeFit`); the lagged losses tell which copy is good (a
 * copy taken after batch `b` is good when the loss of batch `b + 1`, computed from it, is fine).
 * Losses of batches trained from the bad weights are dropped from `ctx.losses` (the recorder,
 * `TerminateOnNaN` and `stopDiv` do not see them). Not restored: the optimizer state (momentum,
 * Adam moments), which keeps its values. Memory: three copies of the parameters.
 * @module
 */
import { device, type Tensor, zeros } from "../../tensor/mod.ts";
import { checkOptions } from "../../_options.ts";
import { type Callback, CancelFit, type FitContext } from "../callback.ts";
import { DivergenceDetector } from "../divergence.ts";
import { SmoothLoss } from "../smooth_loss.ts";
import { DIVERGENCE_GUARD_SPEC } from "./_specs.ts";

/** Options of {@linkcode DivergenceGuard}. */
export interface DivergenceGuardOptions {
  /** Divergence when the smoothed loss exceeds `factor` times its best (> 1). Default 4. */
  factor?: number;
  /** The lr factor applied at each rollback, in (0, 1). Default 0.1. */
  lrFactor?: number;
  /** Batches between weight copies (integer >= 1). Default 16. */
  every?: number;
  /** Rollbacks allowed before the fit stops (integer >= 0). Default 3. */
  maxRollbacks?: number;
}

/**
 * Rolls back to the last good weights and lowers the lr when the loss diverges.
 *
 * @example
 * ```ts ignore
 * await learn.fitOptSched(phases, { callbacks: [new DivergenceGuard({ lrFactor: 0.1 })] });
 * ```
 */
export class DivergenceGuard implements Callback {
  /** Before TerminateOnNaN and stopDiv, which then see only the good losses. */
  readonly order: number = -60;
  /** Divergence factor. */
  readonly factor: number;
  /** lr factor per rollback. */
  readonly lrFactor: number;
  /** Batches between copies. */
  readonly every: number;
  /** Rollbacks allowed. */
  readonly maxRollbacks: number;
  /** The rollbacks of the last fit: the first bad batch (1-based) and the batch restored. */
  readonly rollbacks: { diverged: number; restored: number }[] = [];
  #params: Tensor[] = [];
  #slots: { at: number; copies: Tensor[] }[] = [];
  #next = 0;
  #ignoreUntil = 0;
  #smooth = new SmoothLoss();
  #detector: DivergenceDetector;

  /**
   * Checks the options.
   *
   * @throws {TypeError} On an unknown option or a wrong kind.
   * @throws {RangeError} On a factor <= 1, an lrFactor outside (0, 1), every < 1 or maxRollbacks < 0.
   */
  constructor(options: DivergenceGuardOptions = {}) {
    checkOptions("DivergenceGuard", options, DIVERGENCE_GUARD_SPEC);
    this.factor = options.factor ?? 4;
    this.lrFactor = options.lrFactor ?? 0.1;
    this.every = options.every ?? 16;
    this.maxRollbacks = options.maxRollbacks ?? 3;
    if (!(this.lrFactor > 0 && this.lrFactor < 1)) {
      throw new RangeError(
        `Cannot use DivergenceGuard: expected lrFactor in (0, 1), got ${this.lrFactor}`,
      );
    }
    if (this.every < 1 || this.maxRollbacks < 0) {
      throw new RangeError(
        `Cannot use DivergenceGuard: expected every >= 1 and maxRollbacks >= 0, got ${this.every} and ${this.maxRollbacks}`,
      );
    }
    this.#detector = new DivergenceDetector({ factor: this.factor });
  }

  /** Makes the backup slots; the first holds the starting weights. */
  beforeFit(ctx: FitContext): void {
    this.#free();
    this.rollbacks.length = 0;
    this.#params = ctx.learner.layerGroups().flat();
    this.#slots = [0, 1, 2].map(() => ({
      at: -1,
      copies: this.#params.map((p) => zeros(p.shape)),
    }));
    this.#next = 0;
    this.#ignoreUntil = 0;
    this.#smooth.reset();
    this.#detector.reset();
    this.#backup(ctx.iteration);
  }

  #backup(at: number): void {
    const s = this.#slots[this.#next]!;
    this.#next = (this.#next + 1) % this.#slots.length;
    const d = device();
    this.#params.forEach((p, i) => d.copy(p.buffer, 0, s.copies[i]!.buffer, 0, p.size * 4));
    s.at = at;
  }

  /** Checks the lagged losses; rolls back on divergence; copies the weights when due. */
  afterBatch(ctx: FitContext): void {
    const ls = ctx.losses.filter((l) => l.iteration > this.#ignoreUntil);
    for (let i = 0; i < ls.length; i++) {
      const l = ls[i]!;
      const bad = !Number.isFinite(l.raw) ||
        this.#detector.update(this.#smooth.add(l.raw)) !== undefined;
      if (!bad) continue;
      ctx.losses = ls.slice(0, i);
      this.#rollback(ctx, l.iteration);
      return;
    }
    ctx.losses = ls.length === ctx.losses.length ? ctx.losses : ls;
    if (ctx.iteration % this.every === 0) this.#backup(ctx.iteration);
  }

  #rollback(ctx: FitContext, diverged: number): void {
    // the weights after batch b gave the loss of batch b + 1, the first bad one is `diverged`
    const good =
      this.#slots.filter((s) => s.at >= 0 && s.at + 1 < diverged).sort((a, b) => b.at - a.at)[0];
    if (!good || this.rollbacks.length >= this.maxRollbacks) {
      throw new CancelFit(
        `DivergenceGuard: the loss diverged at batch ${diverged - 1} ${
          good ? `after ${this.rollbacks.length} rollbacks` : "and no good weights were kept"
        }`,
      );
    }
    const d = device();
    this.#params.forEach((p, i) => d.copy(good.copies[i]!.buffer, 0, p.buffer, 0, p.size * 4));
    for (const s of this.#slots) if (s.at >= good.at && s !== good) s.at = -1;
    this.rollbacks.push({ diverged, restored: good.at });
    ctx.lrScale *= this.lrFactor;
    this.#ignoreUntil = ctx.iteration;
    this.#smooth.reset();
    this.#detector.reset();
  }

  #free(): void {
    for (const s of this.#slots) for (const t of s.copies) t.dispose();
    this.#slots = [];
  }

  /** Frees the backups. */
  afterFit(): void {
    this.#free();
  }
}
