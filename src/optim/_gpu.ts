/**
 * GPU plumbing shared by the optimizers: their uniforms, created through the device (which owns them,
 * numbers them in its one id space and frees them in `destroy()`), and the packing of the `Hypers`
 * struct every optimizer shader declares, through the layout and flag bits generated from
 * `shaders/_optim_hypers.wgsl` (never an offset kept by hand).
 * @module
 */
import { device, type PooledBuffer } from "../tensor/mod.ts";
import { constants, layouts } from "../tensor/_shaders.ts";
import { packUniform } from "../tensor/_uniform.ts";
export { UNIFORM_ALIGN } from "../tensor/_uniforms.ts";

const HYPERS = layouts.optim_hypers.Hypers;
const C = constants.sgd; // every optimizer shader includes `_optim_hypers.wgsl` and its flags

/** A writable uniform of `bytes` owned by the device, filled with `init` when given. */
export function createUniform(bytes: number, init?: ArrayBufferView): PooledBuffer {
  return device().uniforms.writable(bytes, init);
}

/**
 * ONE writable uniform of `count` slots of `bytes` each, 256 bytes apart, filled from `init`
 * (`count * 256` bytes), and a bindable slice per slot: all of them are updated by one write.
 */
export function createUniformSlots(
  count: number,
  bytes: number,
  init: Uint8Array,
): { whole: PooledBuffer; slots: PooledBuffer[] } {
  return device().uniforms.slots(count, bytes, init);
}

/** The `Meta` uniform of one parameter tensor: its element count. */
export function createMeta(numel: number): PooledBuffer {
  const m = layouts.optim_hypers.Meta;
  return createUniform(m.size, new Uint8Array(packUniform(m, { n: numel })));
}

/** Bytes of the `Hypers` struct of `shaders/_optim_hypers.wgsl`. */
export const HYPERS_BYTES = HYPERS.size;

/** Flag bits of `Hypers.flags` (the `const`s of `shaders/_optim_hypers.wgsl`). */
export const FLAG = {
  decoupled: C.DECOUPLED,
  nesterov: C.NESTEROV,
  amsgrad: C.AMSGRAD,
  centered: C.CENTERED,
  first: C.FIRST,
} as const;

/** Field values of the `Hypers` struct; every float is rounded to f32 when packed. */
export interface HypersBlock {
  lr: number;
  momentum: number;
  beta: number;
  wd: number;
  eps: number;
  dampening: number;
  /** `1 - lr * wd` for decoupled weight decay, computed in f64 like PyTorch's Python scalar. */
  decay: number;
  stepSize: number;
  bc2Sqrt: number;
  oneMinusMom: number;
  oneMinusBeta: number;
  flags: number;
  step: number;
}

/** Packs `h` into `out` (the layout of `struct Hypers`). */
export function packHypers(h: HypersBlock, out = new ArrayBuffer(HYPERS_BYTES)): ArrayBuffer {
  return packUniform(HYPERS, {
    lr: h.lr,
    momentum: h.momentum,
    beta: h.beta,
    wd: h.wd,
    eps: h.eps,
    dampening: h.dampening,
    decay: h.decay,
    step_size: h.stepSize,
    bc2_sqrt: h.bc2Sqrt,
    one_minus_mom: h.oneMinusMom,
    one_minus_beta: h.oneMinusBeta,
    flags: h.flags,
    step: h.step,
  }, out);
}

/** Workgroup grid for `n` elements with `wg` per workgroup, folded into 2-D past 65535 groups. */
export function grid(n: number, wg = 256): [number, number] {
  const groups = Math.max(1, Math.ceil(n / wg));
  if (groups <= 65535) return [groups, 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y];
}
