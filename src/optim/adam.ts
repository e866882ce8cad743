/**
 * Adam / AdamW (PyTorch 1.13 `torch.optim.Adam` and, with `decoupledWd`, `torch.optim.AdamW`), one fused
 * kernel per parameter (`shaders/adam.wgsl`).
 *
 * WGSL: `shaders/adam.wgsl`, `shaders/adam_vec4.wgsl`. CPU twin: `_optimizers_ref.ts`. Tests:
 * `optimizers_test.ts`.
 * @module
 */
import type { GroupHypers } from "./hypers.ts";
import { FLAG } from "./_gpu.ts";
import { Optimizer, type ParamGroups } from "./optimizer.ts";
import { checkOptions } from "../_options.ts";
import { HYPER_SPEC } from "./_hyper_spec.ts";
import { register } from "./_optim_tune.ts";

/** Options of {@linkcode Adam}: defaults of every group, plus the update-rule switches. */
export interface AdamOptions extends Partial<GroupHypers> {
  /** `[beta1, beta2]`, the same as `momentum` and `beta`. @default {[0.9, 0.999]} */
  betas?: readonly [number, number];
  /** Use the running maximum of the second moment (AMSGrad). @default {false} */
  amsgrad?: boolean;
}

/**
 * Adam: `g += wd*p` (L2) or `p *= 1 - lr*wd` (decoupled: AdamW, fastai v0.7's Stepper);
 * `m = b1*m + (1-b1)*g`, `v = b2*v + (1-b2)*g^2`, `p -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps)` with
 * `bc1 = 1 - b1^t`, `bc2 = 1 - b2^t` computed on the CPU with the CURRENT betas (as PyTorch 1.13 does, so
 * a beta schedule changes past bias corrections too); AMSGrad uses `max(vmax, v)` for `v`.
 * `momentum` is beta1 and `beta` is beta2 (fastai's TrainingPhase mapping).
 *
 * State across training phases: the moments and step counts belong to this object. A phase that keeps
 * using this optimizer (same TYPE) keeps them; switching type (e.g. SGD -> Adam) means a new optimizer whose
 * moments restart from zero with t = 1 (as fastai v0.7's `set_opt_fn`). Dispose of the old one.
 *
 * @example Usage
 * ```ts
 * import { init } from "../tensor/mod.ts";
 * import { Linear } from "../nn/mod.ts";
 * await init();
 * const body = new Linear(4, 3, { seed: 0 }), head = new Linear(3, 2, { seed: 1 });
 * const opt = new Adam([body.parameters(), head.parameters()], { lr: 1e-3, weightDecay: 1e-2, decoupledWd: true });
 * opt.setHypers(1, { lr: 3e-3, momentum: 0.85 });
 * opt.step();
 * ```
 */
export class Adam extends Optimizer {
  /** `"Adam"`: lets the class itself serve as a phase's `optimizer` (an `OptimizerFactory`). */
  static readonly optimizerName = "Adam";
  /** The optimizer's type name, `"Adam"` (used in messages and by the scheduler). */
  readonly optimizerName = "Adam";
  /** Whether AMSGrad is used. */
  readonly amsgrad: boolean;

  /**
   * Creates the optimizer and its per-group hyperparameter uniforms.
   *
   * @param params One flat list of parameters (one group), or a list of groups (lists or
   *   `{ params, ...hypers }`).
   * @param options Default hyperparameters of every group, and the Adam-wide options.
   */
  constructor(params: ParamGroups, options: AdamOptions = {}) {
    checkOptions("Adam", options, { ...HYPER_SPEC, betas: "array", amsgrad: "boolean" });
    const amsgrad = options.amsgrad ?? false;
    if (typeof amsgrad !== "boolean") {
      throw new TypeError(`Cannot create Adam: expected amsgrad to be a boolean, got ${amsgrad}`);
    }
    if (
      options.betas !== undefined && (!Array.isArray(options.betas) || options.betas.length !== 2)
    ) {
      throw new TypeError(
        `Cannot create Adam: expected betas [beta1, beta2], got ${options.betas}`,
      );
    }
    const defaults: GroupHypers = {
      lr: options.lr ?? 1e-3,
      momentum: options.momentum ?? options.betas?.[0] ?? 0.9,
      beta: options.beta ?? options.betas?.[1] ?? 0.999,
      weightDecay: options.weightDecay ?? 0,
      decoupledWd: options.decoupledWd ?? false,
      eps: options.eps ?? 1e-8,
    };
    super("Adam", params, defaults, {
      shader: "adam",
      stateNames: ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
      allocate: [true, true, amsgrad],
      pack: (h, tag) => {
        const t = tag + 1;
        const bc1 = 1 - h.momentum ** t;
        const bc2 = 1 - h.beta ** t;
        return {
          lr: h.lr,
          momentum: h.momentum,
          beta: h.beta,
          wd: h.weightDecay,
          eps: h.eps,
          dampening: 0,
          decay: h.decoupledWd ? 1 - h.lr * h.weightDecay : 1,
          stepSize: h.lr / bc1,
          bc2Sqrt: Math.sqrt(bc2),
          oneMinusMom: 1 - h.momentum,
          oneMinusBeta: 1 - h.beta,
          flags: (h.decoupledWd ? FLAG.decoupled : 0) | (amsgrad ? FLAG.amsgrad : 0),
          step: t,
        };
      },
      nextTag: (tag) => tag + 1,
    });
    this.amsgrad = amsgrad;
  }
}

// the autotuner times its launch variants on a fresh one (`_optim_tune.ts`)
register("adam", (p) => new Adam(p));
