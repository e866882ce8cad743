/**
 * `Optimizer`: the shared machinery of {@linkcode SGD}, {@linkcode Adam} and {@linkcode RMSProp}.
 *
 * GPU layout, per optimizer:
 * - one 64-byte uniform block per parameter GROUP (`struct Hypers` of the shaders) holding lr, momentum,
 *   beta, weight decay, eps, dampening, flags and the step's bias corrections. The blocks of all groups
 *   are slices (256 bytes apart) of ONE uniform buffer, mirrored on the CPU: `setHypers()` only packs the
 *   group's block into the mirror (no GPU call at all), and `step()` uploads the mirror with ONE
 *   `device().write()` when something changed, whatever the number of groups; nothing is created,
 *   compiled or read back.
 * - one 16-byte uniform per parameter (its element count), written once at construction.
 * - the state buffers of each parameter (momentum, moments...), allocated and zeroed at construction.
 * `step()` records one fused update per parameter that has a gradient, up to 4 of them (of one group)
 * per dispatch; parameters without a gradient are skipped, as in PyTorch. All
 * buffers are stable, so the device's bind-group cache hits.
 *
 * Step counts are kept per parameter on the CPU (as PyTorch's `state[p]["step"]`). A group's uniform
 * encodes the step of its parameters; a parameter that fell behind its group (it had no gradient for some
 * steps while the rest of its group trained, e.g. a partially frozen group) gets a private uniform with its
 * own bias corrections, written each step while it lags.
 * @module
 */
import { type Device, device, GpuError, type PooledBuffer, type Tensor } from "../tensor/mod.ts";
import { type GroupHypers, validateHypers } from "./hypers.ts";
import { dispatchSteps } from "./_packs.ts";
import { OptimTuning } from "./_optim_tune.ts";
import { checkOptions } from "../_options.ts";
import { HYPER_SPEC } from "./_hyper_spec.ts";
import { HYPER_KEYS, normalizeGroups, type ParamGroups } from "./_groups.ts";
import { checkStateDict, type OptimizerStateDict } from "./_state_dict.ts";
export type { OptimizerStateDict } from "./_state_dict.ts";
export type { ParamGroups, ParamGroupSpec } from "./_groups.ts";
import {
  createMeta,
  createUniform,
  createUniformSlots,
  HYPERS_BYTES,
  type HypersBlock,
  packHypers,
  UNIFORM_ALIGN,
} from "./_gpu.ts";

/** @internal What a concrete optimizer plugs into the base class. */
export interface UpdateRule {
  /** Shader of the fused update (`main` entry point). */
  shader: "sgd" | "adam" | "rmsprop";
  /** State buffer names, bound at bindings 4, 5, ... in this order. */
  stateNames: readonly string[];
  /** Which states exist; the others are bound to a 4-byte dummy the kernel never touches. */
  allocate: readonly boolean[];
  /** The uniform's fields for `h` at a parameter whose tag (see `nextTag`) is `tag`. */
  pack(h: GroupHypers, tag: number): HypersBlock;
  /** The tag after a step with `h` (Adam: step count; SGD: momentum buffer started; RMSProp: 0). */
  nextTag(tag: number, h: GroupHypers): number;
}

interface Group {
  index: number;
  params: number[];
  hypers: GroupHypers;
  uniform: PooledBuffer;
  /** Tag the uniform currently encodes, or -1 when it must be rewritten. */
  encoded: number;
  /** Tag of the group's most advanced parameter (what the next step will use). */
  tag: number;
}

/** Base class of the optimizers; see the module doc for the GPU layout. */
export abstract class Optimizer {
  /** "SGD", "Adam" or "RMSProp". */
  abstract readonly optimizerName: string;
  /** Every parameter, flat, in group order. */
  readonly params: readonly Tensor[];
  #rule: UpdateRule;
  #groups: Group[];
  #paramGroup: number[];
  #meta: PooledBuffer[];
  #state: PooledBuffer[][];
  #tags: number[];
  #steps: number[];
  #private: (PooledBuffer | null)[];
  /** The rule's kernels (scalar, vec4, `multi`) in the launch variant the autotuner chose. */
  #tuning: OptimTuning;
  #scratch = new Float32Array(HYPERS_BYTES / 4);
  /** CPU mirror of the groups' uniform buffer, and whether it differs from the GPU copy. */
  #mirror: Uint8Array;
  #arena: PooledBuffer;
  #dirty = false;
  #disposed = false;
  /** The device that owns this optimizer's buffers. */
  #device: Device;

  /**
   * Validates the groups and hyperparameters, compiles the rule's kernels, and allocates the
   * uniforms and zeroed state buffers.
   */
  protected constructor(
    name: string,
    groups: ParamGroups,
    defaults: GroupHypers,
    rule: UpdateRule,
  ) {
    const specs = normalizeGroups(name, groups);
    validateHypers(defaults, `${name} option`);
    const seen = new Set<number>();
    const params: Tensor[] = [];
    const hypers: GroupHypers[] = [];
    specs.forEach((s, g) => {
      const h: GroupHypers = { ...defaults };
      for (const k of HYPER_KEYS) {
        if (s[k] !== undefined) (h as unknown as Record<string, unknown>)[k] = s[k];
      }
      validateHypers(h, `${name} group ${g}`);
      hypers.push(h);
      for (const p of s.params) {
        if (p.disposed || p.dtype !== "f32") {
          throw new TypeError(`Cannot optimize ${p}: expected a live f32 tensor`);
        }
        if (seen.has(p.id)) {
          throw new TypeError(
            `Cannot create ${name}: ${p} appears in more than one parameter group`,
          );
        }
        seen.add(p.id);
        params.push(p);
      }
    });
    const d = device();
    this.#device = d;
    this.params = params;
    this.#rule = rule;
    this.#tuning = new OptimTuning(d, rule.shader, params.map((p) => p.size));
    this.#paramGroup = specs.flatMap((s, g) => s.params.map(() => g));
    this.#meta = params.map((p) => createMeta(p.size));
    // Three state bindings per parameter (the kernels' layout); the unused ones are the dummy.
    this.#state = params.map((p) =>
      [0, 1, 2].map((k) => {
        if (!rule.allocate[k]) return d.dummy;
        const b = d.pool.acquire(Math.max(4, p.size * 4));
        d.write(b, new Float32Array(p.size));
        return b;
      })
    );
    this.#tags = params.map(() => 0);
    this.#steps = params.map(() => 0);
    this.#private = params.map(() => null);
    let first = 0;
    this.#mirror = new Uint8Array(Math.max(1, specs.length) * UNIFORM_ALIGN);
    specs.forEach((_, g) => {
      this.#mirror.set(new Uint8Array(this.#pack(hypers[g]!, 0).buffer), g * UNIFORM_ALIGN);
    });
    const { whole, slots } = createUniformSlots(specs.length, HYPERS_BYTES, this.#mirror);
    this.#arena = whole;
    this.#groups = specs.map((s, g) => {
      const idx = s.params.map((_, k) => first + k);
      first += s.params.length;
      return { index: g, params: idx, hypers: hypers[g]!, uniform: slots[g]!, encoded: 0, tag: 0 };
    });
  }

  /** Packs group `g`'s block into the CPU mirror; `step()` uploads it (one write for all groups). */
  #stage(g: Group, tag: number): void {
    const block = new Uint8Array(this.#pack(g.hypers, tag).buffer);
    const at = g.index * UNIFORM_ALIGN;
    const m = this.#mirror;
    for (let i = 0; i < HYPERS_BYTES; i++) {
      if (m[at + i] !== block[i]) {
        m.set(block, at);
        this.#dirty = true;
        break;
      }
    }
    g.encoded = tag;
  }

  /** Uploads the CPU mirror of the group uniforms if it changed. */
  #upload(d: Device): void {
    if (!this.#dirty) return;
    d.write(this.#arena, this.#mirror);
    this.#dirty = false;
  }

  #pack(h: GroupHypers, tag: number): Float32Array {
    packHypers(this.#rule.pack(h, tag), this.#scratch.buffer);
    return this.#scratch;
  }

  #check(): Device {
    if (this.#disposed) {
      throw new ReferenceError(`Cannot use ${this.optimizerName}: it was disposed`);
    }
    if (this.#device.destroyed) {
      throw new GpuError(`Cannot use ${this.optimizerName}: its device was destroyed`);
    }
    return this.#device;
  }

  #checkGroup(group: number): Group {
    if (typeof group !== "number" || !Number.isInteger(group)) {
      throw new TypeError(
        `Cannot address ${this.optimizerName} group ${String(group)}: expected an integer`,
      );
    }
    const g = this.#groups[group];
    if (!g) {
      throw new RangeError(
        `Cannot address ${this.optimizerName} group ${group}: expected 0..${
          this.#groups.length - 1
        }`,
      );
    }
    return g;
  }

  /** Number of parameter groups. */
  get groupCount(): number {
    return this.#groups.length;
  }

  /** A copy of the hyperparameters of `group`. */
  getHypers(group: number): GroupHypers {
    return { ...this.#checkGroup(group).hypers };
  }

  /**
   * Changes some hyperparameters of `group`: validated (a `RangeError`/`TypeError` naming the bad value),
   * then packed into the CPU mirror of the group uniforms. No GPU call: the next `step()` uploads every
   * changed group with one write (none when the values did not change).
   */
  setHypers(group: number, h: Partial<GroupHypers>): void {
    const g = this.#checkGroup(group);
    if (h === null || typeof h !== "object") {
      throw new TypeError(
        `Cannot set ${this.optimizerName} group ${group} hyperparameters: expected an object, got ${
          String(h)
        }`,
      );
    }
    checkOptions(`${this.optimizerName}.setHypers`, h, HYPER_SPEC);
    validateHypers(h, `${this.optimizerName} group ${group}`);
    this.#check();
    const next = { ...g.hypers };
    for (const k of HYPER_KEYS) {
      if (h[k] !== undefined) (next as unknown as Record<string, unknown>)[k] = h[k];
    }
    g.hypers = next;
    this.#stage(g, g.tag);
  }

  /**
   * Records one fused update per parameter that has a gradient, several per dispatch (no readback,
   * no allocation after the first step). Uniform writes (at most one per group, none when `setHypers` already wrote this
   * step's values) happen before the dispatches, so they cost at most one submit.
   */
  step(): void {
    const d = this.#check();
    for (const p of this.params) {
      if (p.grad && p.grad.size !== p.size) {
        throw new TypeError(
          `Cannot step ${this.optimizerName}: the gradient of ${p} has shape [${p.grad.shape}]`,
        );
      }
    }
    const jobs: [number, PooledBuffer][] = [];
    for (const g of this.#groups) {
      const live = g.params.filter((i) => this.params[i]!.grad !== null);
      if (live.length === 0) continue;
      let tag = 0;
      for (const i of live) tag = Math.max(tag, this.#tags[i]!);
      if (g.encoded !== tag) this.#stage(g, tag);
      for (const i of live) {
        if (this.#tags[i] === tag) {
          jobs.push([i, g.uniform]);
          continue;
        }
        const u = this.#private[i] ??= createUniform(HYPERS_BYTES);
        d.write(u, this.#pack(g.hypers, this.#tags[i]!));
        jobs.push([i, u]);
      }
    }
    this.#upload(d);
    dispatchSteps(d, {
      ...this.#tuning.launch(d),
      params: this.params,
      meta: this.#meta,
      state: this.#state,
    }, jobs);
    for (const [i] of jobs) {
      const g = this.#groups[this.#paramGroup[i]!]!;
      this.#tags[i] = this.#rule.nextTag(this.#tags[i]!, g.hypers);
      this.#steps[i]!++;
      g.tag = Math.max(g.tag, this.#tags[i]!);
    }
  }

  /**
   * Zeroes every gradient, keeping the buffers (and bind groups) stable, with NO GPU work: each
   * gradient is marked zero, the next `backward()` writes it (often straight from the kernel that
   * computes it) instead of accumulating into it, and reading `.grad` before that fills it with 0.
   */
  zeroGrad(): void {
    this.#check();
    for (const p of this.params) p.zeroGradLazy();
  }

  /** Hyperparameters, step counts and state buffers, read back to the CPU (not for the hot path). */
  async stateDict(): Promise<OptimizerStateDict> {
    const d = this.#check();
    const state: OptimizerStateDict["state"] = [];
    for (let i = 0; i < this.params.length; i++) {
      const buffers: Record<string, Float32Array> = {};
      const n = this.params[i]!.size;
      for (let k = 0; k < this.#rule.stateNames.length; k++) {
        if (!this.#rule.allocate[k]) continue;
        buffers[this.#rule.stateNames[k]!] = new Float32Array(
          await d.read(this.#state[i]![k]!, 0, n * 4),
        );
      }
      state.push({ step: this.#steps[i]!, tag: this.#tags[i]!, buffers });
    }
    return {
      optimizerName: this.optimizerName,
      groups: this.#groups.map((g) => ({ hypers: { ...g.hypers }, params: [...g.params] })),
      state,
    };
  }

  /**
   * Restores what {@linkcode stateDict} returned, for the same optimizer type and group layout.
   * @throws {TypeError} On another optimizer type, group layout, state name or buffer size.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const d = this.#check();
    checkStateDict(sd, {
      name: this.optimizerName,
      groupSizes: this.#groups.map((g) => g.params.length),
      paramSizes: this.params.map((p) => p.size),
      stateNames: this.#rule.stateNames,
      allocate: this.#rule.allocate,
    });
    sd.state.forEach((s, i) => {
      this.#rule.stateNames.forEach((name, k) => {
        if (this.#rule.allocate[k]) {
          d.write(this.#state[i]![k]!, Float32Array.from(s.buffers[name]!));
        }
      });
      this.#steps[i] = s.step;
      this.#tags[i] = s.tag;
    });
    this.#groups.forEach((g, k) => {
      g.hypers = { ...sd.groups[k]!.hypers };
      g.tag = Math.max(0, ...g.params.map((i) => this.#tags[i]!));
      this.#stage(g, g.tag);
    });
    this.#upload(d);
  }

  /** Frees the uniforms and state buffers. The parameters stay. Safe to call twice. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    const d = this.#device;
    if (d.destroyed) return; // the device freed everything already
    d.flush();
    d.uniforms.release(this.#arena);
    for (const u of this.#meta) d.uniforms.release(u);
    for (const u of this.#private) if (u) d.uniforms.release(u);
    for (const list of this.#state) {
      this.#rule.allocate.forEach((a, k) => a && d.pool.release(list[k]!));
    }
  }

  /** Calls {@linkcode Optimizer.dispose} (for `using`). */
  [Symbol.dispose](): void {
    this.dispose();
  }
}
