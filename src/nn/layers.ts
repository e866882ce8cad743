/**
 * Layers without spatial structure: `Linear`, `ReLU`, `LogSoftmax`, `Softmax`, `Flatten`, `Dropout` and
 * the container `Sequential` (children named "0", "1", ...; a `Linear` followed by a `ReLU` runs as one
 * fused matmul+bias+ReLU kernel).
 * @module
 */
import { dropout, flatten, linear, logSoftmax, relu, softmax, type Tensor } from "../tensor/mod.ts";
import { Module } from "./module.ts";
import { randomSeed, seedStream, uniformFanIn } from "./_init.ts";

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
 * ```ts ignore
 * const fc = new Linear(192, 40, { seed: 1 });
 * const y = fc.forward(x); // [N,192] -> [N,40]
 * ```
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
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
    return linear(x, this.weight, this.bias, opts);
  }

  protected override describe(): string {
    return `Linear(${this.inFeatures}, ${this.outFeatures}${this.bias ? "" : ", bias=false"})`;
  }
}

/** `max(x, 0)`. */
export class ReLU extends Module {
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
  readonly dim: number;
  constructor(dim = 1) {
    super();
    this.dim = checkDim(dim, "LogSoftmax");
  }
  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }
  protected override describe(): string {
    return `LogSoftmax(dim=${this.dim})`;
  }
}

/** Softmax along `dim` (default 1, the class dimension of `[N, C]`). */
export class Softmax extends Module {
  readonly dim: number;
  constructor(dim = 1) {
    super();
    this.dim = checkDim(dim, "Softmax");
  }
  forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }
  protected override describe(): string {
    return `Softmax(dim=${this.dim})`;
  }
}

/** Flattens dims `startDim..` (default 1: `[N, C, H, W] -> [N, C*H*W]`); a view, no copy. */
export class Flatten extends Module {
  readonly startDim: number;
  constructor(startDim = 1) {
    super();
    this.startDim = checkDim(startDim, "Flatten");
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim);
  }
}

/** Inverted dropout with probability `p` in training mode; the identity in evaluation mode. */
export class Dropout extends Module {
  readonly p: number;
  readonly seed: number | undefined;
  constructor(p = 0.5, opts: { seed?: number } = {}) {
    super();
    if (!(p >= 0 && p <= 1)) {
      throw new RangeError(`Cannot create Dropout: expected p in [0, 1], got ${p}`);
    }
    this.p = p;
    this.seed = opts.seed;
  }
  forward(x: Tensor): Tensor {
    return dropout(x, { p: this.p, training: this.training, seed: this.seed });
  }
  protected override describe(): string {
    return `Dropout(p=${this.p})`;
  }
}

/**
 * Runs its children in order; they are named "0", "1", ... as in PyTorch.
 *
 * @example Usage
 * ```ts ignore
 * const net = new Sequential(new Flatten(), new Linear(192, 40), new ReLU(), new Linear(40, 10));
 * ```
 */
export class Sequential extends Module {
  #layers: Module[];
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

  get length(): number {
    return this.#layers.length;
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (let i = 0; i < this.#layers.length; i++) {
      const m = this.#layers[i]!;
      if (m instanceof Linear && this.#layers[i + 1] instanceof ReLU) {
        y = m.forward(y, { relu: true }); // fused bias + ReLU
        i++;
      } else {
        y = m.forward(y);
      }
    }
    return y;
  }
}
