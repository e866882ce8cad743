/**
 * The batch plan of a list of phases (fastai v0.7 `fit_opt_sched` timing, fixed) and the pure lookup
 * of every hyperparameter at a global batch.
 * @module
 */
import { checkOptions } from "../_options.ts";
import { SCHEDULE_SPEC } from "./_specs.ts";

import { broadcast, show } from "./_values.ts";
import { type EpochEnd, epochEnds } from "./epoch_ends.ts";
import { TrainingPhase } from "./training_phase.ts";

/** Options of {@linkcode planSchedule}. */
export interface ScheduleOptions {
  /** Batches per epoch of each phase's data: one number for all phases, or one per phase. */
  nbBatches: number | readonly number[];
  /** Number of layer groups of the optimizer (per-group values must have 1 or this many entries). */
  groupCount: number;
  /**
   * Identity of each phase's data (e.g. the data objects), compared with `Object.is`, used for the
   * epoch ends. Default: all phases share one data when `nbBatches` is a number; with an array,
   * consecutive phases with equal batch counts are taken as the same data.
   */
  dataKeys?: readonly unknown[];
}

/** The plan of one phase. */
export interface PhasePlan {
  /** Index of the phase. */
  readonly index: number;
  /** The phase itself. */
  readonly phase: TrainingPhase;
  /** Batches per epoch of the phase's data. */
  readonly nbBatches: number;
  /** Unrounded length in batches, `epochs * nbBatches`: the `n` of its decays. */
  readonly n: number;
  /** Global index (0-based) of its first batch: `ceil(C_{i-1})` (see {@linkcode planSchedule}). */
  readonly firstBatch: number;
  /** Batches it runs: `ceil(C_i) - ceil(C_{i-1})` (global rounding), at least 1. */
  readonly batchCount: number;
  /** Float phase limits `C_{i-1}` and `C_i` (red lines of the plots). */
  readonly limitStart: number;
  /** Float phase limit `C_i`, where the phase ends. */
  readonly limitEnd: number;
  /** Weight decay in force (per group), carried from the last phase that set `wds`; may be undefined. */
  readonly wd?: Float64Array;
  /** Resolved wd mode: the last explicit `wdLoss` so far (default L2, i.e. `false`). */
  readonly decoupledWd: boolean;
  /** Identity of the phase's data (from `dataKeys`), used for the epoch ends. */
  readonly dataKey: unknown;
}

/** The batch plan of a whole schedule. */
export interface SchedulePlan {
  /** One plan per phase, in order. */
  readonly phases: readonly PhasePlan[];
  /** Number of layer groups. */
  readonly groupCount: number;
  /** Total number of batches, `ceil(C_last)` (more only if a tiny phase was given its one batch). */
  readonly totalBatches: number;
  /** Float phase limits `[0, C_0, C_1, ...]`, cumulative `epochs * nbBatches`. */
  readonly limits: readonly number[];
  /** Where validation runs (see `epoch_ends.ts`). */
  readonly epochEnds: readonly EpochEnd[];
}

/** Every hyperparameter of one batch. */
export interface BatchHypers {
  /** Index of the phase. */
  phase: number;
  /** Position in the phase (`k - firstBatch`) and the phase's unrounded length. */
  it: number;
  /** The phase's unrounded length in batches. */
  n: number;
  /** One lr per layer group. */
  lr: Float64Array;
  /** Momentum / Adam beta1, the same for every group. */
  momentum: number;
  /** Adam beta2 / RMSProp alpha, `undefined` = leave as is. */
  beta?: number;
  /** One wd per layer group, `undefined` = leave as is (no phase has set one yet). */
  wd?: Float64Array;
  /** `true` = decoupled wd, `false` = L2. */
  decoupledWd: boolean;
}

/** Snaps float noise (e.g. `2.0000000000000004`) to the integer so `ceil` does not add a batch. */
function snap(c: number): number {
  const r = Math.round(c);
  return Math.abs(c - r) <= 1e-9 * Math.max(1, Math.abs(c)) ? r : c;
}

/**
 * Computes the batch plan: phase `i` runs `ceil(C_i) - ceil(C_{i-1})` batches, `C` being the cumulative
 * float `epochs * nbBatches`, while its decays use the unrounded `n = epochs * nbBatches`.
 * Exactly as fastai's loop (which switches phase after the first batch whose global count reaches
 * `C_i`), a phase whose float extent holds no whole batch (e.g. 0.1 epoch of 7 batches from 2.1 to
 * 2.8) still runs one batch, and the next phases start one batch later until the rounding catches up:
 * no phase is ever skipped. Float noise such as `7.000000000000001` is snapped to the integer first.
 *
 * @example
 * ```ts
 * import { planSchedule, TrainingPhase } from "./mod.ts";
 * const SGD = { optimizerName: "SGD" };
 * const phases = [0.25, 0.5, 1.25].map((epochs) => new TrainingPhase({ epochs, optimizer: SGD }));
 * const plan = planSchedule(phases, { nbBatches: 7, groupCount: 1 });
 * plan.phases.map((p) => p.batchCount); // [2, 4, 8]
 * ```
 */
export function planSchedule(
  phases: readonly TrainingPhase[],
  options: ScheduleOptions,
): SchedulePlan {
  checkOptions("planSchedule", options ?? null, SCHEDULE_SPEC);
  if (!Array.isArray(phases) || phases.length === 0) {
    throw new TypeError(
      `Cannot plan a schedule: expected a non-empty array of phases, got ${show(phases)}`,
    );
  }
  phases.forEach((p, i) => {
    if (!(p instanceof TrainingPhase)) {
      throw new TypeError(
        `Cannot plan a schedule: expected a TrainingPhase at index ${i}, got ${show(p)}`,
      );
    }
  });
  const { groupCount, nbBatches } = options;
  if (!Number.isInteger(groupCount) || groupCount < 1) {
    throw new RangeError(
      `Cannot plan a schedule: expected an integer groupCount >= 1, got ${show(groupCount)}`,
    );
  }
  const nbs = typeof nbBatches === "number" ? phases.map(() => nbBatches) : nbBatches;
  if (!Array.isArray(nbs) || nbs.length !== phases.length) {
    throw new RangeError(
      `Cannot plan a schedule: expected nbBatches to be one number or one per phase (${phases.length}), got ${
        show(nbBatches)
      }`,
    );
  }
  nbs.forEach((nb, i) => {
    if (!Number.isInteger(nb) || nb < 1) {
      throw new RangeError(
        `Cannot plan a schedule: expected an integer nbBatches >= 1 for phase ${i}, got ${
          show(nb)
        }`,
      );
    }
  });
  const keys = options.dataKeys ?? (typeof nbBatches === "number" ? phases.map(() => 0) : nbs);
  if (keys.length !== phases.length) {
    throw new RangeError(
      `Cannot plan a schedule: expected one data key per phase (${phases.length}), got ${keys.length}`,
    );
  }
  const plans: PhasePlan[] = [];
  const limits = [0];
  let wd: Float64Array | undefined;
  let decoupledWd = false;
  phases.forEach((phase, i) => {
    const where = `phase ${i}`;
    broadcast(phase.lr.start, groupCount, `${where} lr`);
    if (phase.lr.end !== undefined) broadcast(phase.lr.end, groupCount, `${where} lr end`);
    if (phase.wds !== undefined) wd = broadcast(phase.wds, groupCount, `${where} wds`);
    if (phase.wdLoss !== undefined) decoupledWd = !phase.wdLoss;
    const n = phase.epochs * nbs[i]!;
    const limitStart = limits[i]!;
    const limitEnd = snap(limitStart + n);
    limits.push(limitEnd);
    const firstBatch = i === 0 ? 0 : plans[i - 1]!.firstBatch + plans[i - 1]!.batchCount;
    // fastai switches phase after the first batch whose global count reaches C_i: at least one batch
    const batchCount = Math.max(Math.ceil(limitEnd), firstBatch + 1) - firstBatch;
    plans.push({
      index: i,
      phase,
      nbBatches: nbs[i],
      n,
      firstBatch,
      batchCount,
      limitStart,
      limitEnd,
      wd: wd?.slice(),
      decoupledWd,
      dataKey: keys[i],
    });
  });
  const last = plans[plans.length - 1]!;
  return {
    phases: plans,
    groupCount,
    totalBatches: last.firstBatch + last.batchCount,
    limits,
    epochEnds: epochEnds(plans),
  };
}

/**
 * Index of the phase that trains global batch `k` (0-based).
 *
 * @example
 * ```ts
 * import { phaseIndexAt, planSchedule, TrainingPhase } from "./mod.ts";
 * const SGD = { optimizerName: "SGD" };
 * const plan = planSchedule([new TrainingPhase({ optimizer: SGD })], { nbBatches: 3, groupCount: 1 });
 * phaseIndexAt(plan, 2); // 0
 * ```
 */
export function phaseIndexAt(plan: SchedulePlan, k: number): number {
  if (!Number.isInteger(k) || k < 0 || k >= plan.totalBatches) {
    throw new RangeError(
      `Cannot look up batch ${show(k)}: expected an integer in [0, ${plan.totalBatches})`,
    );
  }
  let lo = 0, hi = plan.phases.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (plan.phases[mid]!.firstBatch <= k) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Every hyperparameter of global batch `k` (0-based): batch `k` of a phase uses `it = k - firstBatch`
 * (start inclusive, end exclusive, as fastai).
 *
 * @example
 * ```ts
 * import { DecayType, hypersAt, planSchedule, TrainingPhase } from "./mod.ts";
 * const SGD = { optimizerName: "SGD" };
 * const phase = new TrainingPhase({ optimizer: SGD, lr: { start: 1, end: 0 }, lrDecay: DecayType.LINEAR });
 * const plan = planSchedule([phase], { nbBatches: 4, groupCount: 2 });
 * hypersAt(plan, 1).lr; // Float64Array [0.75, 0.75]
 * ```
 */
export function hypersAt(plan: SchedulePlan, k: number): BatchHypers {
  const p = plan.phases[phaseIndexAt(plan, k)]!;
  const it = k - p.firstBatch;
  const out: BatchHypers = {
    phase: p.index,
    it,
    n: p.n,
    lr: broadcast(p.phase.lrAt(it, p.n), plan.groupCount, `phase ${p.index} lr`),
    momentum: p.phase.momentumAt(it, p.n),
    decoupledWd: p.decoupledWd,
  };
  if (p.phase.beta !== undefined) out.beta = p.phase.beta;
  if (p.wd !== undefined) out.wd = p.wd.slice();
  return out;
}
