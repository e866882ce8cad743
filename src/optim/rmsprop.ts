/**
 * RMSProp (PyTorch 1.13 `torch.optim.RMSprop`), one fused kernel per parameter (`shaders/rmsprop.wgsl`).
 *
 * WGSL: `shaders/rmsprop.wgsl`, `shaders/rmsprop_vec4.wgsl`. CPU twin: `_optimizers_ref.ts`. Tests:
 * `optimizers_test.ts`.
 * @module
 */
import type { GroupHypers } from "./hypers.ts";
import { FLAG } from "./_gpu.ts";
import { Optimizer, type ParamGroups } from "./optimizer.ts";
import { checkOptions } from "../_options.ts";
import { HYPER_SPEC } from "./_hyper_spec.ts";
import { register } from "./_optim_tune.ts";

/** Options of {@linkcode RMSProp}: defaults of every group, plus the update-rule switches. */
export interface RMSPropOptions extends Partial<GroupHypers> {
  /** Smoothing constant, the same as `beta`. @default {0.99} */
  alpha?: number;
  /** Normalise by the centred second moment `v - E[g]^2`. @default {false} */
  centered?: boolean;
}

/**
 * RMSProp: `g += wd*p` (L2) or `p *= 1 - lr*wd` (decoupled); `v = a*v + (1-a)*g^2`;
 * `avg = sqrt(v) + eps` (centered: `sqrt(v - gavg^2) + eps`, `gavg = a*gavg + (1-a)*g`); with momentum
 * `buf = momentum*buf + g/avg; p -= lr*buf`, else `p -= lr*g/avg`. No bias correction.
 * `beta` is alpha and `momentum` the momentum (fastai's TrainingPhase mapping). Unlike fastai v0.7's
 * default, momentum is 0 unless given.
 *
 * State across training phases: the averages and momentum buffers belong to this object. A phase that
 * keeps using this optimizer (same TYPE) keeps them; switching type means a new optimizer whose state
 * starts from zero (as fastai v0.7's `set_opt_fn`). Dispose of the old one.
 *
 * @example Usage
 * ```ts
 * import { init } from "../tensor/mod.ts";
 * import { Linear } from "../nn/mod.ts";
 * await init();
 * const model = new Linear(4, 2, { seed: 0 });
 * const opt = new RMSProp(model.parameters(), { lr: 1e-2, alpha: 0.99, centered: true });
 * opt.step();
 * ```
 */
export class RMSProp extends Optimizer {
  /** `"RMSProp"`: lets the class itself serve as a phase's `optimizer` (an `OptimizerFactory`). */
  static readonly optimizerName = "RMSProp";
  /** The optimizer's type name, `"RMSProp"` (used in messages and by the scheduler). */
  readonly optimizerName = "RMSProp";
  /** Whether the centred variant is used. */
  readonly centered: boolean;

  /**
   * Creates the optimizer and its per-group hyperparameter uniforms.
   *
   * @param params One flat list of parameters (one group), or a list of groups (lists or
   *   `{ params, ...hypers }`).
   * @param options Default hyperparameters of every group, and the RMSProp-wide options.
   */
  constructor(params: ParamGroups, options: RMSPropOptions = {}) {
    checkOptions("RMSProp", options, { ...HYPER_SPEC, alpha: "number", centered: "boolean" });
    const centered = options.centered ?? false;
    if (typeof centered !== "boolean") {
      throw new TypeError(
        `Cannot create RMSProp: expected centered to be a boolean, got ${centered}`,
      );
    }
    const defaults: GroupHypers = {
      lr: options.lr ?? 1e-2,
      momentum: options.momentum ?? 0,
      beta: options.beta ?? options.alpha ?? 0.99,
      weightDecay: options.weightDecay ?? 0,
      decoupledWd: options.decoupledWd ?? false,
      eps: options.eps ?? 1e-8,
    };
    super("RMSProp", params, defaults, {
      shader: "rmsprop",
      stateNames: ["square_avg", "momentum_buffer", "grad_avg"],
      allocate: [true, true, centered],
      pack: (h, tag) => ({
        lr: h.lr,
        momentum: h.momentum,
        beta: h.beta,
        wd: h.weightDecay,
        eps: h.eps,
        dampening: 0,
        decay: h.decoupledWd ? 1 - h.lr * h.weightDecay : 1,
        stepSize: h.lr,
        bc2Sqrt: 1,
        oneMinusMom: 1 - h.momentum,
        oneMinusBeta: 1 - h.beta,
        flags: (h.decoupledWd ? FLAG.decoupled : 0) | (centered ? FLAG.centered : 0),
        step: tag,
      }),
      nextTag: () => 0,
    });
    this.centered = centered;
  }
}

// the autotuner times its launch variants on a fresh one (`_optim_tune.ts`)
register("rmsprop", (p) => new RMSProp(p));
