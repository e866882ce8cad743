/**
 * `SaveModel`: fastai's `SaveModelCallback` — saves the learner (model and optimizer) when the
 * monitored value improves, or after every epoch, with `learn.save` (a `.safetensors` path writes
 * PyTorch's format); at the end of the fit the best weights are put back (fastai does the same).
 * Saving reads the weights back once per save: an epoch-end cost, never a per-batch one.
 * @module
 */
import { checkOptions } from "../../_options.ts";
import type { Callback, FitContext } from "../callback.ts";
import { SAVE_MODEL_SPEC } from "./_specs.ts";
import { improves, modeOf, monitored } from "./_monitor.ts";
import type { Snapshot } from "../learner.ts";

/** Options of {@linkcode SaveModel}. */
export interface SaveModelOptions {
  /** The file; with `every: "epoch"`, `{epoch}` in it is replaced (else `_<epoch>` goes before the extension). */
  path: string | URL;
  /** `valLoss` (default), `trnLoss` or a metric's name. */
  monitor?: string;
  /** `best` (default): when the monitored value improves; `epoch`: after every epoch. */
  every?: "best" | "epoch";
  /** `min` or `max` is better. Default: `min` for a name with "loss", else `max`. */
  mode?: "min" | "max";
  /** With `every: "best"`, put the best weights back at the end of the fit. Default true. */
  restoreBest?: boolean;
}

/** The path of epoch `e` for `every: "epoch"`. */
export function epochPath(path: string | URL, e: number): string | URL {
  if (path instanceof URL) return new URL(String(epochPath(path.href, e)));
  if (path.includes("{epoch}")) return path.replaceAll("{epoch}", String(e));
  const dot = path.lastIndexOf("."),
    slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return dot > slash + 1 ? `${path.slice(0, dot)}_${e}${path.slice(dot)}` : `${path}_${e}`;
}

/**
 * Saves the best (or every) epoch's model and optimizer.
 *
 * @example
 * ```ts ignore
 * const best = new SaveModel({ path: "best.safetensors", monitor: "accuracy" });
 * await learn.fitOptSched(phases, { callbacks: [best] });
 * best.bestEpoch; // the epoch whose weights the learner now has
 * ```
 */
export class SaveModel implements Callback {
  /** After the validation and early stopping's decision. */
  readonly order: number = 70;
  /** Where it saves. */
  readonly path: string | URL;
  /** What is monitored. */
  readonly monitor: string;
  /** `best` or `epoch`. */
  readonly every: "best" | "epoch";
  /** Whether lower or higher is better. */
  readonly mode: "min" | "max";
  /** Whether the best weights are put back at the end. */
  readonly restoreBest: boolean;
  #best = NaN;
  #bestEpoch = -1;
  #snap: Snapshot | null = null;

  /**
   * Checks the options.
   * @throws {TypeError} On an unknown option, a wrong kind or no `path`.
   */
  constructor(options: SaveModelOptions) {
    checkOptions("SaveModel", options ?? null, SAVE_MODEL_SPEC);
    if (options.path === undefined) {
      throw new TypeError("Cannot use SaveModel: expected a path (string or URL), got none");
    }
    this.path = options.path;
    this.monitor = options.monitor ?? "valLoss";
    this.every = options.every ?? "best";
    this.mode = options.mode ?? modeOf(this.monitor);
    this.restoreBest = options.restoreBest ?? true;
  }

  /** The best value seen in the last fit (`NaN` before one). */
  get best(): number {
    return this.#best;
  }

  /** The epoch of the best value (-1 before one). */
  get bestEpoch(): number {
    return this.#bestEpoch;
  }

  /** Forgets the best value. */
  beforeFit(): void {
    this.#best = this.mode === "min" ? Infinity : -Infinity;
    this.#bestEpoch = -1;
    this.#snap = null;
  }

  /** Saves when due. */
  async afterEpoch(ctx: FitContext): Promise<void> {
    if (this.every === "epoch") {
      await ctx.learner.save(`epoch_${ctx.epoch}`, { path: epochPath(this.path, ctx.epoch) });
      return;
    }
    const v = monitored(ctx, this.monitor);
    if (!improves(v, this.#best, this.mode, 0)) return;
    this.#best = v;
    this.#bestEpoch = ctx.epoch;
    await ctx.learner.save("best", { path: this.path });
    if (this.restoreBest) this.#snap = await ctx.learner.snapshot();
  }

  /** Puts the best weights back (with `every: "best"` and `restoreBest`). */
  async afterFit(ctx: FitContext): Promise<void> {
    if (this.#snap) await ctx.learner.restore(this.#snap);
    this.#snap = null;
  }
}
