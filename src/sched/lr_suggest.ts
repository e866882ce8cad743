/**
 * fastai v2's LR-finder suggestions (`valley`, `steep`, `minimum`) on recorded lrs and smoothed losses.
 * @module
 */
import { checkOptions } from "../_options.ts";

import { show } from "./_values.ts";

/** A prepared LR-finder curve (see {@linkcode lrFinderCurve}). */
export interface LrCurve {
  /** The kept learning rates. */
  readonly lrs: readonly number[];
  /** The kept smoothed losses, one per lr. */
  readonly losses: readonly number[];
  /** How the curve was cut, for error messages. */
  readonly note: string;
}

/** One suggestion: the lr to use and the point to mark on the plot. */
export interface LrSuggestion {
  /** The suggested learning rate. */
  lr: number;
  /** The point of the curve to mark on the plot. */
  point: { lr: number; loss: number };
}

/** The names of the suggestion methods. */
export type SuggestionMethod = "valley" | "steep" | "minimum";

/**
 * Cuts a recorded LR-finder run as fastai v2's `lr_find` does: skips the first `floor(numIt/10)` and
 * the last 5 points, then truncates at the first NaN or infinite loss or lr.
 *
 * @example
 * ```ts
 * import { lrFinderCurve } from "./lr_suggest.ts";
 * const lrs = Array.from({ length: 100 }, (_, i) => 1e-7 * 1e8 ** (i / 99));
 * const losses = lrs.map((lr) => (Math.log10(lr) + 2) ** 2);
 * lrFinderCurve(lrs, losses).lrs.length; // 85
 * ```
 */
export function lrFinderCurve(
  lrs: readonly number[],
  losses: readonly number[],
  numIt: number = lrs.length,
): LrCurve {
  if (!isNumbers(lrs) || !isNumbers(losses)) {
    throw new TypeError(
      `Cannot prepare an LR-finder curve: expected arrays of numbers, got ${show(lrs)} and ${
        show(losses)
      }`,
    );
  }
  if (lrs.length !== losses.length) {
    throw new RangeError(
      `Cannot prepare an LR-finder curve: expected as many lrs as losses, got ${lrs.length} and ${losses.length}`,
    );
  }
  if (!Number.isInteger(numIt) || numIt < 0) {
    throw new RangeError(
      `Cannot prepare an LR-finder curve: expected an integer numIt >= 0, got ${show(numIt)}`,
    );
  }
  const from = Math.floor(numIt / 10);
  const to = Math.max(from, lrs.length - 5);
  let stop = to;
  for (let i = from; i < to; i++) {
    if (!Number.isFinite(losses[i]) || !Number.isFinite(lrs[i])) {
      stop = i;
      break;
    }
  }
  const note = `skipping the first ${from} and last 5 of ${lrs.length} recorded points` +
    (stop < to ? ` and truncating at the non-finite point ${stop}` : "");
  return { lrs: lrs.slice(from, stop), losses: losses.slice(from, stop), note };
}

function isNumbers(a: unknown): a is readonly number[] {
  return Array.isArray(a) && a.every((x) => typeof x === "number");
}

function need(curve: LrCurve, count: number, method: string): void {
  if (curve.lrs.length < count) {
    throw new RangeError(
      `Cannot suggest an lr with ${method}: expected at least ${count} finite point(s) after ${curve.note}, got ${curve.lrs.length}`,
    );
  }
}

/**
 * fastai's `valley`: about halfway down the longest decreasing run (longest decreasing subsequence,
 * O(n²)) of the losses. The index is clamped to the curve (fastai wraps a `-1` to the last point on
 * curves of 1 or 2 points).
 *
 * @example
 * ```ts
 * import { lrFinderCurve, valley } from "./lr_suggest.ts";
 * const lrs = Array.from({ length: 100 }, (_, i) => 1e-7 * 1e8 ** (i / 99));
 * valley(lrFinderCurve(lrs, lrs.map((lr) => (Math.log10(lr) + 2) ** 2))).lr;
 * ```
 */
export function valley(curve: LrCurve): LrSuggestion {
  need(curve, 1, "valley");
  const { lrs, losses } = curve;
  const n = losses.length;
  const lds = new Array<number>(n).fill(1);
  let maxStart = 0, maxEnd = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (losses[i]! < losses[j]! && lds[i]! < lds[j]! + 1) lds[i] = lds[j]! + 1;
      if (lds[maxEnd]! < lds[i]!) {
        maxEnd = i;
        maxStart = maxEnd - lds[maxEnd]!;
      }
    }
  }
  const sections = (maxEnd - maxStart) / 3;
  const idx = Math.min(
    n - 1,
    Math.max(0, maxStart + Math.trunc(sections) + Math.trunc(sections / 2)),
  );
  const lr = lrs[idx]!, loss = losses[idx]!;
  return { lr, point: { lr, loss } };
}

/**
 * fastai's `steep`: the lr where the loss falls fastest in `log(lr)` (the left point of the steepest
 * segment). Needs 2 points and lrs > 0.
 *
 * @example
 * ```ts
 * import { steep } from "./lr_suggest.ts";
 * steep({ lrs: [1e-3, 1e-2, 1e-1], losses: [2, 1, 0.9], note: "" }).lr; // 0.001
 * ```
 */
export function steep(curve: LrCurve): LrSuggestion {
  need(curve, 2, "steep");
  const { lrs, losses } = curve;
  const bad = lrs.findIndex((lr) => !(lr > 0));
  if (bad >= 0) {
    throw new RangeError(
      `Cannot suggest an lr with steep: expected lrs > 0 (log scale), got ${lrs[bad]} at ${bad}`,
    );
  }
  let idx = -1, best = Infinity;
  for (let i = 0; i + 1 < lrs.length; i++) {
    const g = (losses[i + 1]! - losses[i]!) / (Math.log(lrs[i + 1]!) - Math.log(lrs[i]!));
    if (g < best) {
      best = g;
      idx = i;
    }
  }
  if (idx < 0) {
    throw new RangeError(
      `Cannot suggest an lr with steep: expected distinct lrs giving a finite slope, got ${
        show(lrs)
      }`,
    );
  }
  const lr = lrs[idx]!, loss = losses[idx]!;
  return { lr, point: { lr, loss } };
}

/**
 * fastai's `minimum`: one tenth of the lr at the lowest loss; the plotted point is at that lr itself.
 *
 * @example
 * ```ts
 * import { minimum } from "./lr_suggest.ts";
 * minimum({ lrs: [1e-3, 1e-2, 1e-1], losses: [2, 1, 3], note: "" }); // { lr: 1e-3, point: { lr: 1e-2, loss: 1 } }
 * ```
 */
export function minimum(curve: LrCurve): LrSuggestion {
  need(curve, 1, "minimum");
  const { lrs, losses } = curve;
  let idx = 0;
  for (let i = 1; i < losses.length; i++) if (losses[i]! < losses[idx]!) idx = i;
  const lr = lrs[idx]!, loss = losses[idx]!;
  return { lr: lr / 10, point: { lr, loss } };
}

const METHODS = { valley, steep, minimum } as const;

/**
 * Prepares a recorded run ({@linkcode lrFinderCurve}) and applies the given methods (default valley).
 *
 * @example
 * ```ts
 * import { suggestLrs } from "./lr_suggest.ts";
 * const lrs = Array.from({ length: 100 }, (_, i) => 1e-7 * 1e8 ** (i / 99));
 * const s = suggestLrs(lrs, lrs.map((lr) => (Math.log10(lr) + 2) ** 2), { methods: ["valley", "minimum"] });
 * s.minimum?.point.lr; // close to 1e-2
 * ```
 */
export function suggestLrs(
  lrs: readonly number[],
  losses: readonly number[],
  options: { numIt?: number; methods?: readonly SuggestionMethod[] } = {},
): Partial<Record<SuggestionMethod, LrSuggestion>> {
  checkOptions("suggestLrs", options, { numIt: "number", methods: "array" });
  const curve = lrFinderCurve(lrs, losses, options.numIt ?? lrs.length);
  const out: Partial<Record<SuggestionMethod, LrSuggestion>> = {};
  for (const m of options.methods ?? ["valley"]) {
    if (!Object.hasOwn(METHODS, m)) {
      throw new TypeError(
        `Cannot suggest an lr: expected valley, steep or minimum, got ${show(m)}`,
      );
    }
    out[m] = METHODS[m](curve);
  }
  return out;
}
