/**
 * GPU plumbing shared by the optimizers: writable uniform buffers (the engine's `device().uniform()` is
 * immutable and content-keyed, so a per-group hyperparameter block needs its own buffer), and the packing
 * of the `Hypers` struct every optimizer shader declares.
 * @module
 */
import { device, type PooledBuffer } from "../tensor/mod.ts";

/** Ids for the device's bind-group cache, far above the pool's and the device's own ids. */
let nextId = 2 ** 40;

/** A `UNIFORM | COPY_DST` buffer of `bytes` (rounded up to 16), filled with `init` when given. */
export function createUniform(bytes: number, init?: ArrayBufferView): PooledBuffer {
  const size = Math.max(16, Math.ceil(bytes / 16) * 16);
  const buffer = device().gpu.createBuffer({
    size,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    mappedAtCreation: init !== undefined,
  });
  if (init) {
    new Uint8Array(buffer.getMappedRange()).set(
      new Uint8Array(init.buffer, init.byteOffset, init.byteLength),
    );
    buffer.unmap();
  }
  return { id: nextId++, buffer, size };
}

/** Binding-offset alignment of uniform slices (WebGPU's default `minUniformBufferOffsetAlignment`). */
export const UNIFORM_ALIGN = 256;

/**
 * ONE `UNIFORM | COPY_DST` buffer holding `count` slots of `bytes` each, 256 bytes apart, filled from
 * `init` (`count * 256` bytes), and a bindable slice per slot: all of them are updated by one write.
 */
export function createUniformSlots(
  count: number,
  bytes: number,
  init: Uint8Array,
): { whole: PooledBuffer; slots: PooledBuffer[] } {
  const size = Math.max(1, count) * UNIFORM_ALIGN;
  const buffer = device().gpu.createBuffer({
    size,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    mappedAtCreation: true,
  });
  new Uint8Array(buffer.getMappedRange()).set(init.subarray(0, size));
  buffer.unmap();
  const whole = { id: nextId++, buffer, size };
  const slots = Array.from({ length: count }, (_, i) => ({
    id: nextId++,
    buffer,
    size: bytes,
    offset: i * UNIFORM_ALIGN,
  }));
  return { whole, slots };
}

/** The 16-byte `Meta` uniform of one parameter tensor: its element count. */
export function createMeta(numel: number): PooledBuffer {
  return createUniform(16, new Uint32Array([numel, 0, 0, 0]));
}

/** Bytes of the `Hypers` struct of `shaders/{sgd,adam,rmsprop}.wgsl`. */
export const HYPERS_BYTES = 64;

/** Flag bits of `Hypers.flags`. */
export const FLAG = { decoupled: 1, nesterov: 2, amsgrad: 4, centered: 8, first: 16 } as const;

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

/** Packs `h` into a 64-byte block (the layout of `struct Hypers`). */
export function packHypers(h: HypersBlock, out = new ArrayBuffer(HYPERS_BYTES)): ArrayBuffer {
  const f = new Float32Array(out);
  const u = new Uint32Array(out);
  f[0] = h.lr;
  f[1] = h.momentum;
  f[2] = h.beta;
  f[3] = h.wd;
  f[4] = h.eps;
  f[5] = h.dampening;
  f[6] = h.decay;
  f[7] = h.stepSize;
  f[8] = h.bc2Sqrt;
  f[9] = h.oneMinusMom;
  f[10] = h.oneMinusBeta;
  u[11] = h.flags;
  u[12] = h.step;
  u[13] = u[14] = u[15] = 0;
  return out;
}

/** Workgroup grid for `n` elements with 256 per workgroup, folded into 2-D past 65535 groups. */
export function grid(n: number): [number, number] {
  const groups = Math.max(1, Math.ceil(n / 256));
  if (groups <= 65535) return [groups, 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y];
}
