/**
 * `Module`: named parameters, buffers and children with PyTorch's state_dict key names (`"0.weight"`,
 * `"4.0.downsample.1.running_var"`), train/eval mode, state dicts, fastai v0.7 layer groups and freezing.
 * @module
 */
import { type Tensor, untrack } from "../tensor/mod.ts";

/** A tensor as a state dict holds it: shape and flat row-major values on the CPU. */
export interface StateTensor {
  /** Shape of the tensor. */
  shape: readonly number[];
  /** Flat row-major values. */
  data: ArrayLike<number>;
}

/** `{ key: tensor }` with PyTorch's key names (`num_batches_tracked` is not kept). */
export type StateDict = Record<string, StateTensor>;

/**
 * Base class of layers and models. Subclasses register parameters, buffers and children in their
 * constructor (in PyTorch's order) and implement `forward`.
 *
 * @example Usage
 * ```ts
 * import { init, randn, relu, type Tensor } from "../tensor/mod.ts";
 * import { Linear } from "./mod.ts";
 * await init();
 * class Mlp extends Module {
 *   fc1 = this.registerModule("fc1", new Linear(784, 100));
 *   fc2 = this.registerModule("fc2", new Linear(100, 10));
 *   forward(x: Tensor): Tensor {
 *     return this.fc2.forward(relu(this.fc1.forward(x))); // [N,784] -> [N,100] -> [N,10]
 *   }
 * }
 * const y = new Mlp().forward(randn([2, 784])); // [2, 10]
 * ```
 */
export abstract class Module {
  /** Training mode (batch statistics, dropout) vs evaluation mode. */
  training = true;
  #params = new Map<string, Tensor>();
  #buffers = new Map<string, Tensor>();
  #children = new Map<string, Module>();
  #groups: Module[][] | null = null;

  /** The output for input `x`. */
  abstract forward(x: Tensor): Tensor;

  /** Registers a parameter (a leaf with `requiresGrad`, owned by this module, outside any `tidy`). */
  protected registerParameter(name: string, t: Tensor): Tensor {
    t.requiresGrad = true;
    this.#params.set(name, untrack(t));
    return t;
  }

  /** Registers a buffer (state that is saved but not trained, e.g. BatchNorm's running statistics). */
  protected registerBuffer(name: string, t: Tensor): Tensor {
    this.#buffers.set(name, untrack(t));
    return t;
  }

  /** Registers a child module under `name` (its keys become `name.<key>`). */
  protected registerModule<M extends Module>(name: string, m: M): M {
    this.#children.set(name, m);
    return m;
  }

  /** `[name, child]` of the direct children, in order. */
  namedChildren(): [string, Module][] {
    return [...this.#children];
  }

  /** The direct children, in order. */
  children(): Module[] {
    return [...this.#children.values()];
  }

  /** `[key, parameter]` of this module and its descendants, in PyTorch's `named_parameters()` order. */
  namedParameters(prefix = ""): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [k, t] of this.#params) out.push([prefix + k, t]);
    for (const [k, m] of this.#children) out.push(...m.namedParameters(`${prefix}${k}.`));
    return out;
  }

  /** Every parameter, in `namedParameters()` order. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /** `[key, buffer]` of this module and its descendants. */
  namedBuffers(prefix = ""): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [k, t] of this.#buffers) out.push([prefix + k, t]);
    for (const [k, m] of this.#children) out.push(...m.namedBuffers(`${prefix}${k}.`));
    return out;
  }

  /** Parameters and buffers in `state_dict()` order (each module's parameters, buffers, then children). */
  #stateEntries(prefix = ""): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [k, t] of this.#params) out.push([prefix + k, t]);
    for (const [k, t] of this.#buffers) out.push([prefix + k, t]);
    for (const [k, m] of this.#children) out.push(...m.#stateEntries(`${prefix}${k}.`));
    return out;
  }

  /** Sets training mode here and in every descendant. */
  train(mode = true): this {
    this.training = mode;
    for (const m of this.#children.values()) m.train(mode);
    return this;
  }

  /** Sets evaluation mode (`train(false)`). */
  eval(): this {
    return this.train(false);
  }

  /** Every parameter and buffer, read back to the CPU (waits for the GPU; not for the hot path). */
  async stateDict(): Promise<Record<string, { shape: number[]; data: Float32Array }>> {
    const out: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (const [k, t] of this.#stateEntries()) {
      out[k] = { shape: [...t.shape], data: (await t.data()) as Float32Array };
    }
    return out;
  }

  /**
   * Writes `sd` into the parameters and buffers. Every key must exist with the same shape
   * (`num_batches_tracked`, which tempo does not keep, is ignored). Nothing is written unless all match.
   * @throws {TypeError} Listing missing and unexpected keys, or naming the first mismatched shape.
   */
  loadStateDict(sd: StateDict): void {
    const entries = this.#stateEntries();
    const own = new Map(entries);
    const keys = Object.keys(sd).filter((k) => !k.endsWith("num_batches_tracked"));
    const missing = entries.map(([k]) => k).filter((k) => !(k in sd));
    const unexpected = keys.filter((k) => !own.has(k));
    if (missing.length || unexpected.length) {
      throw new TypeError(
        `Cannot load the state dict: missing keys [${missing.join(", ")}], unexpected keys [${
          unexpected.join(", ")
        }]`,
      );
    }
    for (const k of keys) {
      const t = own.get(k)!, s = sd[k]!;
      const n = s.shape.reduce((a, b) => a * b, 1);
      if (s.shape.join() !== t.shape.join() || s.data.length !== n) {
        throw new TypeError(
          `Cannot load '${k}': expected shape [${t.shape}], got [${s.shape}] with ${s.data.length} values`,
        );
      }
    }
    for (const k of keys) own.get(k)!.write(sd[k]!.data);
  }

  /**
   * The layer groups (for discriminative learning rates and freezing): those set by
   * {@linkcode setLayerGroups}, else fastai v0.7's default of one group per direct child.
   */
  layerGroups(): Module[][] {
    return this.#groups ? this.#groups.map((g) => [...g]) : this.children().map((c) => [c]);
  }

  /** Sets explicit layer groups: each entry is a module or a list of modules. */
  setLayerGroups(groups: readonly (Module | readonly Module[])[]): this {
    if (!Array.isArray(groups) || groups.length === 0) {
      throw new TypeError("Cannot set layer groups: expected a non-empty list of modules");
    }
    this.#groups = groups.map((g, i) => {
      const list = g instanceof Module ? [g] : [...g];
      if (!list.every((m) => m instanceof Module)) {
        throw new TypeError(`Cannot set layer group ${i}: expected a module or a list of modules`);
      }
      return list;
    });
    return this;
  }

  /** The parameters of each layer group (what an optimizer's groups should be). */
  layerGroupParameters(): Tensor[][] {
    return this.layerGroups().map((g) => g.flatMap((m) => m.parameters()));
  }

  /**
   * Freezes layer groups `0..n-1` and unfreezes `n..` (fastai `freeze_to`; negative `n` counts from the
   * end). A frozen parameter gets `requiresGrad = false` and its gradient is dropped, so optimizers skip it.
   */
  freezeTo(n: number): this {
    const groups = this.layerGroups();
    if (!Number.isInteger(n) || n < -groups.length || n > groups.length) {
      throw new RangeError(
        `Cannot freezeTo(${n}): expected an integer in [${-groups.length}, ${groups.length}]`,
      );
    }
    const cut = n < 0 ? groups.length + n : n;
    groups.forEach((g, i) => {
      for (const p of g.flatMap((m) => m.parameters())) {
        p.requiresGrad = i >= cut;
        if (!p.requiresGrad && p.grad) {
          p.grad.dispose();
          p.grad = null;
        }
      }
    });
    return this;
  }

  /** Freezes every layer group but the last (fastai `freeze`). */
  freeze(): this {
    return this.freezeTo(-1);
  }

  /** Unfreezes every layer group. */
  unfreeze(): this {
    return this.freezeTo(0);
  }

  /** Frees every parameter (and its gradient) and buffer. */
  dispose(): void {
    for (const t of this.#params.values()) t.dispose();
    for (const t of this.#buffers.values()) t.dispose();
    for (const m of this.#children.values()) m.dispose();
  }

  /** Calls {@linkcode Module.dispose} (for `using`). */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Short description of this module's own configuration (e.g. `Linear(192, 40)`). */
  protected describe(): string {
    return this.constructor.name + "()";
  }

  /** PyTorch-like tree. */
  toString(): string {
    if (this.#children.size === 0) return this.describe();
    const inner = [...this.#children].map(([k, m]) =>
      `  (${k}): ${String(m).replace(/\n/g, "\n  ")}`
    );
    return `${this.constructor.name}(\n${inner.join("\n")}\n)`;
  }
}
