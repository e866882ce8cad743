/**
 * `DecayType` and the pure per-batch decay formulas of fastai v0.7's `DecayScheduler`.
 * @module
 */
import { ANY, checkOptions } from "../_options.ts";

import { show, toVec, type Vec, zipWith } from "./_values.ts";
import type { GroupValues } from "./types.ts";

/**
 * How a hyperparameter moves from its start value to its end value during a phase
 * (the values of fastai v0.7's `IntEnum`).
 *
 * @example
 * ```ts
 * import { DecayType } from "./decay_type.ts";
 * const decay = { type: DecayType.POLYNOMIAL, power: 2 };
 * ```
 */
export const DecayType = {
  /** Constant at the start value; an end value is ignored. */
  NO: 1,
  /** `start + (it/n) * (end - start)`. */
  LINEAR: 2,
  /** `end + (start - end)/2 * (1 + cos(pi*it/n))` (fastai's code, not the notebook's typo). */
  COSINE: 3,
  /** `start * (end/start)^(it/n)`; needs an explicit end. */
  EXPONENTIAL: 4,
  /** `end + (start - end) * (1 - it/n)^power`; needs a power. */
  POLYNOMIAL: 5,
} as const;

/** One of the {@linkcode DecayType} values. */
export type DecayType = typeof DecayType[keyof typeof DecayType];

const NAMES: Record<number, string> = {
  1: "NO",
  2: "LINEAR",
  3: "COSINE",
  4: "EXPONENTIAL",
  5: "POLYNOMIAL",
};

/** Whether `v` is one of the {@linkcode DecayType} values. */
export function isDecayType(v: unknown): v is DecayType {
  return typeof v === "number" && Object.hasOwn(NAMES, v);
}

/**
 * The name of a decay type, e.g. `"COSINE"`.
 *
 * @example
 * ```ts
 * import { DecayType, decayTypeName } from "./decay_type.ts";
 * decayTypeName(DecayType.COSINE); // "COSINE"
 * ```
 */
export function decayTypeName(type: DecayType): string {
  if (!isDecayType(type)) {
    throw new TypeError(`Cannot name decay type: expected a DecayType (1 to 5), got ${show(type)}`);
  }
  return NAMES[type]!;
}

/** The keys of {@linkcode DecayArgs} (their values are checked by `decayValue` itself). */
const DECAY_ARGS = { start: ANY, end: ANY, it: ANY, n: ANY, power: ANY };

/** Arguments of {@linkcode decayValue}. */
export interface DecayArgs {
  /** Value at `it = 0`: a scalar or one value per layer group. */
  start: GroupValues;
  /**
   * Value at `it = n`. When omitted: ignored by NO, 0 for LINEAR, COSINE and POLYNOMIAL; EXPONENTIAL
   * throws a `RangeError`.
   */
  end?: GroupValues;
  /** Position in the phase, `0 <= it <= n` (batch `k` of a phase uses `it = k`). */
  it: number;
  /** Length of the phase in batches, unrounded (`epochs * nbBatches`), `> 0`. */
  n: number;
  /** Exponent of POLYNOMIAL (required there, `> 0`); must be omitted for the other types. */
  power?: number;
}

/**
 * Checks that a decay type and its power agree; throws otherwise. `where` prefixes the message.
 */
export function checkDecay(type: unknown, power: unknown, where: string): void {
  if (!isDecayType(type)) {
    throw new TypeError(
      `Cannot use ${where}: expected a DecayType (NO, LINEAR, COSINE, EXPONENTIAL or POLYNOMIAL), got ${
        show(type)
      }`,
    );
  }
  if (type === DecayType.POLYNOMIAL) {
    if (power === undefined) {
      throw new RangeError(
        `Cannot use ${where}: POLYNOMIAL needs a power, e.g. { type: DecayType.POLYNOMIAL, power: 2 }, got no power`,
      );
    }
    if (typeof power !== "number" || !Number.isFinite(power) || power <= 0) {
      throw new RangeError(
        `Cannot use ${where}: expected a POLYNOMIAL power that is a finite number > 0, got ${
          show(power)
        }`,
      );
    }
  } else if (power !== undefined) {
    throw new RangeError(
      `Cannot use ${where}: a power only applies to POLYNOMIAL, got power ${show(power)} with ${
        NAMES[type]
      }`,
    );
  }
}

/** Validated EXPONENTIAL end points: `end/start` must be a positive finite ratio. */
function checkExponential(start: Vec, end: Vec): void {
  zipWith([start, end], ([s, e]) => {
    if (s === 0 || !(e / s > 0) || !Number.isFinite(e / s)) {
      throw new RangeError(
        `Cannot decay EXPONENTIAL from ${s} to ${e}: expected non-zero start and end of the same sign`,
      );
    }
    return 0;
  }, "EXPONENTIAL start and end");
}

/**
 * The value of a decaying hyperparameter at position `it` of a phase of `n` batches, with the
 * formulas of fastai v0.7's code. Arrays are computed element-wise (a scalar broadcasts).
 *
 * @example
 * ```ts
 * import { DecayType, decayValue } from "./decay_type.ts";
 * decayValue(DecayType.COSINE, { start: 1, end: 0, it: 5, n: 10 }); // 0.5
 * decayValue(DecayType.LINEAR, { start: [1e-3, 1e-2], end: 0, it: 5, n: 10 }); // Float64Array [5e-4, 5e-3]
 * ```
 */
export function decayValue(
  type: DecayType,
  args: DecayArgs & { start: number; end?: number },
): number;
/** With an array `start` or `end`: a `Float64Array`, one value per element. */
export function decayValue(type: DecayType, args: DecayArgs): number | Float64Array;
export function decayValue(type: DecayType, args: DecayArgs): number | Float64Array {
  checkOptions("decayValue", args ?? null, DECAY_ARGS);
  checkDecay(type, args.power, "decayValue");
  const { it, n } = args;
  if (typeof n !== "number" || !Number.isFinite(n) || n <= 0) {
    throw new RangeError(`Cannot compute a decay: expected a finite n > 0, got ${show(n)}`);
  }
  if (typeof it !== "number" || !Number.isFinite(it) || it < 0 || it > n) {
    throw new RangeError(
      `Cannot compute a decay: expected 0 <= it <= n = ${n}, got it = ${show(it)}`,
    );
  }
  const start = toVec(args.start, "decay start");
  if (type === DecayType.NO) return typeof start === "number" ? start : start.slice();
  if (args.end === undefined && type === DecayType.EXPONENTIAL) {
    throw new RangeError(
      "Cannot decay EXPONENTIAL without an end value: expected { start, end }, got only a start",
    );
  }
  const end = args.end === undefined ? 0 : toVec(args.end, "decay end");
  const p = it / n;
  switch (type) {
    case DecayType.LINEAR:
      return zipWith([start, end], ([s, e]) => s + p * (e - s), "decay start and end");
    case DecayType.COSINE:
      return zipWith(
        [start, end],
        ([s, e]) => e + (s - e) / 2 * (Math.cos(Math.PI * p) + 1),
        "decay start and end",
      );
    case DecayType.EXPONENTIAL:
      checkExponential(start, end);
      return zipWith([start, end], ([s, e]) => s * (e / s) ** p, "decay start and end");
    default: {
      const power = args.power as number;
      return zipWith(
        [start, end],
        ([s, e]) => e + (s - e) * (1 - p) ** power,
        "decay start and end",
      );
    }
  }
}
