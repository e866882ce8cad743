/**
 * Layers without spatial structure: `Linear`, `ReLU`, `LogSoftmax`, `Softmax`, `Flatten`, `Dropout` and
 * the container `Sequential` (children named "0", "1", ...; a `Linear` followed by a `ReLU` runs as one
 * fused matmul+bias+ReLU kernel; a `Conv2d` followed by a `BatchNorm2d` in training, and a `ReLU`,
 * runs as `conv2dBatchNorm`, also when the conv and BN sit in a nested `Sequential` before the ReLU).
 * @module
 */
import {
  conv2dBatchNorm,
  dropout,
  flatten,
  linear,
  logSoftmax,
  relu,
  softmax,
  type Tensor,
} from "../tensor/mod.ts";
import { Module } from "./module.ts";
import { BatchNorm2d, Conv2d } from "./conv_layers.ts";
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

  /** Runs the children in order; `relu: true` applies a ReLU to the result (fused when possible). */
  forward(x: Tensor, opts: { relu?: boolean } = {}): Tensor {
    checkOptions("Sequential.forward", opts, FORWARD_SPEC);
    const layers = this.#layers, n = layers.length;
    // Whether a ReLU follows child j (the next child, or the caller's relu after the last one).
    const reluAfter = (j: number) => (j + 1 < n ? layers[j + 1] instanceof ReLU : !!opts.relu);
    let y = x;
    let pendingRelu = !!opts.relu;
    for (let i = 0; i < n; i++) {
      const m = layers[i]!;
      const next = layers[i + 1];
      if (m instanceof Conv2d && next instanceof BatchNorm2d && next.training) {
        const r = reluAfter(i + 1);
        y = convBn(m, next, y, r);
        i += 1;
        if (r && i < n - 1) i++; // the ReLU child, fused
        else if (r) pendingRelu = false; // the caller's ReLU, fused
      } else if (m instanceof Linear && next instanceof ReLU) {
        y = m.forward(y, { relu: true }); // fused bias + ReLU
        i++;
      } else if (m instanceof Linear && i === n - 1 && pendingRelu) {
        y = m.forward(y, { relu: true });
        pendingRelu = false;
      } else if (m instanceof Sequential && reluAfter(i) && m.#fusesRelu()) {
        y = m.forward(y, { relu: true });
        if (i < n - 1) i++;
        else pendingRelu = false;
      } else {
        y = m.forward(y);
      }
    }
    return pendingRelu ? relu(y) : y;
  }

  /** Whether `forward(x, { relu: true })` fuses the ReLU into its last layers. */
  #fusesRelu(): boolean {
    const n = this.#layers.length;
    const last = this.#layers[n - 1], prev = this.#layers[n - 2];
    return (last instanceof BatchNorm2d && last.training && prev instanceof Conv2d) ||
      last instanceof Linear || (last instanceof Sequential && last.#fusesRelu());
  }
}

/** Conv2d → BatchNorm2d (training) [→ ReLU] as one fused op. */
function convBn(conv: Conv2d, bn: BatchNorm2d, x: Tensor, withRelu: boolean): Tensor {
  return conv2dBatchNorm(x, conv.weight, conv.bias, {
    ...conv.options,
    relu: withRelu,
    bn: {
      weight: bn.weight,
      bias: bn.bias,
      runningMean: bn.runningMean,
      runningVar: bn.runningVar,
      training: true,
      momentum: bn.momentum,
      eps: bn.eps,
    },
  });
}
