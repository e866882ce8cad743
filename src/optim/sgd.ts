/**
 * Stochastic gradient descent with momentum, dampening and Nesterov momentum (PyTorch 1.13
 * `torch.optim.SGD`), one fused kernel per parameter (`shaders/sgd.wgsl`).
 *
 * WGSL: `shaders/sgd.wgsl`, `shaders/sgd_vec4.wgsl`. CPU twin: `_optimizers_ref.ts`. Tests:
 * `optimizers_test.ts`.
 * @module
 */
import type { GroupHypers } from "./hypers.ts";
import { FLAG } from "./_gpu.ts";
import { Optimizer, type ParamGroups } from "./optimizer.ts";
import { checkOptions } from "../_options.ts";
import { HYPER_SPEC } from "./_hyper_spec.ts";
import { register } from "./_optim_tune.ts";

/** Options of {@linkcode SGD}: defaults of every group, plus the update-rule switches. */
export interface SGDOptions extends Partial<GroupHypers> {
  /** Dampening of the momentum buffer, in [0, 1]. @default {0} */
  dampening?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). @default {false} */
  nesterov?: boolean;
}

/**
 * SGD: `g += wd*p` (L2) or `p *= 1 - lr*wd` (decoupled, `decoupledWd: true`); with momentum
 * `buf = g` on its first step, then `buf = momentum*buf + (1-dampening)*g`; `g = nesterov ? g +
 * momentum*buf : buf`; `p -= lr*g`. lr multiplies the whole velocity (PyTorch's form), so an lr schedule
 * rescales past steps too.
 *
 * Hyperparameters live in one uniform per group: `setHypers()` is one buffer write, `step()` one
 * dispatch per parameter with a gradient.
 *
 * State across training phases: the momentum buffers belong to this object. A phase that keeps using
 * this optimizer (same TYPE) keeps them; switching to another optimizer type means a new optimizer
 * whose state starts from zero (fastai v0.7's `set_opt_fn` does the same). Dispose of the old one.
 *
 * @example Usage
 * ```ts
 * import { init, randn } from "../tensor/mod.ts";
 * import { Linear } from "../nn/mod.ts";
 * await init();
 * const model = new Linear(4, 2, { seed: 0 });
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad();
 * const loss = model.forward(randn([8, 4])).sum();
 * loss.backward();
 * opt.setHypers(0, { lr: 0.05 }); // one uniform write
 * opt.step();                     // one kernel per parameter
 * ```
 * @throws {TypeError} On an unknown option (`weight_decay`: did you mean `weightDecay`?) or a wrong type.
 * @throws {RangeError} On an out-of-range hyperparameter, or Nesterov without momentum / with dampening.
 */
export class SGD extends Optimizer {
  /** `"SGD"`: lets the class itself serve as a phase's `optimizer` (an `OptimizerFactory`). */
  static readonly optimizerName = "SGD";
  /** The optimizer's type name, `"SGD"` (used in messages and by the scheduler). */
  readonly optimizerName = "SGD";
  /** Dampening of the momentum buffer. */
  readonly dampening: number;
  /** Whether Nesterov momentum is used. */
  readonly nesterov: boolean;

  /**
   * Creates the optimizer and its per-group hyperparameter uniforms.
   *
   * @param params One flat list of parameters (one group), or a list of groups (lists or
   *   `{ params, ...hypers }`).
   * @param options Default hyperparameters of every group, and the SGD-wide options.
   */
  constructor(params: ParamGroups, options: SGDOptions = {}) {
    checkOptions("SGD", options, { ...HYPER_SPEC, dampening: "number", nesterov: "boolean" });
    const dampening = options.dampening ?? 0;
    const nesterov = options.nesterov ?? false;
    if (typeof dampening !== "number" || !(dampening >= 0 && dampening <= 1)) {
      throw new RangeError(`Cannot create SGD: expected dampening in [0, 1], got ${dampening}`);
    }
    if (typeof nesterov !== "boolean") {
      throw new TypeError(`Cannot create SGD: expected nesterov to be a boolean, got ${nesterov}`);
    }
    const defaults: GroupHypers = {
      lr: options.lr ?? 1e-3,
      momentum: options.momentum ?? 0,
      beta: options.beta ?? 0,
      weightDecay: options.weightDecay ?? 0,
      decoupledWd: options.decoupledWd ?? false,
      eps: options.eps ?? 1e-8,
    };
    if (nesterov && (!(defaults.momentum > 0) || dampening !== 0)) {
      throw new RangeError(
        `Cannot create SGD with nesterov: expected momentum > 0 and dampening 0, got momentum ${defaults.momentum} and dampening ${dampening}`,
      );
    }
    super("SGD", params, defaults, {
      shader: "sgd",
      stateNames: ["momentum_buffer"],
      allocate: [true],
      pack: (h, tag) => ({
        lr: h.lr,
        momentum: h.momentum,
        beta: h.beta,
        wd: h.weightDecay,
        eps: h.eps,
        dampening,
        decay: h.decoupledWd ? 1 - h.lr * h.weightDecay : 1,
        stepSize: h.lr,
        bc2Sqrt: 1,
        oneMinusMom: 1 - dampening,
        oneMinusBeta: 1 - h.beta,
        flags: (h.decoupledWd ? FLAG.decoupled : 0) | (nesterov ? FLAG.nesterov : 0) |
          (tag === 0 ? FLAG.first : 0),
        step: tag,
      }),
      // tag 1 once the momentum buffer exists (PyTorch creates it at the first step with momentum != 0).
      nextTag: (tag, h) => (tag === 1 || h.momentum !== 0 ? 1 : 0),
    });
    this.dampening = dampening;
    this.nesterov = nesterov;
  }
}

// the autotuner times its launch variants on a fresh one (`_optim_tune.ts`)
register("sgd", (p) => new SGD(p, { momentum: 0.9 }));
