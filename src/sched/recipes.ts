/**
 * Ready-made phase lists: SGDR and 1cycle as in the TrainingPhase notebook, and fastai v2's
 * `fit_one_cycle` schedule.
 * @module
 */

import { DecayType } from "./decay_type.ts";
import { TrainingPhase } from "./training_phase.ts";
import { show, toVec, zipWith } from "./_values.ts";
import type { GroupValues, OptimizerFactory } from "./types.ts";
import { SGD } from "../optim/mod.ts";
import { checkOptions } from "../_options.ts";
import { ONE_CYCLE_NOTEBOOK_SPEC, ONE_CYCLE_SPEC, SGDR_SPEC } from "./_specs.ts";

function positive(v: unknown, what: string, allowZero = false): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new RangeError(
      `Cannot use ${what}: expected a finite number ${allowZero ? ">=" : ">"} 0, got ${show(v)}`,
    );
  }
  return v;
}

/** `options` itself; a `TypeError` when it is missing (these recipes have required options). */
function required<T>(options: T, what: string): T {
  if (options === undefined) {
    throw new TypeError(`Cannot use ${what}: expected an options object, got undefined`);
  }
  return options;
}

function scale(lr: GroupValues, f: (x: number) => number, what: string): number | Float64Array {
  return zipWith([toVec(lr, what, { min: 0 })], ([x]) => f(x), what);
}

/** Options of {@linkcode phasesSgdr}. */
export interface SgdrOptions {
  /** Maximal lr(s) of each cycle (scalar or per group). */
  lr: GroupValues;
  /** Optimizer of every phase: an optimizer class such as `SGD`, or `{ optimizerName }`. */
  optimizer: OptimizerFactory;
  /** Number of cycles, an integer >= 1. */
  numCycles: number;
  /** Length in epochs of the first cycle, > 0. */
  cycleLen: number;
  /** Each cycle is `cycleMult` times longer than the previous one, > 0. */
  cycleMult: number;
}

/**
 * SGDR as in the notebook: a warm-up at `lr/100` for `cycleLen/20` epochs, a cosine from `lr` to 0 over
 * the remaining `cycleLen*19/20`, then cycles `i = 1..numCycles-1` of `cycleLen*cycleMult^i` epochs,
 * each a cosine from `lr` to 0.
 *
 * @example
 * ```ts
 * import { phasesSgdr } from "./recipes.ts";
 * const phases = phasesSgdr({ lr: 1e-2, optimizer: { optimizerName: "SGD" }, numCycles: 3, cycleLen: 1, cycleMult: 2 });
 * phases.map((p) => p.epochs); // [0.05, 0.95, 2, 4]
 * ```
 */
export function phasesSgdr(options: SgdrOptions): TrainingPhase[] {
  checkOptions("phasesSgdr", required(options, "phasesSgdr"), SGDR_SPEC);
  const { lr, optimizer, numCycles, cycleLen, cycleMult } = options;
  if (!Number.isInteger(numCycles) || numCycles < 1) {
    throw new RangeError(
      `Cannot use phasesSgdr numCycles: expected an integer >= 1, got ${show(numCycles)}`,
    );
  }
  positive(cycleLen, "phasesSgdr cycleLen");
  positive(cycleMult, "phasesSgdr cycleMult");
  const lrs = toVec(lr, "phasesSgdr lr", { min: 0 });
  const phases = [
    new TrainingPhase({
      epochs: cycleLen / 20,
      optimizer,
      lr: scale(lrs, (x) => x / 100, "phasesSgdr lr"),
    }),
    new TrainingPhase({
      epochs: cycleLen * 19 / 20,
      optimizer,
      lr: lrs,
      lrDecay: DecayType.COSINE,
    }),
  ];
  for (let i = 1; i < numCycles; i++) {
    phases.push(
      new TrainingPhase({
        epochs: cycleLen * cycleMult ** i,
        optimizer,
        lr: lrs,
        lrDecay: DecayType.COSINE,
      }),
    );
  }
  return phases;
}

/** Options of {@linkcode phases1cycle} (the notebook's arguments). */
export interface OneCycleNotebookOptions {
  /** Total length in epochs, > 0. */
  cycleLen: number;
  /** Maximal lr(s). */
  lr: GroupValues;
  /** The lr goes from `lr/div` to `lr` and back, > 0. */
  div: number;
  /** Percentage of the epochs kept for the final annealing, in [0, 100). */
  pct: number;
  /** Momentum at both ends of the cycle, in [0, 1). */
  maxMom: number;
  /** Momentum at the top of the lr, in [0, 1). */
  minMom: number;
  /** Default `SGD` (from `src/optim`), as the notebook. */
  optimizer?: OptimizerFactory;
}

/**
 * Leslie Smith's 1cycle exactly as the notebook's `phases_1cycle`: with `tri = (1 - pct/100)*cycleLen`,
 * `tri/2` epochs linear from `lr/div` to `lr` (momentum `maxMom` to `minMom`), `tri/2` back (momentum
 * back up), then `cycleLen - tri` epochs linear from `lr/div` to `lr/(100*div)` at `maxMom`.
 * With `pct = 0` the annealing phase is left out (it would last 0 epochs).
 *
 * @example
 * ```ts
 * import { phases1cycle } from "./recipes.ts";
 * const phases = phases1cycle({ cycleLen: 3, lr: 1e-2, div: 10, pct: 10, maxMom: 0.95, minMom: 0.85 });
 * phases.map((p) => p.epochs); // [1.35, 1.35, 0.3] (up to float rounding)
 * ```
 */
export function phases1cycle(options: OneCycleNotebookOptions): TrainingPhase[] {
  checkOptions("phases1cycle", required(options, "phases1cycle"), ONE_CYCLE_NOTEBOOK_SPEC);
  const { cycleLen, lr, div, pct, maxMom, minMom, optimizer = SGD } = options;
  positive(cycleLen, "phases1cycle cycleLen");
  positive(div, "phases1cycle div");
  if (typeof pct !== "number" || !(pct >= 0 && pct < 100)) {
    throw new RangeError(
      `Cannot use phases1cycle pct: expected a percentage in [0, 100), got ${show(pct)}`,
    );
  }
  const lrs = toVec(lr, "phases1cycle lr", { min: 0 });
  const low = scale(lrs, (x) => x / div, "phases1cycle lr");
  const tri = (1 - pct / 100) * cycleLen;
  const phases = [
    new TrainingPhase({
      epochs: tri / 2,
      optimizer,
      lr: { start: low, end: lrs },
      lrDecay: DecayType.LINEAR,
      momentum: { start: maxMom, end: minMom },
      momentumDecay: DecayType.LINEAR,
    }),
    new TrainingPhase({
      epochs: tri / 2,
      optimizer,
      lr: { start: lrs, end: low },
      lrDecay: DecayType.LINEAR,
      momentum: { start: minMom, end: maxMom },
      momentumDecay: DecayType.LINEAR,
    }),
  ];
  if (pct > 0) {
    phases.push(
      new TrainingPhase({
        epochs: cycleLen - tri,
        optimizer,
        lr: { start: low, end: scale(lrs, (x) => x / (100 * div), "phases1cycle lr") },
        lrDecay: DecayType.LINEAR,
        momentum: maxMom,
      }),
    );
  }
  return phases;
}

/** Options of {@linkcode oneCyclePhases} (fastai v2 `fit_one_cycle`). */
export interface OneCycleOptions {
  /** Total epochs, > 0. */
  epochs: number;
  /** Maximal lr(s). */
  lrMax: GroupValues;
  /** Start lr is `lrMax/div`, > 0. Default 25. */
  div?: number;
  /** Final lr is `lrMax/divFinal`, > 0. Default 1e5. */
  divFinal?: number;
  /** Fraction of the epochs spent warming up, in (0, 1). Default 0.25. */
  pctStart?: number;
  /** Momentum at the start, the top and the end. Default `[0.95, 0.85, 0.95]`. */
  moms?: readonly [number, number, number];
  /** Optimizer of both phases: an optimizer class such as `SGD`, or `{ optimizerName }`. */
  optimizer: OptimizerFactory;
  /** Weight decay(s) for both phases (undefined keeps the optimizer's). */
  wds?: GroupValues;
  /** Weight-decay mode for both phases (undefined keeps the current mode). */
  wdLoss?: boolean;
}

/**
 * fastai v2's `fit_one_cycle` schedule as two COSINE phases: `epochs*pctStart` from `lrMax/div` to
 * `lrMax` (momentum `moms[0]` to `moms[1]`), then the rest from `lrMax` to `lrMax/divFinal` (momentum
 * `moms[1]` to `moms[2]`). Identical to v2 when `epochs*nbBatches*pctStart` is a whole number of
 * batches; otherwise the second phase starts at the rounded-up batch with `it = 0` where v2 would
 * use the fractional position.
 *
 * @example
 * ```ts
 * import { oneCyclePhases } from "./recipes.ts";
 * const phases = oneCyclePhases({ epochs: 4, lrMax: 1e-3, optimizer: { optimizerName: "Adam" } });
 * phases.map((p) => p.epochs); // [1, 3]
 * ```
 */
export function oneCyclePhases(options: OneCycleOptions): TrainingPhase[] {
  checkOptions("oneCyclePhases", required(options, "oneCyclePhases"), ONE_CYCLE_SPEC);
  const { epochs, lrMax, div = 25, divFinal = 1e5, pctStart = 0.25, optimizer, wds, wdLoss } =
    options;
  const moms = options.moms ?? [0.95, 0.85, 0.95];
  positive(epochs, "oneCyclePhases epochs");
  positive(div, "oneCyclePhases div");
  positive(divFinal, "oneCyclePhases divFinal");
  if (typeof pctStart !== "number" || !(pctStart > 0 && pctStart < 1)) {
    throw new RangeError(
      `Cannot use oneCyclePhases pctStart: expected a fraction in (0, 1), got ${show(pctStart)}`,
    );
  }
  if (!Array.isArray(moms) || moms.length !== 3) {
    throw new TypeError(
      `Cannot use oneCyclePhases moms: expected 3 momentums [start, top, end], got ${show(moms)}`,
    );
  }
  const lrs = toVec(lrMax, "oneCyclePhases lrMax", { min: 0 });
  const common = {
    optimizer,
    lrDecay: DecayType.COSINE,
    momentumDecay: DecayType.COSINE,
    wds,
    wdLoss,
  };
  return [
    new TrainingPhase({
      ...common,
      epochs: epochs * pctStart,
      lr: { start: scale(lrs, (x) => x / div, "oneCyclePhases lrMax"), end: lrs },
      momentum: { start: moms[0], end: moms[1] },
    }),
    new TrainingPhase({
      ...common,
      epochs: epochs * (1 - pctStart),
      lr: { start: lrs, end: scale(lrs, (x) => x / divFinal, "oneCyclePhases lrMax") },
      momentum: { start: moms[1], end: moms[2] },
    }),
  ];
}
