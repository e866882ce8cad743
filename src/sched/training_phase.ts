/**
 * `TrainingPhase`: one block of training with its optimizer and hyperparameter schedules
 * (fastai v0.7's TrainingPhase API, with every option validated at construction).
 * @module
 */

import { checkDecay, DecayType, decayTypeName, decayValue } from "./decay_type.ts";
import { ANY, checkOptions, type OptionSpec } from "../_options.ts";
import { type Bounds, isGroupValues, lengthOf, show, toVec, type Vec, zipWith } from "./_values.ts";
import type { GroupValues, OptimizerFactory, ValueRange } from "./types.ts";

/** A decay type, or `{ type, power }` (the power is required by, and only allowed with, POLYNOMIAL). */
export type DecaySpec = DecayType | { type: DecayType; power?: number };

/** Options of {@linkcode TrainingPhase}. */
export interface TrainingPhaseOptions {
  /** Length in epochs of the phase's data, may be fractional; `> 0`. Default 1. */
  epochs?: number;
  /** The optimizer of the phase; its `optimizerName` labels the plots. */
  optimizer: OptimizerFactory;
  /**
   * Learning rate(s), `>= 0`: a scalar `1e-2`, one per layer group `[1e-4, 1e-3, 1e-2]` (a plain array
   * ALWAYS means per group), or a range `{ start, end }` whose ends are scalars or per-group arrays.
   * Default `1e-2`.
   */
  lr?: GroupValues | ValueRange;
  /** How the lr moves from start to end. Default `DecayType.NO`. */
  lrDecay?: DecaySpec;
  /** Momentum (Adam beta1) in [0, 1), the same for every group: a scalar or `{ start, end }`. Default 0.9. */
  momentum?: number | { start: number; end?: number };
  /** How the momentum moves from start to end. Default `DecayType.NO`. */
  momentumDecay?: DecaySpec;
  /** Adam beta2 / RMSProp alpha in [0, 1); `undefined` leaves the optimizer's current value. */
  beta?: number;
  /**
   * Weight decay(s) `>= 0`, scalar or per group. `undefined` means "keep the previous phase's wd"
   * (not 0); the first phase then keeps the optimizer's own wd.
   */
  wds?: GroupValues;
  /**
   * `true`: L2 (wd added to the gradient); `false`: decoupled (`p -= lr*wd*p`). `undefined` keeps the
   * previous phase's mode (L2 for the first phase): the mode never flips silently when the optimizer
   * changes.
   */
  wdLoss?: boolean;
}

/** The keys of {@linkcode TrainingPhaseOptions}; values are checked by the constructor itself. */
const SPEC: OptionSpec = {
  epochs: ANY,
  optimizer: ANY,
  lr: ANY,
  lrDecay: ANY,
  momentum: ANY,
  momentumDecay: ANY,
  beta: ANY,
  wds: ANY,
  wdLoss: ANY,
};

/** A validated schedule of one hyperparameter: start, resolved end, decay type and power. */
export interface ScheduleSpec<T> {
  /** Value at the start of the phase (a scalar or one per layer group). */
  readonly start: T;
  /** `undefined` only with `DecayType.NO`. */
  readonly end?: T;
  /** How the value goes from `start` to `end`. */
  readonly decay: DecayType;
  /** Exponent of `DecayType.POLYNOMIAL` (`undefined` for the other decays). */
  readonly power?: number;
}

function splitDecay(spec: unknown, name: string): { decay: DecayType; power?: number } {
  if (spec === undefined) return { decay: DecayType.NO };
  if (spec !== null && typeof spec === "object") {
    checkOptions(`TrainingPhase ${name}`, spec, { type: ANY, power: ANY });
    const { type, power } = spec as { type?: unknown; power?: unknown };
    checkDecay(type, power, `TrainingPhase ${name}`);
    return { decay: type as DecayType, power: power as number | undefined };
  }
  checkDecay(spec, undefined, `TrainingPhase ${name}`);
  return { decay: spec as DecayType };
}

function buildSpec(
  value: unknown,
  decaySpec: unknown,
  name: string,
  bounds: Bounds,
  decayName: string,
): ScheduleSpec<Vec> {
  const { decay, power } = splitDecay(decaySpec, decayName);
  let rawStart: unknown = value;
  let rawEnd: unknown;
  let isRange = false;
  if (value !== null && typeof value === "object" && !isGroupValues(value)) {
    const r = value as Record<string, unknown>;
    const extra = Object.keys(r).filter((k) => k !== "start" && k !== "end");
    if (!("start" in r) || extra.length) {
      throw new TypeError(
        `Cannot use TrainingPhase ${name}: expected a number, a per-group array or { start, end }, got ${
          show(value)
        }`,
      );
    }
    rawStart = r.start;
    rawEnd = r.end;
    isRange = true;
  }
  const start = toVec(rawStart, `TrainingPhase ${name}${isRange ? ".start" : ""}`, bounds);
  let end = rawEnd === undefined ? undefined : toVec(rawEnd, `TrainingPhase ${name}.end`, bounds);
  if (end !== undefined) {
    const a = lengthOf(start), b = lengthOf(end);
    if (a !== undefined && b !== undefined && a !== b) {
      throw new RangeError(
        `Cannot use TrainingPhase ${name}: expected start and end arrays of equal length, got ${a} and ${b}`,
      );
    }
  }
  if (decay === DecayType.NO && end !== undefined) {
    throw new RangeError(
      `Cannot use TrainingPhase ${name}: an end value (${
        show(rawEnd)
      }) needs a ${decayName} other than NO, got NO (set ${decayName} or drop the end)`,
    );
  }
  if (end === undefined && decay === DecayType.EXPONENTIAL) {
    throw new RangeError(
      `Cannot use TrainingPhase ${name} with EXPONENTIAL decay: an end is required, expected { start, end }, got only ${
        show(rawStart)
      }`,
    );
  }
  if (decay === DecayType.EXPONENTIAL) {
    zipWith([start, end as Vec], ([s, e]) => {
      if (s <= 0 || e <= 0) {
        throw new RangeError(
          `Cannot use TrainingPhase ${name} with EXPONENTIAL decay: expected start and end > 0, got ${s} and ${e}`,
        );
      }
      return 0;
    }, `TrainingPhase ${name}`);
  }
  if (end === undefined && decay !== DecayType.NO) end = 0; // fastai: LINEAR/COSINE/POLYNOMIAL end at 0
  return { start, end, decay, power };
}

/**
 * One phase of training: its length in epochs, optimizer and hyperparameter schedules. Batch `k` of
 * the phase uses `it = k` (the start is included, the end value is never trained on, as fastai).
 *
 * @example
 * ```ts
 * import { DecayType, TrainingPhase } from "./mod.ts";
 * const SGD = { optimizerName: "SGD" };
 * const phase = new TrainingPhase({
 *   epochs: 2,
 *   optimizer: SGD,
 *   lr: { start: [1e-4, 1e-3], end: 0 },
 *   lrDecay: DecayType.COSINE,
 * });
 * phase.lrAt(0, 10); // Float64Array [1e-4, 1e-3]
 * ```
 */
export class TrainingPhase {
  /** Length in epochs (may be fractional). */
  readonly epochs: number;
  /** The optimizer factory of the phase. */
  readonly optimizer: OptimizerFactory;
  /** Learning-rate schedule (scalar or per group). */
  readonly lr: ScheduleSpec<number | Float64Array>;
  /** Momentum schedule (the same for every group). */
  readonly momentum: ScheduleSpec<number>;
  /** Adam beta2 / RMSProp alpha, or `undefined` to leave it unchanged. */
  readonly beta?: number;
  /** Weight decay(s), or `undefined` to keep the previous phase's. */
  readonly wds?: number | Float64Array;
  /** Explicit wd mode (`true` L2, `false` decoupled), or `undefined` to keep the previous mode. */
  readonly wdLoss?: boolean;

  /**
   * Validates the options and resolves each schedule's end and decay.
   *
   * @param options Length, optimizer and hyperparameter schedules.
   * @throws {TypeError} On a missing or mistyped option.
   * @throws {RangeError} On an out-of-range value (e.g. a length <= 0, or a non-positive lr with
   *   EXPONENTIAL decay).
   */
  constructor(options: TrainingPhaseOptions) {
    if (options === null || typeof options !== "object") {
      throw new TypeError(
        `Cannot build a TrainingPhase: expected an options object, got ${show(options)}`,
      );
    }
    checkOptions("TrainingPhase", options, SPEC);
    const o = options;
    const epochs = o.epochs ?? 1;
    if (typeof epochs !== "number" || !Number.isFinite(epochs) || epochs <= 0) {
      throw new RangeError(
        `Cannot use TrainingPhase epochs: expected a finite number > 0, got ${show(epochs)}`,
      );
    }
    this.epochs = epochs;
    const opt = o.optimizer as unknown as { optimizerName?: unknown } | undefined;
    if (
      opt === null || (typeof opt !== "object" && typeof opt !== "function") ||
      typeof opt.optimizerName !== "string" || opt.optimizerName === ""
    ) {
      throw new TypeError(
        `Cannot use TrainingPhase optimizer: expected an optimizer factory with a non-empty optimizerName, got ${
          show(opt)
        }`,
      );
    }
    this.optimizer = o.optimizer;
    this.lr = buildSpec(o.lr ?? 1e-2, o.lrDecay, "lr", { min: 0 }, "lrDecay");
    const mom = o.momentum ?? 0.9;
    if (
      typeof mom !== "number" && (mom === null || typeof mom !== "object" || isGroupValues(mom))
    ) {
      throw new TypeError(
        `Cannot use TrainingPhase momentum: expected a number or { start, end } (one value for all groups), got ${
          show(mom)
        }`,
      );
    }
    const m = buildSpec(mom, o.momentumDecay, "momentum", { min: 0, below: 1 }, "momentumDecay");
    if (typeof m.start !== "number" || (m.end !== undefined && typeof m.end !== "number")) {
      throw new TypeError(
        `Cannot use TrainingPhase momentum: expected scalars (one value for all groups), got ${
          show(mom)
        }`,
      );
    }
    this.momentum = m as ScheduleSpec<number>;
    if (o.beta !== undefined) {
      if (typeof o.beta !== "number") {
        throw new TypeError(
          `Cannot use TrainingPhase beta: expected a number, got ${show(o.beta)}`,
        );
      }
      this.beta = toVec(o.beta, "TrainingPhase beta", { min: 0, below: 1 }) as number;
    }
    if (o.wds !== undefined) this.wds = toVec(o.wds, "TrainingPhase wds", { min: 0 });
    if (o.wdLoss !== undefined) {
      if (typeof o.wdLoss !== "boolean") {
        throw new TypeError(
          `Cannot use TrainingPhase wdLoss: expected a boolean, got ${show(o.wdLoss)}`,
        );
      }
      this.wdLoss = o.wdLoss;
    }
    const lengths = [["lr start", this.lr.start], ["lr end", this.lr.end], ["wds", this.wds]]
      .filter(([, v]) => v !== undefined && typeof v !== "number" && v.length > 1)
      .map(([name, v]) => [name, (v as Float64Array).length] as const);
    for (const [name, len] of lengths.slice(1)) {
      if (len !== lengths[0]![1]) {
        throw new RangeError(
          `Cannot build a TrainingPhase: expected per-group arrays of one length, got ${
            lengths[0]![1]
          } values for ${lengths[0]![0]} and ${len} for ${name}`,
        );
      }
    }
  }

  /** The optimizer's name, as shown on plots. */
  get optimizerName(): string {
    return this.optimizer.optimizerName;
  }

  /**
   * Number of layer groups the phase's per-group values imply (`undefined` when every value is a
   * scalar or has length 1, i.e. fits any group count).
   */
  get groupLength(): number | undefined {
    for (const v of [this.lr.start, this.lr.end, this.wds]) {
      if (v !== undefined && typeof v !== "number" && v.length > 1) return v.length;
    }
    return undefined;
  }

  /** The lr(s) at position `it` of a phase of `n` (unrounded) batches. */
  lrAt(it: number, n: number): number | Float64Array {
    const { start, end, decay, power } = this.lr;
    return decayValue(decay, { start, end, it, n, power });
  }

  /** The momentum at position `it` of a phase of `n` (unrounded) batches. */
  momentumAt(it: number, n: number): number {
    const { start, end, decay, power } = this.momentum;
    return decayValue(decay, { start, end, it, n, power });
  }

  /** `"COSINE"`-style name of the lr decay (for plots and logs). */
  get lrDecayName(): string {
    return decayTypeName(this.lr.decay);
  }
}
