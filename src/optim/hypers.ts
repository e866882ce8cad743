/**
 * Hyperparameters of one parameter group, as the scheduler sets them each batch.
 *
 * The TrainingPhase mapping (fastai v0.7 `LayerOptimizer`): `momentum` is SGD's momentum, Adam's beta1 and
 * RMSProp's momentum; `beta` is Adam's beta2 and RMSProp's alpha (SGD ignores it). `weightDecay` is applied as
 * L2 (added to the gradient) when `decoupledWd` is false, and as `p -= lr * wd * p` (AdamW) when true.
 *
 * This file only describes and validates numbers; it touches no GPU.
 * @module
 */

/** Hyperparameters of one parameter group. */
export interface GroupHypers {
  /** Learning rate, >= 0. */
  lr: number;
  /** SGD momentum, Adam beta1, RMSProp momentum; in [0, 1). */
  momentum: number;
  /** Adam beta2, RMSProp alpha; in [0, 1). Ignored by SGD. */
  beta: number;
  /** Weight decay, >= 0. */
  weightDecay: number;
  /** `true`: decoupled (AdamW-style) weight decay; `false`: L2 added to the gradient. */
  decoupledWd: boolean;
  /** Numerical epsilon of Adam and RMSProp, > 0. */
  eps: number;
}

/** Checks every given field of `h` and throws a `RangeError` or `TypeError` naming the bad value. */
export function validateHypers(h: Partial<GroupHypers>, where = "hyperparameter"): void {
  const num = (name: keyof GroupHypers, v: unknown) => {
    if (typeof v !== "number" || Number.isNaN(v)) {
      throw new TypeError(`Cannot use ${where} '${name}': expected a number, got ${String(v)}`);
    }
    if (!Number.isFinite(v)) {
      throw new RangeError(`Cannot use ${where} '${name}': expected a finite number, got ${v}`);
    }
  };
  if (h.lr !== undefined) {
    num("lr", h.lr);
    if (h.lr < 0) throw new RangeError(`Cannot use ${where} 'lr': expected lr >= 0, got ${h.lr}`);
  }
  for (const k of ["momentum", "beta"] as const) {
    const v = h[k];
    if (v === undefined) continue;
    num(k, v);
    if (v < 0 || v >= 1) {
      throw new RangeError(`Cannot use ${where} '${k}': expected a value in [0, 1), got ${v}`);
    }
  }
  if (h.weightDecay !== undefined) {
    num("weightDecay", h.weightDecay);
    if (h.weightDecay < 0) {
      throw new RangeError(
        `Cannot use ${where} 'weightDecay': expected >= 0, got ${h.weightDecay}`,
      );
    }
  }
  if (h.eps !== undefined) {
    num("eps", h.eps);
    if (h.eps <= 0) {
      throw new RangeError(`Cannot use ${where} 'eps': expected eps > 0, got ${h.eps}`);
    }
  }
  if (h.decoupledWd !== undefined && typeof h.decoupledWd !== "boolean") {
    throw new TypeError(
      `Cannot use ${where} 'decoupledWd': expected a boolean, got ${String(h.decoupledWd)}`,
    );
  }
}
