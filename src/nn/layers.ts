/**
 * Layers without spatial structure: `Linear`, `ReLU`, `LogSoftmax`, `Softmax`, `Flatten`, `Dropout` and
 * the container `Sequential` (children named "0", "1", ...). Fusion is the engine's (`Linear` + `ReLU`
 * and `Conv2d` + training `BatchNorm2d` + `ReLU` run as one kernel in any module).
 * @module
 */
import { dropout, flatten, linear, logSoftmax, relu, softmax, type Tensor } from "../tensor/mod.ts";
import { Module } from "./module.ts";
import { randomSeed, seedStream, uniformFanIn } from "./_init.ts";
import { checkOptions } from "../_options.ts";
import { FORWARD_SPEC, LINEAR_SPEC, SEED_SPEC } from "./_specs.ts";

/** Options of {@linkcode Linear}. */
export interface LinearOptions {
  /** Add a learnable bias. @default {true} */
  bias?: boolean;
  /** Seed of the initialisation. @default random */
  seed?: number;
}

/**
 * `y = x W^T + b` with `W: [out, in]` (PyTorch `nn.Linear`, same init).
 *
 * @example Usage
 * ```ts
 * import { init, randn } from "../tensor/mod.ts";
 * await init();
 * const x = randn([2, 192]);
 * const fc = new Linear(192, 40, { seed: 1 });
 * const y = fc.forward(x); // [N,192] -> [N,40]
 * ```
 */
export class Linear extends Module {
  /** Size of the last dimension of the input. */
  readonly inFeatures: number;
  /** Size of the last dimension of the output. */
  readonly outFeatures: number;
  /** Learnable weight `[outFeatures, inFeatures]`, initialised uniform in `±1/sqrt(inFeatures)`. */
  readonly weight: Tensor;
  /** Learnable bias `[outFeatures]` (same init), or `null` with `bias: false`. */
  readonly bias: Tensor | null;

  /**
   * Creates the layer and its parameters `weight` and `bias`.
   * @param inFeatures Input features, a positive integer.
   * @param outFeatures Output features, a positive integer.
   * @param opts `bias` and `seed`.
   */
  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    checkOptions("Linear", opts, LINEAR_SPEC);
    for (const [k, v] of [["inFeatures", inFeatures], ["outFeatures", outFeatures]] as const) {
      if (!Number.isInteger(v) || v <= 0) {
        throw new RangeError(
          `Cannot create Linear: expected ${k} to be a positive integer, got ${v}`,
        );
      }
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const next = seedStream(opts.seed ?? randomSeed());
    this.weight = this.registerParameter(
      "weight",
      uniformFanIn([outFeatures, inFeatures], inFeatures, next()),
    );
    this.bias = opts.bias === false
      ? null
      : this.registerParameter("bias", uniformFanIn([outFeatures], inFeatures, next()));
  }

  /** `[..., in] -> [..., out]`; `relu: true` fuses a ReLU into the same kernel. */
  forward(x: Tensor, opts: { relu?: boolean } = {}): Tensor {
    checkOptions("Linear.forward", opts, FORWARD_SPEC);
    return linear(x, this.weight, this.bias, opts);
  }

  /** `Linear(in, out)`, with `, bias=false` when there is no bias. */
  protected override describe(): string {
    return `Linear(${this.inFeatures}, ${this.outFeatures}${this.bias ? "" : ", bias=false"})`;
  }
}

/** `max(x, 0)`. */
export class ReLU extends Module {
  /** `max(x, 0)` elementwise; same shape as `x`. */
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

function checkDim(dim: number, what: string): number {
  if (!Number.isInteger(dim)) {
    throw new TypeError(`Cannot create ${what}: dim must be an integer, got ${dim}`);
  }
  return dim;
}

/**
 * Log-softmax along `dim`. The default is 1 (the class dimension of `[N, C]`): the fastai notebook's
 * `nn.LogSoftmax(dim=0)` normalises over the BATCH, a bug for batches larger than one.
 */
export class LogSoftmax extends Module {
  /** The dimension normalised over (negative counts from the end). */
  readonly dim: number;
  /**
   * Normalises over dimension `dim`.
   * @param dim The dimension to normalise over, an integer (negative counts from the end).
   */
  constructor(dim = 1) {
    super();
    this.dim = checkDim(dim, "LogSoftmax");
  }
  /** Log-softmax of `x` along `dim`; same shape as `x`. */
  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }
  /** `LogSoftmax(dim=...)`. */
  protected override describe(): string {
    return `LogSoftmax(dim=${this.dim})`;
  }
}

/** Softmax along `dim` (default 1, the class dimension of `[N, C]`). */
export class Softmax extends Module {
  /** The dimension normalised over (negative counts from the end). */
  readonly dim: number;
  /**
   * Normalises over dimension `dim`.
   * @param dim The dimension to normalise over, an integer (negative counts from the end).
   */
  constructor(dim = 1) {
    super();
    this.dim = checkDim(dim, "Softmax");
  }
  /** Softmax of `x` along `dim`; same shape as `x`. */
  forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }
  /** `Softmax(dim=...)`. */
  protected override describe(): string {
    return `Softmax(dim=${this.dim})`;
  }
}

/** Flattens dims `startDim..` (default 1: `[N, C, H, W] -> [N, C*H*W]`); a view, no copy. */
export class Flatten extends Module {
  /** First dimension flattened; it and all later dims merge into one. */
  readonly startDim: number;
  /**
   * Flattens from dimension `startDim` on.
   * @param startDim First dimension to flatten, an integer.
   */
  constructor(startDim = 1) {
    super();
    this.startDim = checkDim(startDim, "Flatten");
  }
  /** `x` with dims `startDim..` merged into one. */
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim);
  }
}

/** Inverted dropout with probability `p` in training mode; the identity in evaluation mode. */
export class Dropout extends Module {
  /** Probability of zeroing an element in training mode. */
  readonly p: number;
  /** Seed of the dropout mask, or `undefined` for a random one. */
  readonly seed: number | undefined;
  /**
   * Drops with probability `p` (default 0.5) in training mode.
   * @param p Probability of zeroing an element, in `[0, 1]`.
   * @param opts `seed` of the mask.
   */
  constructor(p = 0.5, opts: { seed?: number } = {}) {
    super();
    checkOptions("Dropout", opts, SEED_SPEC);
    if (typeof p !== "number") {
      throw new TypeError(`Cannot create Dropout: expected p to be a number, got ${String(p)}`);
    }
    if (!(p >= 0 && p <= 1)) {
      throw new RangeError(`Cannot create Dropout: expected p in [0, 1], got ${p}`);
    }
    this.p = p;
    this.seed = opts.seed;
  }
  /** In training mode, zeroes elements with probability `p` and scales the rest by `1/(1-p)`; else `x`. */
  forward(x: Tensor): Tensor {
    return dropout(x, { p: this.p, training: this.training, seed: this.seed });
  }
  /** `Dropout(p=...)`. */
  protected override describe(): string {
    return `Dropout(p=${this.p})`;
  }
}

/**
 * Runs its children in order; they are named "0", "1", ... as in PyTorch.
 *
 * @example Usage
 * ```ts
 * import { init } from "../tensor/mod.ts";
 * await init();
 * const net = new Sequential(new Flatten(), new Linear(192, 40), new ReLU(), new Linear(40, 10));
 * ```
 */
export class Sequential extends Module {
  #layers: Module[];
  /**
   * Registers `layers` as children "0", "1", ...
   * @param layers The children, run in this order.
   */
  constructor(...layers: Module[]) {
    super();
    layers.forEach((m, i) => {
      if (!(m instanceof Module)) {
        throw new TypeError(`Cannot create Sequential: child ${i} is not a Module`);
      }
      this.registerModule(String(i), m);
    });
    this.#layers = layers;
  }

  /** Child `i`. */
  at(i: number): Module {
    const m = this.#layers[i < 0 ? i + this.#layers.length : i];
    if (!m) throw new RangeError(`Cannot get child ${i} of a Sequential of ${this.#layers.length}`);
    return m;
  }

  /** Number of children. */
  get length(): number {
    return this.#layers.length;
  }

  /**
   * Runs the children in order; `relu: true` applies a ReLU to the result. The engine fuses a
   * `Linear` with the `ReLU` after it, and a `Conv2d` with a training-mode `BatchNorm2d` (and its
   * `ReLU`), in any module, not only here.
   */
  forward(x: Tensor, opts: { relu?: boolean } = {}): Tensor {
    checkOptions("Sequential.forward", opts, FORWARD_SPEC);
    let y = x;
    for (const m of this.#layers) y = m.forward(y);
    return opts.relu ? relu(y) : y;
  }
}
